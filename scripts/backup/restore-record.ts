// What a restore leaves in the store it restored: a row in "StoreRestore" saying when, from which backup,
// and which Step ids it could not bring back (above the backup's highest id, up to the highest id the chain
// held of this agency). The internal audit (`npm run audit -- --db`) reads it to report those steps as
// commitments without data instead of as deleted rows. The table belongs to the backup tools, not to the
// service's schema: the service never reads or writes it, and Prisma's `migrate deploy` leaves it alone.
import type { Engine } from "./store";

export interface RestoreRecord {
  restoredAt: string;
  backupTakenAt: string;
  backupSha256: string;
  backupBlock: number | null;
  /** the highest Step id in the backup */
  keptThroughStepId: number;
  /** the highest Step id of this agency on chain at the restore (Step ids above keptThroughStepId up to here have no off-chain data) */
  lostThroughStepId: number;
}

export const RESTORE_TABLE_DDL: Record<Engine, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "StoreRestore" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "restoredAt" TEXT NOT NULL, "backupTakenAt" TEXT NOT NULL, "backupSha256" TEXT NOT NULL, "backupBlock" INTEGER, "keptThroughStepId" INTEGER NOT NULL, "lostThroughStepId" INTEGER NOT NULL)`,
  postgres: `CREATE TABLE IF NOT EXISTS "StoreRestore" ("id" SERIAL PRIMARY KEY, "restoredAt" TEXT NOT NULL, "backupTakenAt" TEXT NOT NULL, "backupSha256" TEXT NOT NULL, "backupBlock" INTEGER, "keptThroughStepId" INTEGER NOT NULL, "lostThroughStepId" INTEGER NOT NULL)`,
};

export const INSERT_RESTORE_SQL = `INSERT INTO "StoreRestore" ("restoredAt", "backupTakenAt", "backupSha256", "backupBlock", "keptThroughStepId", "lostThroughStepId") VALUES`;

export const restoreValues = (r: RestoreRecord): unknown[] => [r.restoredAt, r.backupTakenAt, r.backupSha256, r.backupBlock, r.keptThroughStepId, r.lostThroughStepId];
