// Where the chain recorded one of our steps, when the chain says it is recorded (isRecorded, or the
// AlreadyRecorded revert) but we do not hold the receipt that shows it: a crash between send and
// confirmation, or a retry after the node was unreachable.
import type { Db } from "../store/db";
import type { ChainAdapter } from "../chain/adapter";
import type { LedgerLog } from "../chain/ledger-logs";
import { eventIdOf } from "../../shared/ledger-codec";
import type { OutboxRow } from "./step-rows";

export interface RecordedAt {
  txHash: string;
  blockNumber: number;
  logIndex: number;
  commitment: string;
}

/** Cheapest first: the receipt of the last transaction we sent with it, the listener's table, a log search. */
export async function findRecordedLog(db: Db, chain: ChainAdapter, agencyCode: number, row: OutboxRow): Promise<RecordedAt | undefined> {
  const eventId = eventIdOf(agencyCode, row.id);
  const fromLog = (l: LedgerLog | undefined): RecordedAt | undefined =>
    l ? { txHash: l.txHash, blockNumber: l.blockNumber, logIndex: l.logIndex, commitment: l.commitment ?? "" } : undefined;

  if (row.txHash) {
    const r = await chain.receipt(row.txHash);
    const hit = r?.status === 1 ? r.logs.find((l) => l.name === "StepRecorded" && l.eventId === eventId) : undefined;
    if (hit) return fromLog(hit);
  }
  const stored = await db.ledgerEvent.findFirst({ where: { name: "StepRecorded", eventId: eventId.toString() } });
  if (stored?.commitment) return { txHash: stored.txHash, blockNumber: stored.blockNumber, logIndex: stored.logIndex, commitment: stored.commitment };
  return fromLog(await chain.findStepLog(row.caseRef, eventId));
}
