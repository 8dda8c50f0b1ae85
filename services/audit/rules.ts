// A faithful TypeScript port of contracts/StepCatalogue.sol and contracts/ProcedureRules.sol, plus the
// notice logic of ProcedureLedger._raiseNotices. The audit replays every recorded step through these
// functions and compares what they predict with the events the contract raised: any difference means the
// deployed rules are not the audited ones (or the logs were altered). Which agency type may record which
// step is not compiled in: it is data on chain (TypeRightsChanged, set with each code-list version), held
// here in a TypeRightsTable that the replay fills from the chain's events. Pure functions, no I/O.
//
// Keep this file in step with the Solidity sources: the rules-equivalence test (test/audit) replays random
// step sequences through both and fails on any difference.

import { FLAG } from "../shared/rule-flags";

// ---- StepCatalogue.sol ------------------------------------------------------------------------------
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
  ALLOCATION_RECEIVED: 22,
  ARRIVED_REGISTERED: 23,
  NOT_ARRIVED: 24,
} as const;
export const MAX_STEP = STEP.NOT_ARRIVED;

const S = STEP;
// Bit masks over step codes for the catalogue's shapes (detail, date). Every code is below 31, so plain
// numbers do (a code >= 31 has no bit set, as in the contract's uint256 masks for codes it does not know).
const bit = (s: number): number => (s < 31 ? 1 << s : 0);
const has = (mask: number, step: number): boolean => step < 31 && ((mask >>> step) & 1) === 1;

export const BINARY_DETAIL_STEPS = bit(S.APPEAL_FILED) | bit(S.APPEAL_DECIDED) | bit(S.FOLLOW_UP_DECIDED) | bit(S.PROSPECTS_ASSESSED);
export const REASON_DETAIL_STEPS = bit(S.REPATRIATION_CANCELLED) | bit(S.ERASED);
export const DATED_STEPS = bit(S.HEARING_SCHEDULED) | bit(S.REPATRIATION_SCHEDULED);
export const DETAIL_OR_DATE_STEPS =
  bit(S.DECISION_ISSUED) | BINARY_DETAIL_STEPS | REASON_DETAIL_STEPS | DATED_STEPS | bit(S.MUNICIPAL_ALLOCATION) | bit(S.CORRECTION);

/** The lowest and highest official district key (AGS without the municipality digits) of Germany. */
export const MIN_DISTRICT = 1001;
export const MAX_DISTRICT = 16999;

/**
 * The step rights of each agency type as the chain holds them (TypeRightsChanged: set at deployment and by
 * every code-list vote): which steps a type may record, and whether its members write only for cases
 * allocated to their scope. Not constants: the replay sets them from the chain's events as they stream in,
 * so a step is checked against the rights in force when it was recorded. Four 32-bit words per type (step
 * codes below 128), so the per-step check makes no bigint.
 */
export class TypeRightsTable {
  private readonly words = new Uint32Array(256 * 4);
  private readonly scoped = new Uint8Array(256);
  private readonly known = new Uint8Array(256);
  /** the steps any type may record: a step outside it is UnknownStep, not StepNotPermitted */
  private readonly union = new Uint32Array(4);

  /** Set a type's rights (TypeRightsChanged): `steps` bit s = the type may record step s. */
  set(agencyType: number, steps: bigint, allocationScoped: boolean): void {
    const t = agencyType & 0xff;
    for (let k = 0; k < 4; k++) this.words[t * 4 + k] = Number((steps >> BigInt(32 * k)) & 0xffffffffn);
    this.scoped[t] = allocationScoped ? 1 : 0;
    this.known[t] = 1;
    this.union.fill(0);
    for (let u = 0; u < 256; u++) if (this.known[u]) for (let k = 0; k < 4; k++) this.union[k] |= this.words[u * 4 + k];
  }

  mayRecord(agencyType: number, step: number): boolean {
    return step < 128 && ((this.words[(agencyType & 0xff) * 4 + (step >>> 5)] >>> (step & 31)) & 1) === 1;
  }

  /** Whether some type may record `step` (the contract's UnknownStep otherwise). */
  isKnownStep(step: number): boolean {
    return step !== 0 && step < 128 && ((this.union[step >>> 5] >>> (step & 31)) & 1) === 1;
  }

  isAllocationScoped(agencyType: number): boolean {
    return this.scoped[agencyType & 0xff] === 1;
  }

  /** A type's rights, undefined for a type never set. */
  get(agencyType: number): { steps: bigint; allocationScoped: boolean } | undefined {
    const t = agencyType & 0xff;
    if (!this.known[t]) return undefined;
    let steps = 0n;
    for (let k = 3; k >= 0; k--) steps = (steps << 32n) | BigInt(this.words[t * 4 + k]);
    return { steps, allocationScoped: this.scoped[t] === 1 };
  }

  /** Every type whose rights were set, ascending. */
  types(): number[] {
    const out: number[] = [];
    for (let t = 0; t < 256; t++) if (this.known[t]) out.push(t);
    return out;
  }

