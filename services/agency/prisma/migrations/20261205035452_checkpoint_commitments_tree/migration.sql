-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SignedCheckpoint" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "blockNumber" INTEGER NOT NULL,
    "blockHash" TEXT NOT NULL,
    "caseCount" INTEGER NOT NULL,
    "commitmentsRoot" TEXT,
    "commitmentsTree" TEXT NOT NULL DEFAULT 'sorted',
    "signer" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_SignedCheckpoint" ("blockHash", "blockNumber", "caseCount", "commitmentsRoot", "createdAt", "id", "signature", "signer") SELECT "blockHash", "blockNumber", "caseCount", "commitmentsRoot", "createdAt", "id", "signature", "signer" FROM "SignedCheckpoint";
DROP TABLE "SignedCheckpoint";
ALTER TABLE "new_SignedCheckpoint" RENAME TO "SignedCheckpoint";
CREATE UNIQUE INDEX "SignedCheckpoint_blockNumber_key" ON "SignedCheckpoint"("blockNumber");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

