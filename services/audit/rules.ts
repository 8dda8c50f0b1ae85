// A faithful TypeScript port of contracts/StepCatalogue.sol and contracts/ProcedureRules.sol, plus the
// notice logic of ProcedureLedger._raiseNotices. The audit replays every recorded step through these
// functions and compares what they predict with the events the contract raised: any difference means the
// deployed rules are not the audited ones (or the logs were altered). Pure functions, no I/O.
//
// Keep this file in step with the Solidity sources: the rules-equivalence test (test/audit) replays random
// step sequences through both and fails on any difference.

import { FLAG } from "../shared/rule-flags";

// ---- StepCatalogue.sol ------------------------------------------------------------------------------
export const AGENCY_BAMF = 1;
export const AGENCY_ZAB = 2;

export const STEP = {
  REGISTERED: 1,
  APPLICATION_FILED: 2,
  HEARING_SCHEDULED: 3,
  HEARING_HELD: 4,
  DECISION_ISSUED: 5,
  DECISION_SERVED: 6,
  APPEAL_FILED: 7,
  APPEAL_DECIDED: 8,
  DECISION_FINAL: 9,
  FOLLOW_UP_APPLICATION_FILED: 10,
  FOLLOW_UP_DECIDED: 11,
  DEPARTURE_OBLIGATION: 12,
  REPATRIATION_SCHEDULED: 13,
  REPATRIATION_CANCELLED: 14,
  REPATRIATION_COMPLETED: 15,
  VOLUNTARY_DEPARTURE: 16,
  PROSPECTS_ASSESSED: 17,
  MUNICIPAL_ALLOCATION: 18,
  TRANSFERRED_TO_MUNICIPALITY: 19,
  CORRECTION: 20,
  ERASED: 21,
} as const;
export const MAX_STEP = STEP.ERASED;

const S = STEP;
// Bit masks over step codes. Every code is below 32, so plain numbers do (a code >= 32 has no bit set,
// as in the contract's uint256 masks).
const bit = (s: number): number => (s < 31 ? 1 << s : 0);
const has = (mask: number, step: number): boolean => step < 31 && ((mask >>> step) & 1) === 1;

export const BAMF_STEPS =
  bit(S.APPLICATION_FILED) | bit(S.HEARING_SCHEDULED) | bit(S.HEARING_HELD) | bit(S.DECISION_ISSUED) |
  bit(S.DECISION_SERVED) | bit(S.APPEAL_FILED) | bit(S.APPEAL_DECIDED) | bit(S.DECISION_FINAL) |
  bit(S.FOLLOW_UP_APPLICATION_FILED) | bit(S.FOLLOW_UP_DECIDED) | bit(S.PROSPECTS_ASSESSED) |
  bit(S.CORRECTION) | bit(S.ERASED);
export const ZAB_STEPS =
  bit(S.REGISTERED) | bit(S.DEPARTURE_OBLIGATION) | bit(S.REPATRIATION_SCHEDULED) |
  bit(S.REPATRIATION_CANCELLED) | bit(S.REPATRIATION_COMPLETED) | bit(S.VOLUNTARY_DEPARTURE) |
  bit(S.MUNICIPAL_ALLOCATION) | bit(S.TRANSFERRED_TO_MUNICIPALITY) | bit(S.CORRECTION) | bit(S.ERASED);
export const BINARY_DETAIL_STEPS = bit(S.APPEAL_FILED) | bit(S.APPEAL_DECIDED) | bit(S.FOLLOW_UP_DECIDED) | bit(S.PROSPECTS_ASSESSED);
export const REASON_DETAIL_STEPS = bit(S.REPATRIATION_CANCELLED) | bit(S.ERASED);
export const DATED_STEPS = bit(S.HEARING_SCHEDULED) | bit(S.REPATRIATION_SCHEDULED);
export const DETAIL_OR_DATE_STEPS =
  bit(S.DECISION_ISSUED) | BINARY_DETAIL_STEPS | REASON_DETAIL_STEPS | DATED_STEPS | bit(S.MUNICIPAL_ALLOCATION) | bit(S.CORRECTION);

export function isKnownAgency(agency: number): boolean {
  return agency === AGENCY_BAMF || agency === AGENCY_ZAB;
}

export function isKnownStep(step: number): boolean {
  return step !== 0 && step <= MAX_STEP;
}

