// The outbox's state transitions on the Step table. Every transition is one short interactive DB
// transaction (see store/serialized.ts) with no chain request inside it.
import type { Db } from "../store/db";
import { Prisma, type Step } from "../generated/prisma/client";
import { eventIdOf, packStep } from "../../shared/ledger-codec";
import type { ChainStep } from "../chain/adapter";
import { serialized, type Tx } from "../store/serialized";
import { executeEach } from "../store/bulk-writes";

export type OutboxRow = Pick<Step, "id" | "caseRef" | "stepCode" | "detail" | "businessDate" | "commitment" | "createdAt" | "txHash">;

const ROW_FIELDS = { id: true, caseRef: true, stepCode: true, detail: true, businessDate: true, commitment: true, createdAt: true, txHash: true } as const;

export function toChainStep(agencyCode: number, row: OutboxRow): ChainStep {
  return {
    caseRef: row.caseRef,
    packedStep: packStep({ eventId: eventIdOf(agencyCode, row.id), step: row.stepCode, detail: BigInt(row.detail), businessDate: row.businessDate }),
    commitment: row.commitment,
  };
}

/** The oldest queued steps, in id (= event sequence) order. */
export function takeQueued(db: Db, limit: number): Promise<OutboxRow[]> {
  return serialized(db, (tx) => tx.step.findMany({ where: { state: "queued" }, orderBy: { id: "asc" }, take: limit, select: ROW_FIELDS }));
}

export function submittedRows(db: Db): Promise<OutboxRow[]> {
  return serialized(db, (tx) => tx.step.findMany({ where: { state: "submitted" }, orderBy: { id: "asc" }, select: ROW_FIELDS }));
}

export function countQueued(db: Db): Promise<number> {
  return db.step.count({ where: { state: "queued" } });
}

async function setNonce(tx: Tx, address: string, nextNonce: number): Promise<void> {
  await tx.writerNonce.upsert({ where: { address }, create: { address, nextNonce }, update: { nextNonce } });
}

/**
 * Write-ahead before a batch is sent: the steps become submitted with the hash of the signed transaction,
 * and the writer's next nonce moves on, in one transaction. A crash after this and before or after the
 * send is resolved at restart by reconcile (receipt, isRecorded). Returns how many steps were marked.
 */
export function markSubmitted(db: Db, ids: number[], txHash: string, address: string, nextNonce: number): Promise<number> {
  const at = new Date();
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

/** Confirm steps: each with its transaction, block and log index (one short statement a step). */
export async function confirmSteps(db: Db, confirmations: Confirmation[]): Promise<void> {
  if (confirmations.length === 0) return;
  const now = new Date();
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
