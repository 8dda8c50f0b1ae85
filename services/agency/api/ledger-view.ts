// Reading the chain mirror (LedgerEvent rows stored by the listener): events of a case in ledger order,
// the open stops and the current phase they imply.
// Assumed row format: StepRecorded rows carry eventId/agency/stepCode/detail/businessDate/commitment; the
// notice rows (OutOfOrder, StopChanged, StopIgnored, AllocationDue, StepCorrected) carry the triggering
// step's eventId and their ABI arguments in `args` (numbers as JSON numbers or decimal strings).
import type { Tx } from "../store/serialized";
import type { LedgerEvent } from "../generated/prisma/client";
import { stepByCode } from "../../shared/codelists";

export const LEDGER_ORDER = [{ blockNumber: "asc" as const }, { logIndex: "asc" as const }, { id: "asc" as const }];

export function caseEvents(db: Tx, caseRef: string): Promise<LedgerEvent[]> {
  return db.ledgerEvent.findMany({ where: { caseRef }, orderBy: LEDGER_ORDER });
}

export function argsOf(e: LedgerEvent): Record<string, unknown> {
  try {
    const v = JSON.parse(e.args) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A numeric ABI argument (number or decimal string), or undefined. */
export function numArg(e: LedgerEvent, name: string): number | undefined {
  const v = argsOf(e)[name];
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** A uint64 ABI argument as decimal text, or undefined. */
export function idArg(e: LedgerEvent, name: string): string | undefined {
  const v = argsOf(e)[name];
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  return typeof v === "string" && /^\d+$/.test(v) ? BigInt(v).toString() : undefined;
}

/** The open stop reasons after the events (in ledger order): the last StopChanged, reset by StopIgnored. */
export function foldStops(events: LedgerEvent[]): number {
  let reasons = 0;
  for (const e of events) {
    if (e.name === "StopChanged") reasons = numArg(e, "reasons") ?? reasons;
    else if (e.name === "StopIgnored") reasons = 0; // the repatriation was carried out: nothing scheduled any more
  }
  return reasons;
}

export interface PhaseInfo {
  phase: number;
  lastStep: { code: number; key: string } | null;
  lastBlockTime: number | null;
}

/** The phase of the case's latest procedure step (corrections and erasure markers do not move it). */
export function currentPhase(events: LedgerEvent[]): PhaseInfo {
  let info: PhaseInfo = { phase: 0, lastStep: null, lastBlockTime: null };
  for (const e of events) {
    if (e.name !== "StepRecorded" || e.stepCode === null) continue;
    const s = stepByCode(e.stepCode);
    if (!s || s.phase === 0) continue;
    info = { phase: s.phase, lastStep: { code: s.code, key: s.key }, lastBlockTime: e.blockTime };
  }
  return info;
}
