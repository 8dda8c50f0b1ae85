// The outbox's state transitions on the Step table. Every transition is one short DB transaction with no
// chain request inside it: an interactive one of the store's write queue (store/serialized.ts), except on
// PostgreSQL for the two on the outbox's hot path, markSubmitted and confirmSteps. There each is one
// statement, a transaction of its own on a pool connection, beside the queue: in the queue each waited
// behind the listener's pages and the API's writes for tens of milliseconds under load, and the outbox
// waits for markSubmitted before every send. The queue adds nothing to them: only the outbox writer (one
// per store, sequential in its sends) changes a step's state; each statement moves only the steps still in
// the state it moves from (PostgreSQL re-reads a row another transaction changed meanwhile); and what the
// queue's one-at-a-time commits give takeQueued below is about new queued steps, which are still written
// only in the queue (steps/step-writer.ts).
import { isPostgres, postgresPoolOf, type Db } from "../store/db";
import { pgQuery } from "../store/pg-direct";
import { Prisma, type Step } from "../generated/prisma/client";
import { eventIdOf, packStep } from "../../shared/ledger-codec";
import type { ChainStep } from "../chain/adapter";
import { serialized, type Tx } from "../store/serialized";
import { executeEach } from "../store/bulk-writes";
import { asCount, asDate, selectRows } from "../store/hot-reads";

export type OutboxRow = Pick<Step, "id" | "caseRef" | "stepCode" | "detail" | "businessDate" | "commitment" | "createdAt" | "txHash">;

const ROW_FIELDS = { id: true, caseRef: true, stepCode: true, detail: true, businessDate: true, commitment: true, createdAt: true, txHash: true } as const;

export function toChainStep(agencyCode: number, row: OutboxRow): ChainStep {
  return {
    caseRef: row.caseRef,
    packedStep: packStep({ eventId: eventIdOf(agencyCode, row.id), step: row.stepCode, detail: BigInt(row.detail), businessDate: row.businessDate }),
    commitment: row.commitment,
  };
}

/**
 * Per store in this process: no step at or below `below` is queued. takeQueued and countQueued start
 * their scan of the (state, id) index above it, past the entries of the steps that have moved on since:
 * on PostgreSQL those stay in the index until a vacuum removes them, and the scan visited every one of
 * them on each turn of the outbox (about 0.3 ms a call under load, 2026-12-05, pg_stat_statements). A take
 * raises it to just below the first queued step it finds; every way back into the queue (unmarkSubmitted,
 * requeue) lowers it first, and a take that overlapped a lowering leaves it as it is. New steps always lie
 * above it: they get higher ids, and the store's write transactions commit one at a time.
 */
interface QueueFloor {
  below: number;
  lowerings: number;
}
const floors = new WeakMap<Db, QueueFloor>();

function floorOf(db: Db): QueueFloor {
  let floor = floors.get(db);
  if (!floor) floors.set(db, (floor = { below: 0, lowerings: 0 }));
  return floor;
}

function lowerFloor(db: Db, ids: number[]): void {
  const floor = floorOf(db);
  floor.lowerings++;
  for (const id of ids) if (id <= floor.below) floor.below = id - 1;
}

/**
 * The oldest queued steps, in id (= event sequence) order. On PostgreSQL one plain statement (one consistent
 * snapshot of committed rows) instead of a queued transaction with the writer lock: the writer is the only
 * one that moves queued steps, and markSubmitted checks each step is still queued. Since the store's write
 * transactions commit one at a time, the queued rows a snapshot sees are always a prefix in id order. On
 * SQLite a statement outside an interactive transaction could see another one's uncommitted rows
 * (store/serialized.ts), so it stays in one there.
 */
export async function takeQueued(db: Db, limit: number): Promise<OutboxRow[]> {
  const floor = floorOf(db);
  const lowerings = floor.lowerings;
  // plain SQL (store/hot-reads.ts): the outbox asks this on every turn, also when nothing is queued
  const query = Prisma.sql`SELECT "id", "caseRef", "stepCode", "detail", "businessDate", "commitment", "createdAt", "txHash" FROM "Step" WHERE "state" = 'queued' AND "id" > ${floor.below} ORDER BY "id" LIMIT ${limit}`;
  const rows = isPostgres(db) ? await selectRows<OutboxRow>(db, query) : await serialized(db, (tx) => selectRows<OutboxRow>(tx, query));
  if (rows.length && floor.lowerings === lowerings) floor.below = Math.max(floor.below, Number(rows[0].id) - 1);
  return rows.map((r) => ({ ...r, createdAt: asDate(r.createdAt) }));
}

export function submittedRows(db: Db): Promise<OutboxRow[]> {
  return serialized(db, (tx) => tx.step.findMany({ where: { state: "submitted" }, orderBy: { id: "asc" }, select: ROW_FIELDS }));
}

export async function countQueued(db: Db): Promise<number> {
  const [row] = await selectRows<{ n: number | bigint }>(db, Prisma.sql`SELECT COUNT(*) AS "n" FROM "Step" WHERE "state" = 'queued' AND "id" > ${floorOf(db).below}`);
  return asCount(row.n);
}

