// Reading the chain mirror (LedgerEvent rows the listener stored): a case's events in ledger order, and
// what they imply now (open stops, the current phase).
import type { Tx } from "../store/serialized";
import type { LedgerEvent } from "../generated/prisma/client";
import { openStopBits, stepByCode } from "../../shared/vocab";

// (caseRef, blockNumber, logIndex, name) is the case's index: with name before id a case's events come in
// its order (one block and log index never hold two events of one chain; id only makes the order total)
export const LEDGER_ORDER = [{ blockNumber: "asc" as const }, { logIndex: "asc" as const }, { name: "asc" as const }, { id: "asc" as const }];

export function caseEvents(db: Tx, caseRef: string): Promise<LedgerEvent[]> {
  return db.ledgerEvent.findMany({ where: { caseRef }, orderBy: LEDGER_ORDER });
}

/**
 * The step codes of the StepRecorded events with these ledger event ids. Queried by event id alone and the
 * name checked here: with the name in the query too, SQLite reads every StepRecorded row (the name index)
 * instead of a few through the event id index.
 */
export async function stepCodesOf(db: Pick<Tx, "ledgerEvent">, eventIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const rows = await db.ledgerEvent.findMany({ where: { eventId: { in: eventIds } }, select: { name: true, eventId: true, stepCode: true } });
  for (const r of rows) if (r.name === "StepRecorded" && r.eventId !== null && r.stepCode !== null) out.set(r.eventId, r.stepCode);
  return out;
}

/** The open stop reasons after the events (in ledger order). */
export function foldStops(events: Pick<LedgerEvent, "name" | "stopReasons">[]): number {
  return openStopBits(events);
}

export interface PhaseInfo {
  phase: number;
  lastStep: { code: number; key: string } | null;
  lastBlockTime: number | null;
}

/** The phase of the case's latest procedure step (corrections and erasure markers do not move it). */
export function currentPhase(events: Pick<LedgerEvent, "name" | "stepCode" | "blockTime">[]): PhaseInfo {
  let info: PhaseInfo = { phase: 0, lastStep: null, lastBlockTime: null };
  for (const e of events) {
    if (e.name !== "StepRecorded" || e.stepCode === null) continue;
    const s = stepByCode(e.stepCode);
    if (!s || s.phase === 0) continue;
    info = { phase: s.phase, lastStep: { code: s.code, key: s.key }, lastBlockTime: e.blockTime };
  }
  return info;
}