  /** A table holding `rights` (e.g. typeRightsOf(code lists)). */
  static of(rights: readonly { agencyType: number; steps: bigint; allocationScoped: boolean }[]): TypeRightsTable {
    const t = new TypeRightsTable();
    for (const r of rights) t.set(r.agencyType, r.steps, r.allocationScoped);
    return t;
  }
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
  if (step === S.MUNICIPAL_ALLOCATION) return detail >= MIN_DISTRICT && detail <= MAX_DISTRICT;
  if (step === S.CORRECTION) return detail !== 0;
  return detail === 0;
}

export function isValidBusinessDate(step: number, date: number): boolean {
  if (!has(DATED_STEPS, step)) return date === 0;
  const month = Math.floor(date / 100) % 100;
  const day = date % 100;
  return date >= 20000101 && date <= 29991231 && month !== 0 && month <= 12 && day !== 0 && day <= 31;
}

/** The recording agency as the contract sees it when the step arrives. */
export interface Sender {
  agency: number;
  /** its type (AgencyJoined) */
  agencyType: number;
  /** its scope: Land key, or the district key of a district authority */
  scope: number;
}

/**
 * Why the contract would have rejected this step (ProcedureLedger._check, without the membership,
 * duplicate and correction checks, which need the ledger's history); undefined when it is acceptable.
 * `rights`: the type rights in force; `allocatedTo`: the case's current allocation (allocatedTo(caseRef),
 * 0 when none), checked for a sender whose type is allocation-scoped.
 */
export function rejectionOf(rights: TypeRightsTable, sender: Sender, step: number, detail: number, businessDate: number, caseRef: string, highBitsSet = false, allocatedTo = 0): string | undefined {
  if (highBitsSet) return "MalformedStep: bits above 168 set";
  if (!rights.mayRecord(sender.agencyType, step)) {
    if (!rights.isKnownStep(step)) return `UnknownStep(${step})`;
    return `StepNotPermitted(step ${step}, agency ${sender.agency} of type ${sender.agencyType})`;
  }
  if (detail !== 0 || businessDate !== 0 || has(DETAIL_OR_DATE_STEPS, step)) {
    if (!isValidDetail(step, detail)) return `InvalidDetail(step ${step}, detail ${detail})`;
    if (!isValidBusinessDate(step, businessDate)) return `InvalidBusinessDate(step ${step}, date ${businessDate})`;
  }
  if (caseRef === ZERO_CASE) return "EmptyCaseRef";
  // CORRECTION and ERASED concern only the sender's own records: allowed after a re-allocation elsewhere.
  if (rights.isAllocationScoped(sender.agencyType) && step !== S.CORRECTION && step !== S.ERASED && allocatedTo !== sender.scope) {
    return `NotAllocatedToDistrict(case allocated to ${allocatedTo || "no district"}, agency ${sender.agency} writes for ${sender.scope})`;
  }
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
  p[S.ALLOCATION_RECEIVED] = F.ALLOCATED;
  p[S.ARRIVED_REGISTERED] = F.ALLOCATED;
  p[S.NOT_ARRIVED] = F.ALLOCATED;
  // Each table entry is 16 bits wide in the contract: the prerequisites all live in the low 16 flags.
  return p.map((x) => x & 0xffff);
})();

export function prerequisites(step: number): number {
  // The contract indexes a 16-entry table with `step & 15`, picking the table by `step < 16`; codes from 32
  // on (granted by governance beyond the catalogue) have none.
  return step < 16 ? PREREQUISITES[step & 15] : step < 32 ? PREREQUISITES[16 + (step & 15)] : 0;
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

/** Everything an allocation decides: a re-allocation starts the district's part over. */
const ALLOCATION_STATE = F.ALLOCATION_DUE | F.ALLOCATION_RECEIVED | F.ARRIVED | F.NOT_ARRIVED;

/**
 * The case's flags after `step` with `detail` (ProcedureRules.transition). Who recorded it does not
 * matter: erasure is kept per member outside the flags (erasedBy).
 */
export function transition(flags: number, step: number, detail: number): number {
  return transitionRaw(flags, step, detail) >>> 0;
}

function transitionRaw(flags: number, step: number, detail: number): number {
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
  if (step === S.MUNICIPAL_ALLOCATION) return (flags & ~ALLOCATION_STATE) | F.ALLOCATED;
  if (step === S.TRANSFERRED_TO_MUNICIPALITY) return flags | F.TRANSFERRED;
  if (step === S.ALLOCATION_RECEIVED) return flags | F.ALLOCATION_RECEIVED;
  if (step === S.ARRIVED_REGISTERED) return (flags & ~F.NOT_ARRIVED) | F.ARRIVED;
  if (step === S.NOT_ARRIVED) return flags | F.NOT_ARRIVED;
  return flags; // CORRECTION changes data off chain, ERASED per member outside the flags
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
export function applyStep(flags: number, step: number, detail: number, exact: ExactIds, isRecorded: (id: bigint) => boolean): StepOutcome {
  const next = transition(flags, step, detail);
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