export function mayRecord(agency: number, step: number): boolean {
  const allowed = agency === AGENCY_BAMF ? BAMF_STEPS : agency === AGENCY_ZAB ? ZAB_STEPS : 0;
  return has(allowed, step);
}

/**
 * Detail codes are uint64. As a number they are exact up to 2^53, which holds every code of the code
 * lists; larger values (only a corrected event id) stay larger than every bound compared here, so the
 * comparisons below give the contract's answer for every uint64.
 */
export function isValidDetail(step: number, detail: number): boolean {
  if (step === S.DECISION_ISSUED) return detail !== 0 && detail <= 8;
  if (has(BINARY_DETAIL_STEPS, step)) return detail === 1 || detail === 2;
  if (has(REASON_DETAIL_STEPS, step)) return detail < 256;
  if (step === S.MUNICIPAL_ALLOCATION) return detail > 14000 && detail < 15000;
  if (step === S.CORRECTION) return detail !== 0;
  return detail === 0;
}

export function isValidBusinessDate(step: number, date: number): boolean {
  if (!has(DATED_STEPS, step)) return date === 0;
  const month = Math.floor(date / 100) % 100;
  const day = date % 100;
  return date >= 20000101 && date <= 29991231 && month !== 0 && month <= 12 && day !== 0 && day <= 31;
}

/**
 * Why the contract would have rejected this step (ProcedureLedger._check, without the duplicate and
 * correction checks, which need the ledger's history); undefined when it is acceptable.
 */
export function rejectionOf(agency: number, step: number, detail: number, businessDate: number, caseRef: string, highBitsSet = false): string | undefined {
  if (highBitsSet) return "MalformedStep: bits above 168 set";
  if (!mayRecord(agency, step)) {
    if (!isKnownStep(step)) return `UnknownStep(${step})`;
    return `StepNotPermitted(step ${step}, agency ${agency})`;
  }
  if (detail !== 0 || businessDate !== 0 || has(DETAIL_OR_DATE_STEPS, step)) {
    if (!isValidDetail(step, detail)) return `InvalidDetail(step ${step}, detail ${detail})`;
    if (!isValidBusinessDate(step, businessDate)) return `InvalidBusinessDate(step ${step}, date ${businessDate})`;
  }
  if (caseRef === ZERO_CASE) return "EmptyCaseRef";
  return undefined;
}
const ZERO_CASE = "0x" + "0".repeat(64);

// ---- ProcedureRules.sol -----------------------------------------------------------------------------
export { FLAG };
const F = FLAG;

const DECISION_STATE = F.DECIDED | F.POSITIVE | F.NEGATIVE | F.SERVED | F.FINAL;

export const STOP_REASON = {
  NO_NEGATIVE_DECISION: 1,
  POSITIVE_DECISION: 2,
  SUSPENSIVE_APPEAL: 4,
  FOLLOW_UP_PENDING: 8,
} as const;

export const STOP_INPUTS = F.REPATRIATION_SCHEDULED | F.POSITIVE | F.NEGATIVE | F.SUSPENSIVE_APPEAL | F.FOLLOW_UP_PENDING;

/** Prerequisite flags per step (PREREQ_LOW / PREREQ_HIGH of the contract, unpacked). */
const PREREQUISITES: readonly number[] = (() => {
  const p = new Array<number>(32).fill(0);
  p[S.APPLICATION_FILED] = F.REGISTERED;
  p[S.HEARING_SCHEDULED] = F.FILED;
  p[S.HEARING_HELD] = F.FILED | F.HEARING_SCHEDULED;
  p[S.DECISION_ISSUED] = F.FILED | F.HEARING_HELD;
  p[S.DECISION_SERVED] = F.DECIDED;
  p[S.APPEAL_FILED] = F.SERVED;
  p[S.APPEAL_DECIDED] = F.APPEAL_PENDING;
  p[S.DECISION_FINAL] = F.SERVED;
  p[S.FOLLOW_UP_APPLICATION_FILED] = F.FINAL;
  p[S.FOLLOW_UP_DECIDED] = F.FOLLOW_UP_PENDING;
  p[S.DEPARTURE_OBLIGATION] = F.NEGATIVE | F.SERVED;
  p[S.REPATRIATION_SCHEDULED] = F.DEPARTURE_OBLIGATION;
  p[S.REPATRIATION_CANCELLED] = F.REPATRIATION_SCHEDULED;
  p[S.REPATRIATION_COMPLETED] = F.REPATRIATION_SCHEDULED;
  p[S.VOLUNTARY_DEPARTURE] = F.DEPARTURE_OBLIGATION;
  p[S.PROSPECTS_ASSESSED] = F.REGISTERED;
  p[S.MUNICIPAL_ALLOCATION] = F.ALLOCATION_DUE;
  p[S.TRANSFERRED_TO_MUNICIPALITY] = F.ALLOCATED;
  // Each table entry is 16 bits wide in the contract: the prerequisites all live in the low 16 flags.
  return p.map((x) => x & 0xffff);
})();

