-- DropIndex
DROP INDEX "LedgerEvent_caseRef_blockNumber_logIndex_idx";

-- DropIndex
DROP INDEX "LedgerEvent_caseRef_name_blockNumber_logIndex_idx";

-- DropIndex
DROP INDEX "LedgerEvent_caseRef_stepCode_idx";

-- CreateIndex
CREATE INDEX "LedgerEvent_caseRef_blockNumber_logIndex_name_idx" ON "LedgerEvent"("caseRef", "blockNumber", "logIndex", "name");

