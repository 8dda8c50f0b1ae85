-- DropIndex
DROP INDEX "Step_caseRef_idx";

-- DropIndex
DROP INDEX "LedgerEvent_caseRef_idx";

-- CreateIndex
CREATE INDEX "Step_caseRef_state_blockNumber_logIndex_idx" ON "Step"("caseRef", "state", "blockNumber", "logIndex");

-- CreateIndex
CREATE INDEX "LedgerEvent_caseRef_blockNumber_logIndex_idx" ON "LedgerEvent"("caseRef", "blockNumber", "logIndex");

-- CreateIndex
CREATE INDEX "LedgerEvent_caseRef_name_blockNumber_logIndex_idx" ON "LedgerEvent"("caseRef", "name", "blockNumber", "logIndex");

-- CreateIndex
CREATE INDEX "LedgerEvent_caseRef_stepCode_idx" ON "LedgerEvent"("caseRef", "stepCode");

-- CreateIndex
CREATE INDEX "LedgerEvent_eventId_idx" ON "LedgerEvent"("eventId");