export function prerequisites(step: number): number {
  // The contract indexes a 16-entry table with `step & 15`, picking the table by `step < 16`.
  return step < 16 ? PREREQUISITES[step & 15] : PREREQUISITES[16 + (step & 15)];
}

export function openStops(flags: number): number {
  if ((flags & F.REPATRIATION_SCHEDULED) === 0) return 0;
  let reasons = 0;
  if ((flags & F.POSITIVE) !== 0) reasons |= STOP_REASON.POSITIVE_DECISION;
  else if ((flags & F.NEGATIVE) === 0) reasons |= STOP_REASON.NO_NEGATIVE_DECISION;
  if ((flags & F.SUSPENSIVE_APPEAL) !== 0) reasons |= STOP_REASON.SUSPENSIVE_APPEAL;
  if ((flags & F.FOLLOW_UP_PENDING) !== 0) reasons |= STOP_REASON.FOLLOW_UP_PENDING;
  return reasons;
}

function allocationDue(flags: number): number {
  return (flags & F.ALLOCATED) === 0 ? flags | F.ALLOCATION_DUE : flags;
}

/** The case's flags after `step` with `detail`, recorded by `agency` (ProcedureRules.transition). */
export function transition(flags: number, step: number, detail: number, agency: number): number {
  return transitionRaw(flags, step, detail, agency) >>> 0;
}

function transitionRaw(flags: number, step: number, detail: number, agency: number): number {
  if (step <= S.HEARING_HELD) {
    if (step === S.REGISTERED) return flags | F.REGISTERED;
    if (step === S.APPLICATION_FILED) return flags | F.FILED;
    if (step === S.HEARING_SCHEDULED) return flags | F.HEARING_SCHEDULED;
    return flags | F.HEARING_HELD;
  }
  if (step === S.DECISION_ISSUED) {
    const positive = detail <= 4;
    flags = (flags & ~DECISION_STATE) | F.DECIDED | (positive ? F.POSITIVE : F.NEGATIVE);
    return positive ? allocationDue(flags) : flags;
  }
  if (step === S.DECISION_SERVED) return flags | F.SERVED;
  if (step === S.APPEAL_FILED) return flags | F.APPEAL_PENDING | (detail === 1 ? F.SUSPENSIVE_APPEAL : 0);
  if (step === S.APPEAL_DECIDED) {
    flags &= ~(F.APPEAL_PENDING | F.SUSPENSIVE_APPEAL);
    return detail === 2 ? flags & ~DECISION_STATE : flags;
  }
  if (step === S.DECISION_FINAL) return flags | F.FINAL;
  if (step === S.FOLLOW_UP_APPLICATION_FILED) return flags | F.FOLLOW_UP_PENDING;
  if (step === S.FOLLOW_UP_DECIDED) {
    flags &= ~F.FOLLOW_UP_PENDING;
    return detail === 1 ? flags & ~DECISION_STATE : flags;
  }
  if (step === S.DEPARTURE_OBLIGATION) return flags | F.DEPARTURE_OBLIGATION;
  if (step === S.REPATRIATION_SCHEDULED) return flags | F.REPATRIATION_SCHEDULED;
  if (step === S.REPATRIATION_CANCELLED) return flags & ~F.REPATRIATION_SCHEDULED;
  if (step === S.REPATRIATION_COMPLETED || step === S.VOLUNTARY_DEPARTURE) {
    const ignored = step === S.REPATRIATION_COMPLETED && openStops(flags) !== 0 ? F.STOP_IGNORED : 0;
    return (flags & ~F.REPATRIATION_SCHEDULED) | F.DEPARTED | ignored;
  }
  if (step === S.PROSPECTS_ASSESSED) return detail === 1 ? allocationDue(flags) : flags;
  if (step === S.MUNICIPAL_ALLOCATION) return (flags & ~F.ALLOCATION_DUE) | F.ALLOCATED;
  if (step === S.TRANSFERRED_TO_MUNICIPALITY) return flags | F.TRANSFERRED;
  if (step === S.ERASED) return flags | (agency === AGENCY_BAMF ? F.ERASED_BAMF : F.ERASED_ZAB);
  return flags; // CORRECTION changes data off chain, not the procedure's state
}

