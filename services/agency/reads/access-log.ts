// Who read which case, for the data-protection officer: one AccessLog row per case and read. Either written
// in the same transaction as the read (logAccess), or committed together with the rows of the reads that
// finished meanwhile before the answer leaves (logAccessCommitted). Never lost silently: a read whose row
// could not be committed fails instead of answering.
import type { Db } from "../store/db";
import { serialized, type Tx } from "../store/serialized";
import { bulkInsert } from "../store/bulk-writes";
import { actorOf, type Principal } from "../auth/roles";

export async function logAccess(db: Tx, principal: Principal, caseRefs: readonly string[], action: string): Promise<void> {
  if (caseRefs.length === 0) return;
  const actor = actorOf(principal);
  await db.accessLog.createMany({ data: caseRefs.map((caseRef) => ({ actor, caseRef, action })) });
}

// A type, not an interface: bulkInsert takes rows as records of column values.
type Row = {
  actor: string;
  caseRef: string;
  action: string;
  /** when the read was logged (set here: the column's SQL default is not the format Prisma writes) */
  at: Date;
};
const COLUMNS: (keyof Row)[] = ["actor", "caseRef", "action", "at"];
interface Batch {
  rows: Row[];
  committed: Promise<void>;
}

// Not a cache: the batch of each client that has not started its transaction yet, for as long as the client lives.
const open = new WeakMap<Db, Batch>();

/**
 * Resolves once the rows are committed. Why batched: a commit waits for a disk sync (synchronous=FULL, a few
 * ms and far more under load), and reads queue one at a time behind it; one commit for every read that
 * finished while the previous one was being written keeps the log durable without one sync per read. The
 * rows go in as prepared statements (store/bulk-writes.ts), not through Prisma's createMany, whose CPU cost
 * per call was a large part of a fast read's.
 */
export function logAccessCommitted(db: Db, principal: Principal, caseRefs: readonly string[], action: string): Promise<void> {
  if (caseRefs.length === 0) return Promise.resolve();
  const actor = actorOf(principal);
  let batch = open.get(db);
  if (!batch) {
    const rows: Row[] = [];
    const created: Batch = { rows, committed: Promise.resolve() };
    open.set(db, created);
    created.committed = serialized(db, async (tx) => {
      // from here on, new rows go into the next batch
      if (open.get(db) === created) open.delete(db);
      await bulkInsert(tx, "AccessLog", COLUMNS, rows);
    });
    batch = created;
  }
  const at = new Date();
  batch.rows.push(...caseRefs.map((caseRef) => ({ actor, caseRef, action, at })));
  return batch.committed;
}
