// The outbox's state transitions on the Step table. Every transition is one short interactive DB
// transaction (see store/serialized.ts) with no chain request inside it.
import { isPostgres, type Db } from "../store/db";
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

/** The writer's next nonce (raw and portable: Prisma's upsert compiles anew on every call, once a batch here). */
async function setNonce(tx: Tx, address: string, nextNonce: number): Promise<void> {
  await executeEach(tx, [
    Prisma.sql`INSERT INTO "WriterNonce" ("address", "nextNonce") VALUES (${address}, CAST(${nextNonce} AS INTEGER)) ON CONFLICT ("address") DO UPDATE SET "nextNonce" = excluded."nextNonce"`,
  ]);
}

/**
 * Write-ahead before a batch is sent: the steps become submitted with the hash of the signed transaction,
 * and the writer's next nonce moves on, in one transaction. A crash after this and before or after the
 * send is resolved at restart by reconcile (receipt, isRecorded). Returns how many steps were marked.
 */
export function markSubmitted(db: Db, ids: number[], txHash: string, address: string, nextNonce: number): Promise<number> {
  const at = new Date();
  return serialized(db, async (tx) => {
    // PostgreSQL: one statement a chunk of ids (each statement is a round trip inside the store's
    // one-at-a-time write queue). SQLite: one cached prepared statement a step, in process (cheaper there
    // than compiling a statement for each batch length).
    const statements = isPostgres(db)
      ? chunks(ids).map(
          (part) =>
            Prisma.sql`UPDATE "Step" SET "state" = 'submitted', "txHash" = ${txHash}, "submittedAt" = ${at}, "attempts" = "attempts" + 1 WHERE "id" IN (${Prisma.join(part)}) AND "state" = 'queued'`,
        )
      : ids.map((id) => Prisma.sql`UPDATE "Step" SET "state" = 'submitted', "txHash" = ${txHash}, "submittedAt" = ${at}, "attempts" = "attempts" + 1 WHERE "id" = ${id} AND "state" = 'queued'`);
    const count = await executeEach(tx, statements);
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

/** Ids per statement: well within SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Confirm steps: each with its transaction, block and log index. On PostgreSQL one statement per
 * transaction (and chunk of steps), the log index chosen per step by a CASE (a batch's steps share their
 * transaction and block); on SQLite one cached prepared statement a step (see markSubmitted).
 */
export async function confirmSteps(db: Db, confirmations: Confirmation[]): Promise<void> {
  if (confirmations.length === 0) return;
  const now = new Date();
  if (!isPostgres(db)) {
    await serialized(db, (tx) =>
      executeEach(
        tx,
        confirmations.map(
          (c) =>
            Prisma.sql`UPDATE "Step" SET "state" = 'confirmed', "txHash" = ${c.txHash}, "blockNumber" = ${c.blockNumber}, "logIndex" = ${c.logIndex}, "confirmedAt" = ${now}, "failureReason" = NULL WHERE "id" = ${c.id} AND "state" <> 'confirmed'`,
        ),
      ),
    );
    return;
  }
  const byTx = new Map<string, Confirmation[]>();
  for (const c of confirmations) {
    const key = `${c.txHash}:${c.blockNumber}`;
    const group = byTx.get(key);
    if (group) group.push(c);
    else byTx.set(key, [c]);
  }
  const statements: Prisma.Sql[] = [];
  for (const group of byTx.values()) {
    const { txHash, blockNumber } = group[0];
    for (const part of chunks(group)) {
      // CAST: PostgreSQL types a bare parameter in a CASE branch as text.
      const logIndex = Prisma.join(
        part.map((c) => Prisma.sql`WHEN ${c.id} THEN CAST(${c.logIndex} AS INTEGER)`),
        " ",
      );
      statements.push(
        Prisma.sql`UPDATE "Step" SET "state" = 'confirmed', "txHash" = ${txHash}, "blockNumber" = CAST(${blockNumber} AS INTEGER), "logIndex" = CASE "id" ${logIndex} END, "confirmedAt" = ${now}, "failureReason" = NULL WHERE "id" IN (${Prisma.join(part.map((c) => c.id))}) AND "state" <> 'confirmed'`,
      );
    }
  }
  await serialized(db, (tx) => executeEach(tx, statements));
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