/** The writer's next nonce, as a statement (raw and portable: Prisma's upsert compiles anew on every call). */
function nonceUpsert(address: string, nextNonce: number): Prisma.Sql {
  return Prisma.sql`INSERT INTO "WriterNonce" ("address", "nextNonce") VALUES (${address}, CAST(${nextNonce} AS INTEGER)) ON CONFLICT ("address") DO UPDATE SET "nextNonce" = excluded."nextNonce"`;
}

async function setNonce(tx: Tx, address: string, nextNonce: number): Promise<void> {
  await executeEach(tx, [nonceUpsert(address, nextNonce)]);
}

/**
 * Write-ahead before a batch is sent: the steps become submitted with the hash of the signed transaction,
 * and the writer's next nonce moves on, in one transaction. A crash after this and before or after the
 * send is resolved at restart by reconcile (receipt, isRecorded). Returns how many steps were marked.
 */
export async function markSubmitted(db: Db, ids: number[], txHash: string, address: string, nextNonce: number): Promise<number> {
  const at = new Date();
  const pool = await postgresPoolOf(db);
  if (pool) {
    // One statement, beside the write queue (see the top of this file); a data-modifying WITH runs to
    // completion whether or not its rows are read.
    const { rows } = await pgQuery<{ n: string }>(
      pool,
      Prisma.sql`WITH "marked" AS (UPDATE "Step" SET "state" = 'submitted', "txHash" = ${txHash}, "submittedAt" = ${at}, "attempts" = "attempts" + 1 WHERE "id" = ANY(${ids}::integer[]) AND "state" = 'queued' RETURNING 1), "nonce" AS (${nonceUpsert(address, nextNonce)}) SELECT COUNT(*) AS "n" FROM "marked"`,
    );
    return Number(rows[0].n);
  }
  // SQLite: one cached prepared statement a step, in process (cheaper there than compiling a statement
  // for each batch length).
  return serialized(db, async (tx) => {
    const count = await executeEach(
      tx,
      ids.map((id) => Prisma.sql`UPDATE "Step" SET "state" = 'submitted', "txHash" = ${txHash}, "submittedAt" = ${at}, "attempts" = "attempts" + 1 WHERE "id" = ${id} AND "state" = 'queued'`),
    );
    await setNonce(tx, address, nextNonce);
    return count;
  });
}

/** The node refused the transaction outright (or it was never sent): its nonce is free again. */
export function unmarkSubmitted(db: Db, ids: number[], address: string, nonce: number): Promise<void> {
  lowerFloor(db, ids);
  return serialized(db, async (tx) => {
    await tx.step.updateMany({ where: { id: { in: ids }, state: "submitted" }, data: { state: "queued", txHash: null, submittedAt: null } });
    await setNonce(tx, address, nonce);
  });
}

export interface Confirmation {
  id: number;
  txHash: string;
  blockNumber: number;
  logIndex: number;
}

/**
 * Confirm steps: each with its transaction, block and log index. On PostgreSQL one statement for all of
 * them, beside the write queue (see the top of this file); on SQLite one cached prepared statement a step
 * (see markSubmitted).
 */
export async function confirmSteps(db: Db, confirmations: Confirmation[]): Promise<void> {
  if (confirmations.length === 0) return;
  const now = new Date();
  const pool = await postgresPoolOf(db);
  if (pool) {
    const column = <K extends keyof Confirmation>(k: K) => confirmations.map((c) => c[k]);
    await pgQuery(
      pool,
      Prisma.sql`UPDATE "Step" AS "s" SET "state" = 'confirmed', "txHash" = "c"."txHash", "blockNumber" = "c"."blockNumber", "logIndex" = "c"."logIndex", "confirmedAt" = ${now}, "failureReason" = NULL FROM unnest(${column("id")}::integer[], ${column("txHash")}::text[], ${column("blockNumber")}::integer[], ${column("logIndex")}::integer[]) AS "c"("id", "txHash", "blockNumber", "logIndex") WHERE "s"."id" = "c"."id" AND "s"."state" <> 'confirmed'`,
    );
    return;
  }
  await serialized(db, (tx) =>
    executeEach(
      tx,
      confirmations.map(
        (c) =>
          Prisma.sql`UPDATE "Step" SET "state" = 'confirmed', "txHash" = ${c.txHash}, "blockNumber" = ${c.blockNumber}, "logIndex" = ${c.logIndex}, "confirmedAt" = ${now}, "failureReason" = NULL WHERE "id" = ${c.id} AND "state" <> 'confirmed'`,
      ),
    ),
  );
}

/** Back to the queue (the transaction reverted, was dropped, or never reached the chain). */
export async function requeue(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  lowerFloor(db, ids);
  await serialized(db, (tx) =>
    tx.step.updateMany({ where: { id: { in: ids }, state: { in: ["queued", "submitted"] } }, data: { state: "queued", txHash: null, submittedAt: null } }),
  );
}

export async function failStep(db: Db, id: number, reason: string): Promise<void> {
  await serialized(db, (tx) =>
    tx.step.updateMany({ where: { id, state: { in: ["queued", "submitted"] } }, data: { state: "failed", failureReason: reason, txHash: null } }),
  );
}

export async function persistedNonce(db: Db, address: string): Promise<number | undefined> {
  return (await db.writerNonce.findUnique({ where: { address } }))?.nextNonce;
}

export async function persistNonce(db: Db, address: string, nextNonce: number): Promise<void> {
  await serialized(db, (tx) => setNonce(tx, address, nextNonce));
}