// ---- ProcedureLedger._raiseNotices ------------------------------------------------------------------
/** A rule event the contract must emit after a StepRecorded, in emission order. */
export type Notice =
  | { name: "OutOfOrder"; eventId: bigint; step: number; missing: number }
  | { name: "StopChanged"; eventId: bigint; previousReasons: number; reasons: number }
  | { name: "StopIgnored"; eventId: bigint; reasons: number }
  | { name: "AllocationDue"; eventId: bigint }
  | { name: "StepCorrected"; eventId: bigint; originalEventId: bigint };

export interface StepOutcome {
  /** the case's flags after the step */
  next: number;
  /** the rule events the contract emits after StepRecorded, in order */
  notices: Notice[];
  /** why the contract would have reverted a CORRECTION (NotOriginalRecorder / UnknownOriginal) */
  rejection?: string;
}

/**
 * A step's event id and detail word as exact numbers: read only when a notice or a correction needs them
 * (the audit's StepRecorded computes them when read).
 */
export interface ExactIds {
  readonly eventId: bigint;
  readonly detail: bigint;
}

/**
 * Apply one recorded step to a case: the new flags and the notices the contract raises.
 * `detail` as a number (see isValidDetail); `exact` gives the exact uint64 values, read only when a
 * notice needs them. `isRecorded(original)` answers whether an event id was recorded before (for
 * CORRECTION).
 */
export function applyStep(flags: number, step: number, detail: number, agency: number, exact: ExactIds, isRecorded: (id: bigint) => boolean): StepOutcome {
  const next = transition(flags, step, detail, agency);
  const prereq = prerequisites(step);
  if (next === flags && step !== S.CORRECTION && prereq === 0) return { next, notices: NONE };
  const notices: Notice[] = [];
  let rejection: string | undefined;
  const missing = (prereq & ~flags) >>> 0;
  if (missing !== 0) notices.push({ name: "OutOfOrder", eventId: exact.eventId, step, missing });
  if (((flags ^ next) & (STOP_INPUTS | F.STOP_IGNORED)) !== 0) {
    const before = openStops(flags);
    const after = openStops(next);
    if (step === S.REPATRIATION_COMPLETED && before !== 0) notices.push({ name: "StopIgnored", eventId: exact.eventId, reasons: before });
    else if (before !== after) notices.push({ name: "StopChanged", eventId: exact.eventId, previousReasons: before, reasons: after });
  }
  if ((next & F.ALLOCATION_DUE) !== 0 && (flags & F.ALLOCATION_DUE) === 0) notices.push({ name: "AllocationDue", eventId: exact.eventId });
  if (step === S.CORRECTION) {
    const id = exact.eventId;
    const original = exact.detail;
    if (original >> 56n !== id >> 56n) rejection = `NotOriginalRecorder(${original})`;
    else if (original === id || !isRecorded(original)) rejection = `UnknownOriginal(${original})`;
    else notices.push({ name: "StepCorrected", eventId: id, originalEventId: original });
  }
  return { next, notices, rejection };
}
const NONE: Notice[] = [];

/** A notice as one comparable string (name and every argument). */
export function noticeKey(n: Notice): string {
  switch (n.name) {
    case "OutOfOrder":
      return `OutOfOrder(${n.eventId},${n.step},${n.missing})`;
    case "StopChanged":
      return `StopChanged(${n.eventId},${n.previousReasons},${n.reasons})`;
    case "StopIgnored":
      return `StopIgnored(${n.eventId},${n.reasons})`;
    case "AllocationDue":
      return `AllocationDue(${n.eventId})`;
    case "StepCorrected":
      return `StepCorrected(${n.eventId},${n.originalEventId})`;
  }
}

/** Names of the flags set in `flags` (for messages). */
export function flagNames(flags: number): string[] {
  return Object.entries(FLAG)
    .filter(([, v]) => (flags & v) !== 0)
    .map(([k]) => k);
}

/** Names of the stop reasons set in `reasons`. */
export function stopReasonNames(reasons: number): string[] {
  return Object.entries(STOP_REASON)
    .filter(([, v]) => (reasons & v) !== 0)
    .map(([k]) => k);
}
