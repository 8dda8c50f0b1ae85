-- AlterTable
ALTER TABLE "SignedCheckpoint" ADD COLUMN     "commitmentsTree" TEXT NOT NULL DEFAULT 'sorted';

