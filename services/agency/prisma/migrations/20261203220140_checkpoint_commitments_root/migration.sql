-- AlterTable
ALTER TABLE "SignedCheckpoint" ADD COLUMN "commitmentsRoot" TEXT;
