-- CreateTable
CREATE TABLE "MemberAgency" (
    "code" INTEGER NOT NULL,
    "agencyType" INTEGER NOT NULL,
    "scope" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "accounts" INTEGER NOT NULL DEFAULT 0,
    "joinedBlock" INTEGER NOT NULL,
    "leftBlock" INTEGER,

    CONSTRAINT "MemberAgency_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "MemberAccount" (
    "account" TEXT NOT NULL,
    "agency" INTEGER NOT NULL,
    "addedBlock" INTEGER NOT NULL,
    "removedBlock" INTEGER,

    CONSTRAINT "MemberAccount_pkey" PRIMARY KEY ("account")
);

-- CreateTable
CREATE TABLE "TypeRightsSetting" (
    "agencyType" INTEGER NOT NULL,
    "steps" TEXT NOT NULL,
    "allocationScoped" BOOLEAN NOT NULL,
    "blockNumber" INTEGER NOT NULL,

    CONSTRAINT "TypeRightsSetting_pkey" PRIMARY KEY ("agencyType")
);

-- CreateTable
CREATE TABLE "CaseFollow" (
    "caseRef" TEXT NOT NULL,
    "byStep" BOOLEAN NOT NULL DEFAULT false,
    "byAllocation" BOOLEAN NOT NULL DEFAULT false,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseFollow_pkey" PRIMARY KEY ("caseRef")
);

