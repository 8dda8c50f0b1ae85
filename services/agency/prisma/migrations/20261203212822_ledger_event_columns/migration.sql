-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LedgerEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "txHash" TEXT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "blockNumber" INTEGER NOT NULL,
    "blockHash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "caseRef" TEXT,
    "eventId" TEXT,
    "agency" INTEGER,
    "stepCode" INTEGER,
    "detail" TEXT,
    "businessDate" INTEGER,
    "commitment" TEXT,
    "missingFlags" INTEGER,
    "stopReasons" INTEGER,
    "previousStopReasons" INTEGER,
    "originalEventId" TEXT,
    "blockTime" INTEGER NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- The rule events' arguments move from the JSON text in "args" to typed columns (the listener wrote every
-- argument as a JSON string; json_valid guards rows written otherwise).
INSERT INTO "new_LedgerEvent" ("agency", "blockHash", "blockNumber", "blockTime", "businessDate", "caseRef", "commitment", "detail", "eventId", "id", "logIndex", "name", "receivedAt", "stepCode", "txHash", "missingFlags", "stopReasons", "previousStopReasons", "originalEventId") SELECT "agency", "blockHash", "blockNumber", "blockTime", "businessDate", "caseRef", "commitment", "detail", "eventId", "id", "logIndex", "name", "receivedAt", "stepCode", "txHash",
    CASE WHEN "name" = 'OutOfOrder' AND json_valid("args") THEN CAST(json_extract("args", '$.missing') AS INTEGER) END,
    CASE WHEN "name" IN ('StopChanged', 'StopIgnored') AND json_valid("args") THEN CAST(json_extract("args", '$.reasons') AS INTEGER) END,
    CASE WHEN "name" = 'StopChanged' AND json_valid("args") THEN CAST(json_extract("args", '$.previousReasons') AS INTEGER) END,
    CASE WHEN "name" = 'StepCorrected' AND json_valid("args") THEN CAST(json_extract("args", '$.originalEventId') AS TEXT) END
    FROM "LedgerEvent";
DROP TABLE "LedgerEvent";
ALTER TABLE "new_LedgerEvent" RENAME TO "LedgerEvent";
CREATE INDEX "LedgerEvent_caseRef_idx" ON "LedgerEvent"("caseRef");
CREATE INDEX "LedgerEvent_name_idx" ON "LedgerEvent"("name");
CREATE UNIQUE INDEX "LedgerEvent_txHash_logIndex_key" ON "LedgerEvent"("txHash", "logIndex");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
