// Compliance from the replayed history: ignored and open repatriation stops, overdue allocations, hearing
// dates passed without a hearing, allocations without arrival (the code lists' arrivalOverdueDays rule),
// erasures and corrections; plus the figures the report charts (step counts, processing times). Pure, no
// I/O. Only pseudonymous case references, district keys and codes: no personal data.
import { CODE_LISTS } from "../shared/codelists";
import { agencyName, stepName } from "./names";
import { FLAG, STEP, openStops, stopReasonNames, transition } from "./rules";
import type { EventReplayer } from "./replay";
import type { FindingSink } from "./types";

export interface ComplianceOptions {
  /** the audited head's timestamp (unix seconds): "now" for every deadline */
  asOf: number;
  /** an allocation is overdue when due longer than this */
  allocationDays: number;
  /** a person allocated longer ago than this without arrival or non-arrival recorded is overdue (code lists' parameters.arrivalOverdueDays) */
  arrivalOverdueDays: number;
}

/** The allocations-without-arrival rule: an observation of the process, not a finding about the ledger. */
export interface Arrivals {
  overdueDays: number;
  /** cases whose current allocation has no ARRIVED_REGISTERED or NOT_ARRIVED yet */
  awaiting: number;
  /** of those, allocated more than overdueDays ago (block time against the audited head's) */
  overdue: { caseRef: string; district: number; allocatedAtBlock: number; allocatedAt: string; days: number; eventId: string }[];
  /** per district of the current allocations; `authority`: the member agency whose scope it is, if any */
  byDistrict: { district: number; authority?: string; allocated: number; received: number; arrived: number; notArrived: number; awaiting: number; overdue: number }[];
}

export interface IntervalStats {
  from: string;
  to: string;
  label: string;
  count: number;
  medianSeconds: number;
  p90Seconds: number;
  maxSeconds: number;
}

export interface Compliance {
  ignoredStops: { caseRef: string; eventId: string; block: number; time?: string; reasons: string[] }[];
  openStops: { caseRef: string; reasons: string[]; sinceBlock?: number; since?: string }[];
  overdueAllocations: { caseRef: string; dueSinceBlock: number; dueSince: string; days: number; eventId?: string }[];
  openAllocations: number;
  hearingsPassed: { caseRef: string; hearingDate: number }[];
  erasures: { caseRef: string; agency: string; eventId: string; reason: string; block: number; time: string }[];
  corrections: { caseRef: string; agency: string; eventId: string; originalEventId: string; block: number; time: string }[];
  outOfOrderByStep: Record<string, number>;
  arrivals: Arrivals;
}

export interface Stats {
  cases: number;
  steps: number;
  stepsByAgency: Record<string, number>;
  stepCounts: { step: string; code: number; count: number }[];
  ruleEvents: Record<string, number>;
  processingTimes: IntervalStats[];
  firstStep?: string;
  lastStep?: string;
}

const iso = (t: number | undefined): string => (t === undefined ? "" : new Date(t * 1000).toISOString());

function erasureReason(code: number): string {
  return CODE_LISTS.erasureReasons.find((r) => r.code === code)?.key ?? `reason ${code}`;
}

