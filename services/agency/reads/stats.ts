// The dashboard's figures from the chain mirror (LedgerEvent): cases per phase, steps per day and agency,
// time between key steps. Counts only: no case reference and no person data leaves this module.
import type { Stats } from "../../shared/contract";
import type { LedgerEvent } from "../generated/prisma/client";
import type { Db } from "../store/db";
import { stepLabel } from "../../shared/vocab";
import { agencyDirectory, agencyKeyOrCode, stepByKey } from "../../shared/codelists";
import { ProblemError } from "../problems";

/** Both agencies work in Dresden: a block belongs to the calendar day there. */
export const TIME_ZONE = "Europe/Berlin";
const dayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });

/** The calendar day (Europe/Berlin) of a block time in unix seconds. */
export function dayOf(unixSeconds: number): string {
  return dayFormat.format(new Date(unixSeconds * 1000));
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** The pairs of key steps whose time apart the dashboard shows. */
export const KEY_INTERVALS: [string, string][] = [
  ["REGISTERED", "APPLICATION_FILED"],
  ["APPLICATION_FILED", "HEARING_HELD"],
  ["HEARING_HELD", "DECISION_ISSUED"],
  ["DECISION_ISSUED", "DECISION_SERVED"],
  ["APPLICATION_FILED", "DECISION_SERVED"],
  ["DECISION_ISSUED", "MUNICIPAL_ALLOCATION"],
  ["MUNICIPAL_ALLOCATION", "TRANSFERRED_TO_MUNICIPALITY"],
  ["DEPARTURE_OBLIGATION", "REPATRIATION_COMPLETED"],
];

/** The longest period the dashboard may ask for (two years and a day). */
export const MAX_PERIOD_DAYS = 731;
/** Without a period: the last 30 days up to today. */
export const DEFAULT_PERIOD_DAYS = 30;

export type StepRow = Pick<LedgerEvent, "caseRef" | "stepCode" | "agency" | "blockTime" | "blockNumber" | "logIndex">;

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The period asked for, with the defaults filled in; `now` in unix seconds. */
export function statsPeriod(query: { from?: string; to?: string }, now: number): { from: string; to: string } {
  const to = query.to ?? dayOf(now);
  const from = query.from ?? isoDay(new Date(Date.parse(`${to}T12:00:00Z`) - (DEFAULT_PERIOD_DAYS - 1) * 86400_000));
  return { from, to };
}

/** Dashboard counts of the StepRecorded rows in [from, to] (days in Europe/Berlin). */
export function computeStats(rows: StepRow[], from: string, to: string): Stats {
  const byCase = new Map<string, StepRow[]>();
  const perDay = new Map<string, Map<number, number>>();
  const seen = new Set<number>(agencyDirectory().map((a) => a.code));
  for (const r of rows) {
    if (!r.caseRef || r.stepCode === null) continue;
    const day = dayOf(r.blockTime);
    if (day > to) continue;
    const list = byCase.get(r.caseRef) ?? [];
    list.push(r);
    byCase.set(r.caseRef, list);
    if (day >= from) {
      const d = perDay.get(day) ?? new Map<number, number>();
      if (r.agency !== null) {
        d.set(r.agency, (d.get(r.agency) ?? 0) + 1);
        seen.add(r.agency);
      }
      perDay.set(day, d);
    }
  }
  // One count per member agency (the directory's, and any that recorded in the period), in number order;
  // every day of the period, also those without steps (at most the 2 years the query allows).
  const members = [...seen].sort((a, b) => a - b);
  const agencies = members.map((c) => agencyKeyOrCode(c));
  const stepsPerDay: Stats["stepsPerDay"] = [];
  for (let d = new Date(`${from}T12:00:00Z`); d.toISOString().slice(0, 10) <= to; d = new Date(d.getTime() + 86400_000)) {
    const day = d.toISOString().slice(0, 10);
    const c = perDay.get(day);
    const perAgency = Object.fromEntries(members.map((code, i) => [agencies[i], c?.get(code) ?? 0]));
    stepsPerDay.push({ day, perAgency, total: members.reduce((sum, code) => sum + (c?.get(code) ?? 0), 0) });
  }

  const phases = new Map<number, number>([
    [1, 0],
    [2, 0],
    [3, 0],
  ]);
  const durations = new Map<string, number[]>(KEY_INTERVALS.map(([a, b]) => [`${a}->${b}`, []]));
  const codes = KEY_INTERVALS.map(([a, b]) => [stepByKey(a).code, stepByKey(b).code] as const);
  for (const events of byCase.values()) {
    events.sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex);
    if (!events.some((e) => dayOf(e.blockTime) >= from)) continue;
    let phase = 0;
    for (const e of events) {
      const p = stepLabel(e.stepCode!).phase;
      if (p > 0) phase = p;
    }
    if (phase > 0) phases.set(phase, (phases.get(phase) ?? 0) + 1);
    const firstAt = new Map<number, number>();
    for (const e of events) if (!firstAt.has(e.stepCode!)) firstAt.set(e.stepCode!, e.blockTime);
    codes.forEach(([a, b], i) => {
      const ta = firstAt.get(a);
      // the first b after a (a correction or repeat before a does not count)
      const eb = events.find((e) => e.stepCode === b && ta !== undefined && e.blockTime >= ta);
      if (ta === undefined || !eb) return;
      const day = dayOf(eb.blockTime);
      if (day < from || day > to) return;
      durations.get(`${KEY_INTERVALS[i][0]}->${KEY_INTERVALS[i][1]}`)!.push(eb.blockTime - ta);
    });
  }
  const label = (key: string) => {
    const s = stepByKey(key);
    return { key: s.key, de: s.de, en: s.en };
  };
  return {
    from,
    to,
    timeZone: TIME_ZONE,
    agencies,
    casesPerPhase: [...phases.entries()].sort((a, b) => a[0] - b[0]).map(([phase, count]) => ({ phase, count })),
    stepsPerDay,
    processingTimes: KEY_INTERVALS.map(([a, b]) => {
      const v = durations.get(`${a}->${b}`)!.sort((x, y) => x - y);
      return { key: `${a}->${b}`, from: label(a), to: label(b), count: v.length, medianSeconds: percentile(v, 50), p90Seconds: percentile(v, 90) };
    }),
  };
}

/** The figures of [from, to] from the mirror's StepRecorded rows. */
export async function loadStats(db: Db, from: string, to: string): Promise<Stats> {
  const rows = await db.ledgerEvent.findMany({
    where: { name: "StepRecorded" },
    select: { caseRef: true, stepCode: true, agency: true, blockTime: true, blockNumber: true, logIndex: true },
  });
  return computeStats(rows, from, to);
}

/** The figures for GET /api/stats: the period asked for (defaults filled in, `now` in unix seconds), refused
 * when it starts after it ends or is longer than MAX_PERIOD_DAYS. */
export async function statsForPeriod(db: Db, query: { from?: string; to?: string }, now: number): Promise<Stats> {
  const { from, to } = statsPeriod(query, now);
  if (from > to) throw new ProblemError("invalid-input", "Beginn nach Ende / Start after end", [{ field: "from", message: "nach `to` / after `to`" }]);
  if (Date.parse(to) - Date.parse(from) > MAX_PERIOD_DAYS * 86400_000) {
    throw new ProblemError("invalid-input", `Zeitraum höchstens ${MAX_PERIOD_DAYS} Tage / Period at most ${MAX_PERIOD_DAYS} days`, [
      { field: "from", message: "Zeitraum zu lang / period too long" },
    ]);
  }
  return loadStats(db, from, to);
}
