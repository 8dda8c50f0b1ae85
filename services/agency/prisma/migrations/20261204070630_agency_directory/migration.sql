-- CreateTable
CREATE TABLE "MemberAgency" (
    "code" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "agencyType" INTEGER NOT NULL,
    "scope" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "accounts" INTEGER NOT NULL DEFAULT 0,
    "joinedBlock" INTEGER NOT NULL,
    "leftBlock" INTEGER
);

-- CreateTable
CREATE TABLE "MemberAccount" (
    "account" TEXT NOT NULL PRIMARY KEY,
    "agency" INTEGER NOT NULL,
    "addedBlock" INTEGER NOT NULL,
    "removedBlock" INTEGER
);

-- CreateTable
CREATE TABLE "TypeRightsSetting" (
    "agencyType" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "steps" TEXT NOT NULL,
    "allocationScoped" BOOLEAN NOT NULL,
    "blockNumber" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "CaseFollow" (
    "caseRef" TEXT NOT NULL PRIMARY KEY,
    "byStep" BOOLEAN NOT NULL DEFAULT false,
    "byAllocation" BOOLEAN NOT NULL DEFAULT false,
    "since" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