/** yyyymmdd of a unix time (UTC). */
function yyyymmdd(t: number): number {
  const d = new Date(t * 1000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

export function compliance(r: EventReplayer, opts: ComplianceOptions, sink: FindingSink): Compliance {
  // (the step among its case's: no index of every event id)
  const timeOfStep = (eventId: string, caseRef: string): number | undefined => {
    const i = r.stepOfEventId(BigInt(eventId), caseRef);
    return i === undefined ? undefined : r.steps.time(i);
  };
  const ignoredStops = r.stopIgnored.map((e) => ({ caseRef: e.caseRef, eventId: e.eventId, block: e.block, time: iso(timeOfStep(e.eventId, e.caseRef)), reasons: stopReasonNames(Number(e.args.reasons)) }));
  for (const s of ignoredStops) {
    sink.add({ check: "compliance", kind: "stop-ignored", severity: "warning", caseRef: s.caseRef, eventId: s.eventId, blockNumber: s.block, message: `repatriation completed (event ${s.eventId}, block ${s.block}) while a stop was open: ${s.reasons.join(", ")}` });
  }

  const openStopList: Compliance["openStops"] = [];
  const overdueAllocations: Compliance["overdueAllocations"] = [];
  const hearingsPassed: Compliance["hearingsPassed"] = [];
  let openAllocations = 0;
  const today = yyyymmdd(opts.asOf);
  const limit = opts.allocationDays * 86400;
  for (const c of r.cases.values()) {
    if (c.stopOpenedBlock !== undefined) {
      const reasons = stopReasonNames(openStops(c.flags));
      const since = c.stopOpenedStep;
      openStopList.push({ caseRef: c.caseRef, reasons, sinceBlock: c.stopOpenedBlock, since: since >= 0 ? iso(r.steps.time(since)) : undefined });
    }
    if ((c.flags & FLAG.ALLOCATION_DUE) !== 0 && c.allocationDueBlock !== undefined) {
      openAllocations++;
      const idx = c.allocationDueStep < 0 ? undefined : c.allocationDueStep;
      const dueEventId = idx === undefined ? undefined : r.steps.at(idx)!.eventId.toString();
      const dueSince = idx === undefined ? undefined : r.steps.time(idx);
      if (dueSince !== undefined && opts.asOf - dueSince > limit) {
        const days = Math.floor((opts.asOf - dueSince) / 86400);
        overdueAllocations.push({ caseRef: c.caseRef, dueSinceBlock: c.allocationDueBlock, dueSince: iso(dueSince), days, eventId: dueEventId });
        sink.add({ check: "compliance", kind: "allocation-overdue", severity: "warning", caseRef: c.caseRef, eventId: dueEventId, blockNumber: c.allocationDueBlock, message: `allocation to a district due for ${days} days (since ${iso(dueSince).slice(0, 10)}) without MUNICIPAL_ALLOCATION (limit ${opts.allocationDays} days)` });
      }
    }
    // Deadline notice: a hearing date passed without HEARING_HELD after the scheduling (the replay keeps it).
    if (c.hearingDate !== 0 && c.hearingDate < today) hearingsPassed.push({ caseRef: c.caseRef, hearingDate: c.hearingDate });
  }

  const erasures: Compliance["erasures"] = [];
  for (let i = 0; i < r.steps.length; i++) {
    if (r.steps.step(i) !== STEP.ERASED) continue;
    const s = r.steps.at(i)!;
    erasures.push({ caseRef: s.caseRef, agency: agencyName(s.agency), eventId: s.eventId.toString(), reason: erasureReason(s.detailNum), block: s.block, time: iso(r.steps.time(i)) });
  }
  const corrections = r.corrections.map((e) => ({
    caseRef: e.caseRef,
    agency: agencyName(Number(BigInt(e.eventId) >> 56n)),
    eventId: e.eventId,
    originalEventId: String(e.args.originalEventId),
    block: e.block,
    time: iso(timeOfStep(e.eventId, e.caseRef)),
  }));
  const outOfOrderByStep: Record<string, number> = {};
  for (const e of r.outOfOrder) {
    const k = stepName(Number(e.args.step));
    outOfOrderByStep[k] = (outOfOrderByStep[k] ?? 0) + 1;
  }
  return { ignoredStops, openStops: openStopList, overdueAllocations, openAllocations, hearingsPassed, erasures, corrections, outOfOrderByStep, arrivals: arrivalsOf(r, opts) };
}

/**
 * Allocations without arrival: every case whose latest MUNICIPAL_ALLOCATION has neither ARRIVED_REGISTERED
 * nor NOT_ARRIVED after it (a re-allocation starts over, as the contract's flags do), counted per district,
 * and listed when allocated more than `arrivalOverdueDays` ago by block time.
 */
export function arrivalsOf(r: EventReplayer, opts: ComplianceOptions): Arrivals {
  const limit = opts.arrivalOverdueDays * 86400;
  const byDistrict = new Map<number, Arrivals["byDistrict"][number]>();
  const overdue: Arrivals["overdue"] = [];
  let awaiting = 0;
  for (const c of r.cases.values()) {
    if (c.allocationStep < 0 || (c.flags & FLAG.ALLOCATED) === 0) continue;
    let d = byDistrict.get(c.allocatedTo);
    if (!d) byDistrict.set(c.allocatedTo, (d = { district: c.allocatedTo, allocated: 0, received: 0, arrived: 0, notArrived: 0, awaiting: 0, overdue: 0 }));
    d.allocated++;
    if ((c.flags & FLAG.ALLOCATION_RECEIVED) !== 0) d.received++;
    if ((c.flags & FLAG.ARRIVED) !== 0) d.arrived++;
    else if ((c.flags & FLAG.NOT_ARRIVED) !== 0) d.notArrived++;
    else {
      d.awaiting++;
      awaiting++;
      const since = r.steps.time(c.allocationStep);
      if (opts.asOf - since > limit) {
        d.overdue++;
        const s = r.steps.at(c.allocationStep)!;
        overdue.push({ caseRef: c.caseRef, district: c.allocatedTo, allocatedAtBlock: s.block, allocatedAt: iso(since), days: Math.floor((opts.asOf - since) / 86400), eventId: s.eventId.toString() });
      }
    }
  }
  // The member agency responsible for each district: an allocation-scoped agency whose scope it is.
  for (const a of r.agencies.values()) {
    const d = byDistrict.get(a.scope);
    if (d && a.activeAccounts > 0 && r.rights.isAllocationScoped(a.agencyType)) d.authority = agencyName(a.agency);
  }
  return { overdueDays: opts.arrivalOverdueDays, awaiting, overdue, byDistrict: [...byDistrict.values()].sort((a, b) => a.district - b.district) };
}

/** The intervals the report charts: from the first `from` step to the first `to` step after it. */
const INTERVALS: { from: string; to: string[]; label: string }[] = [
  { from: "REGISTERED", to: ["APPLICATION_FILED"], label: "registration → application" },
  { from: "APPLICATION_FILED", to: ["HEARING_HELD"], label: "application → hearing" },
  { from: "HEARING_HELD", to: ["DECISION_ISSUED"], label: "hearing → decision" },
  { from: "DECISION_ISSUED", to: ["DECISION_SERVED"], label: "decision → service" },
  { from: "APPLICATION_FILED", to: ["DECISION_SERVED"], label: "application → notice served" },
  { from: "ALLOCATION_DUE", to: ["MUNICIPAL_ALLOCATION"], label: "allocation due → allocated" },
  { from: "MUNICIPAL_ALLOCATION", to: ["TRANSFERRED_TO_MUNICIPALITY"], label: "allocated → transferred" },
  { from: "DEPARTURE_OBLIGATION", to: ["REPATRIATION_COMPLETED", "VOLUNTARY_DEPARTURE"], label: "obligation to leave → departure" },
];

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function statistics(r: EventReplayer): Stats {
  const byCode = new Map<number, number>();
  const byAgencyCode = new Map<number, number>();
  for (let i = 0; i < r.steps.length; i++) {
    const step = r.steps.step(i);
    const agency = r.steps.agency(i);
    byCode.set(step, (byCode.get(step) ?? 0) + 1);
    byAgencyCode.set(agency, (byAgencyCode.get(agency) ?? 0) + 1);
  }
  const byAgency: Record<string, number> = {};
  for (const [code, count] of byAgencyCode) byAgency[agencyName(code)] = (byAgency[agencyName(code)] ?? 0) + count;
  const stepCounts = CODE_LISTS.steps.map((d) => ({ step: d.key, code: d.code, count: byCode.get(d.code) ?? 0 }));
  for (const [code, count] of byCode) if (!CODE_LISTS.steps.some((d) => d.code === code)) stepCounts.push({ step: stepName(code), code, count });

  const samples = INTERVALS.map(() => [] as number[]);
  // Step codes of the intervals; the pseudo code DUE stands for "allocation became due".
  const DUE = 31;
  const codeOf = (k: string) => (k === "ALLOCATION_DUE" ? DUE : CODE_LISTS.steps.find((d) => d.key === k)!.code);
  // By step code: the intervals that step ends, and their start codes.
  const ending: { k: number; from: number }[][] = Array.from({ length: 256 }, () => []);
  INTERVALS.forEach((iv, k) => iv.to.forEach((to) => ending[codeOf(to)].push({ k, from: codeOf(iv.from) })));
  const allocationDue = FLAG.ALLOCATION_DUE;
  // One pass over the steps in log order (each case's steps in their order), with per case its flags,
  // the first time of each start code and the intervals done: the steps are not walked case by case
  // (that would read the step log's pages out of order, step by step).
  const slotOf = new Int8Array(32).fill(-1);
  let starts = 0;
  for (const iv of INTERVALS) if (slotOf[codeOf(iv.from)] < 0) slotOf[codeOf(iv.from)] = starts++;
  const cases = r.caseList.length;
  const flagsOf = new Int32Array(cases);
  const first = new Float64Array(cases * starts).fill(NaN);
  const done = new Uint8Array(cases * INTERVALS.length);
  for (let i = 0; i < r.steps.length; i++) {
    const c = r.steps.caseNo(i);
    const step = r.steps.step(i);
    const t = r.steps.time(i);
    const flags = flagsOf[c];
    const next = transition(flags, step, r.steps.detailNum(i));
    const due = (next & allocationDue) !== 0 && (flags & allocationDue) === 0;
    flagsOf[c] = next;
    for (const { k, from } of ending[step]) {
      const start = first[c * starts + slotOf[from]];
      if (done[c * INTERVALS.length + k] === 0 && !Number.isNaN(start)) {
        done[c * INTERVALS.length + k] = 1;
        samples[k].push(t - start);
      }
    }
    if (step < DUE && slotOf[step] >= 0 && Number.isNaN(first[c * starts + slotOf[step]])) first[c * starts + slotOf[step]] = t;
    if (due && Number.isNaN(first[c * starts + slotOf[DUE]])) first[c * starts + slotOf[DUE]] = t;
  }
  const processingTimes = INTERVALS.map((iv, k) => {
    const xs = samples[k].sort((a, b) => a - b);
    return { from: iv.from, to: iv.to.join("|"), label: iv.label, count: xs.length, medianSeconds: quantile(xs, 0.5), p90Seconds: quantile(xs, 0.9), maxSeconds: xs.length ? xs[xs.length - 1] : 0 };
  });
  return {
    cases: r.cases.size,
    steps: r.steps.length,
    stepsByAgency: byAgency,
    stepCounts,
    ruleEvents: { ...r.ruleEventCounts },
    processingTimes,
    firstStep: r.steps.length ? iso(r.steps.time(0)) : undefined,
    lastStep: r.steps.length ? iso(r.steps.time(r.steps.length - 1)) : undefined,
  };
}
