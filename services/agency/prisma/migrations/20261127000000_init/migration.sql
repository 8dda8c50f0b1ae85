-- CreateTable
CREATE TABLE "Case" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseRef" TEXT NOT NULL,
    "fileNumber" TEXT NOT NULL,
    "familyName" TEXT,
    "givenNames" TEXT,
    "dateOfBirth" TEXT,
    "nationality" TEXT,
    "fictitious" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "erasedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Step" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventId" TEXT NOT NULL,
    "caseId" INTEGER NOT NULL,
    "caseRef" TEXT NOT NULL,
    "stepCode" INTEGER NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '0',
    "businessDate" INTEGER NOT NULL DEFAULT 0,
    "data" TEXT,
    "salt" TEXT,
    "commitment" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "failureReason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "txHash" TEXT,
    "blockNumber" INTEGER,
    "logIndex" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submittedAt" DATETIME,
    "confirmedAt" DATETIME,
    CONSTRAINT "Step_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WriterNonce" (
    "address" TEXT NOT NULL PRIMARY KEY,
    "nextNonce" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "LedgerEvent" (
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
    "args" TEXT NOT NULL,
    "blockTime" INTEGER NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ListenerCheckpoint" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "blockNumber" INTEGER NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "blockHash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sourceKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "caseRef" TEXT NOT NULL,
    "eventId" TEXT,
    "payload" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedAt" DATETIME,
    "acknowledgedBy" TEXT,
    "deliveryState" TEXT NOT NULL DEFAULT 'none',
    "deliveryAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextDeliveryAt" DATETIME,
    "lastDeliveryError" TEXT
);

-- CreateTable
CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" INTEGER NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiClient" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AccessLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "caseRef" TEXT NOT NULL,
    "action" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "SignedCheckpoint" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "blockNumber" INTEGER NOT NULL,
    "blockHash" TEXT NOT NULL,
    "caseCount" INTEGER NOT NULL,
    "signer" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "Case_caseRef_key" ON "Case"("caseRef");

-- CreateIndex
CREATE UNIQUE INDEX "Case_fileNumber_key" ON "Case"("fileNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Step_eventId_key" ON "Step"("eventId");

-- CreateIndex
CREATE INDEX "Step_state_id_idx" ON "Step"("state", "id");

-- CreateIndex
CREATE INDEX "Step_caseRef_idx" ON "Step"("caseRef");

-- CreateIndex
CREATE INDEX "LedgerEvent_caseRef_idx" ON "LedgerEvent"("caseRef");

-- CreateIndex
CREATE INDEX "LedgerEvent_name_idx" ON "LedgerEvent"("name");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEvent_txHash_logIndex_key" ON "LedgerEvent"("txHash", "logIndex");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_sourceKey_key" ON "Notification"("sourceKey");

-- CreateIndex
CREATE INDEX "Notification_acknowledgedAt_priority_idx" ON "Notification"("acknowledgedAt", "priority");

-- CreateIndex
CREATE INDEX "Notification_deliveryState_nextDeliveryAt_idx" ON "Notification"("deliveryState", "nextDeliveryAt");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "ApiClient_name_key" ON "ApiClient"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiClient_tokenHash_key" ON "ApiClient"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "SignedCheckpoint_blockNumber_key" ON "SignedCheckpoint"("blockNumber");
