-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Case" (
    "id" SERIAL NOT NULL,
    "caseRef" TEXT NOT NULL,
    "fileNumber" TEXT NOT NULL,
    "familyName" TEXT,
    "givenNames" TEXT,
    "dateOfBirth" TEXT,
    "nationality" TEXT,
    "fictitious" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "erasedAt" TIMESTAMP(3),

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Step" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submittedAt" TIMESTAMP(3),
    "confirmedAt" TIMESTAMP(3),

    CONSTRAINT "Step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WriterNonce" (
    "address" TEXT NOT NULL,
    "nextNonce" INTEGER NOT NULL,

    CONSTRAINT "WriterNonce_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "LedgerEvent" (
    "id" SERIAL NOT NULL,
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
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ListenerCheckpoint" (
    "id" INTEGER NOT NULL,
    "blockNumber" INTEGER NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "blockHash" TEXT NOT NULL,

    CONSTRAINT "ListenerCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" SERIAL NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "caseRef" TEXT NOT NULL,
    "eventId" TEXT,
    "payload" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedBy" TEXT,
    "deliveryState" TEXT NOT NULL DEFAULT 'none',
    "deliveryAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextDeliveryAt" TIMESTAMP(3),
    "lastDeliveryError" TEXT,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),
    "breakGlass" BOOLEAN NOT NULL DEFAULT false,
    "oidcSubject" TEXT,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiClient" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tokenSetAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiClient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "caseRef" TEXT NOT NULL,
    "action" TEXT NOT NULL,

    CONSTRAINT "AccessLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignedCheckpoint" (
    "id" SERIAL NOT NULL,
    "blockNumber" INTEGER NOT NULL,
    "blockHash" TEXT NOT NULL,
    "caseCount" INTEGER NOT NULL,
    "commitmentsRoot" TEXT,
    "signer" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignedCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminAction" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" INTEGER,
    "detail" TEXT,

    CONSTRAINT "AdminAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookSetting" (
    "id" INTEGER NOT NULL,
    "url" TEXT,
    "secret" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookSetting_pkey" PRIMARY KEY ("id")
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
CREATE UNIQUE INDEX "User_oidcSubject_key" ON "User"("oidcSubject");

-- CreateIndex
CREATE UNIQUE INDEX "ApiClient_name_key" ON "ApiClient"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiClient_tokenHash_key" ON "ApiClient"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "SignedCheckpoint_blockNumber_key" ON "SignedCheckpoint"("blockNumber");

-- CreateIndex
CREATE INDEX "AdminAction_at_idx" ON "AdminAction"("at");

-- AddForeignKey
ALTER TABLE "Step" ADD CONSTRAINT "Step_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

