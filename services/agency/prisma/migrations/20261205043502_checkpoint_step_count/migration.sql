-- AlterTable
ALTER TABLE "SignedCheckpoint" ADD COLUMN "stepCount" INTEGER;

