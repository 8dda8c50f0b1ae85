// The audit's own read-only view of an agency database (internal mode, `--db`): the Step rows and the
// signed checkpoints, as the audit needs them, and nothing of the Case table (personal data). The audit
// does not load the agency's Prisma client: it must not depend on the software it audits. A reader per
// database engine implements AgencyDbReader (SQLite today, sqlite.ts; PostgreSQL can sit beside it);
// the rows are validated here, whatever the engine returned.
import { z } from "zod";
import { CannotRun } from "../rpc";
import { SignedCheckpoint, StepRow } from "../types";

/** What one read of an agency database returns, unvalidated: the engine's rows as they came. */
export interface AgencyDbSnapshot {
  /** table Step: id, caseRef, stepCode, detail, businessDate, data, salt, commitment, state; by id */
  steps: unknown[];
  /** table SignedCheckpoint: blockNumber, blockHash, caseCount, commitmentsRoot, commitmentsTree, stepCount, signer, signature; by block number */
  checkpoints: unknown[];
  /** table StoreRestore (written by `npm run restore`, absent in a store never restored): restoredAt, keptThroughStepId, lostThroughStepId */
  restores?: unknown[];
}

/** An agency database opened read only. */
export interface AgencyDbReader {
  /** where it is, for messages */
  readonly source: string;
  /** both tables from one consistent state of the database (one read transaction) */
  read(): Promise<AgencyDbSnapshot>;
  close(): Promise<void>;
}

/**
 * A restore of the database from a backup (scripts/backup/restore-record.ts): the Step ids above
 * keptThroughStepId up to lostThroughStepId were recorded after the backup and have no off-chain data.
 */
export const StoreRestore = z.object({
  restoredAt: z.string(),
  keptThroughStepId: z.number().int().nonnegative(),
  lostThroughStepId: z.number().int().nonnegative(),
});
export type StoreRestore = z.infer<typeof StoreRestore>;

export interface AgencyDbContent {
  rows: StepRow[];
  checkpoints: SignedCheckpoint[];
  restores: StoreRestore[];
}

function parseRows<T>(rows: unknown[], schema: z.ZodType<T>, what: string, source: string): T[] {
  return rows.map((row, i) => {
    const r = schema.safeParse(row);
    if (!r.success) throw new CannotRun(`${source}, ${what} row ${i + 1}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return r.data;
  });
}

/** The Step rows and signed checkpoints of an agency database, validated; closes the reader. */
export async function readAgencyDbContent(reader: AgencyDbReader): Promise<AgencyDbContent> {
  try {
    let snapshot: AgencyDbSnapshot;
    try {
      snapshot = await reader.read();
    } catch (err) {
      throw new CannotRun(`${reader.source} cannot be read as an agency database: ${(err as Error).message.split("\n")[0]}`);
    }
    return {
      rows: parseRows(snapshot.steps, StepRow, "Step", reader.source),
      checkpoints: parseRows(snapshot.checkpoints, SignedCheckpoint, "SignedCheckpoint", reader.source),
      restores: parseRows(snapshot.restores ?? [], StoreRestore, "StoreRestore", reader.source),
    };
  } finally {
    await reader.close();
  }
}
