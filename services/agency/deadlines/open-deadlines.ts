// The deadline and overdue view (GET /api/deadlines): every open deadline of the cases, computed from the
// chain mirror as deadline-notices.ts does for the notices, but upcoming ones too:
//  - HEARING_DATE (BAMF): the business date of the last HEARING_SCHEDULED without a HEARING_HELD after it;
//  - APPEAL_PERIOD (both): the last day of the appeal period after DECISION_SERVED (block date in Berlin plus
//    APPEAL_PERIOD_DAYS) without APPEAL_FILED or DECISION_FINAL after it;
//  - REPATRIATION_DATE (ZAB): the planned date of the last REPATRIATION_SCHEDULED without REPATRIATION_COMPLETED,
//    REPATRIATION_CANCELLED or VOLUNTARY_DEPARTURE after it;
//  - ARRIVAL (district authorities): the last day a person allocated to the district (the case's latest
//    MUNICIPAL_ALLOCATION names it) may take to arrive (block date in Berlin plus the code lists'
//    arrivalOverdueDays) without ARRIVED_REGISTERED or NOT_ARRIVED after it: "arrival due", or "arrival
//    overdue" once the day has passed. A re-allocation elsewhere closes it.
// Which kinds an agency sees follows its type (federal office, central authority, district authority).
// Soonest (most overdue) first. Cases are named as in every list; each case shown is written to the access log.
import type { z } from "zod";
import type { DeadlineList, DeadlinesQuery, Deadline } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { Principal } from "../auth/roles";
import { CODE_LISTS, stepByKey } from "../../shared/codelists";
import { serialized } from "../store/serialized";
import { casePersons } from "../reads/case-persons";
import { logAccess } from "../reads/access-log";
import { LEDGER_ORDER } from "../reads/ledger-events";
import { berlinYmd } from "./deadline-notices";

const code = (k: string) => stepByKey(k).code;
const OPENS = {
  HEARING_DATE: code("HEARING_SCHEDULED"),
  APPEAL_PERIOD: code("DECISION_SERVED"),
  REPATRIATION_DATE: code("REPATRIATION_SCHEDULED"),
  ARRIVAL: code("MUNICIPAL_ALLOCATION"),
} as const;
const CLOSES: Record<keyof typeof OPENS, number[]> = {
  HEARING_DATE: [code("HEARING_HELD")],
  APPEAL_PERIOD: [code("APPEAL_FILED"), code("DECISION_FINAL")],
  REPATRIATION_DATE: [code("REPATRIATION_COMPLETED"), code("REPATRIATION_CANCELLED"), code("VOLUNTARY_DEPARTURE")],
  ARRIVAL: [code("ARRIVED_REGISTERED"), code("NOT_ARRIVED")],
};
type Kind = keyof typeof OPENS;

/** The deadlines an agency of each type keeps (types the lists add later see none until named here). */
export const DEADLINES_FOR_TYPE: Record<string, Kind[]> = {
  FEDERAL_OFFICE: ["HEARING_DATE", "APPEAL_PERIOD"],
  CENTRAL_AUTHORITY: ["APPEAL_PERIOD", "REPATRIATION_DATE"],
  DISTRICT_AUTHORITY: ["ARRIVAL"],
};

const ymdToIso = (n: number) => `${String(Math.floor(n / 10000)).padStart(4, "0")}-${String(Math.floor(n / 100) % 100).padStart(2, "0")}-${String(n % 100).padStart(2, "0")}`;
const utcDay = (n: number) => Date.UTC(Math.floor(n / 10000), (Math.floor(n / 100) % 100) - 1, n % 100);
const addDays = (ymd: number, days: number) => {
  const d = new Date(utcDay(ymd) + days * 86_400_000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
};

export async function openDeadlines(ctx: ServiceContext, principal: Principal, query: z.output<typeof DeadlinesQuery>, now = new Date()): Promise<DeadlineList> {
  const kinds = (DEADLINES_FOR_TYPE[ctx.config.agencyType] ?? []).filter((k) => !query.kind || k === query.kind);
  const scope = String(ctx.config.agencyScope);
  const codes = kinds.flatMap((k) => [OPENS[k], ...CLOSES[k]]);
  const today = berlinYmd(now);
  return serialized(ctx.db, async (tx) => {
    const events = await tx.ledgerEvent.findMany({
      where: { name: "StepRecorded", stepCode: { in: codes } },
      orderBy: LEDGER_ORDER,
      select: { caseRef: true, eventId: true, stepCode: true, detail: true, businessDate: true, blockTime: true },
    });
    const open = new Map<string, (typeof events)[number]>();
    for (const e of events) {
      for (const k of kinds) {
        const key = `${k}|${e.caseRef}`;
        // An allocation opens the arrival deadline of the district it names; one naming another district closes it.
        if (e.stepCode === OPENS[k] && (k !== "ARRIVAL" || e.detail === scope)) open.set(key, e);
        else if (CLOSES[k].includes(e.stepCode!) || e.stepCode === OPENS[k]) open.delete(key);
      }
    }
    const all: Omit<Deadline, "case">[] = [];
    for (const [key, e] of open) {
      const kind = key.split("|")[0] as Kind;
      const blockDay = berlinYmd(new Date(e.blockTime * 1000));
      const day =
        kind === "APPEAL_PERIOD"
          ? addDays(blockDay, ctx.config.appealPeriodDays)
          : kind === "ARRIVAL"
            ? addDays(blockDay, CODE_LISTS.parameters.arrivalOverdueDays)
            : (e.businessDate ?? 0);
      if (!day) continue;
      const daysLeft = Math.round((utcDay(day) - utcDay(today)) / 86_400_000);
      all.push({ caseRef: e.caseRef!, kind, date: ymdToIso(day), overdue: day < today, daysLeft, ledgerEventId: e.eventId });
    }
    const overdueCount = all.filter((d) => d.overdue).length;
    const chosen = all.filter((d) => query.overdue === undefined || d.overdue === query.overdue).sort((a, b) => a.date.localeCompare(b.date) || a.caseRef.localeCompare(b.caseRef));
    const page = chosen.slice(query.offset, query.offset + query.limit);
    const persons = await casePersons(
      tx,
      principal,
      page.map((d) => d.caseRef),
    );
    await logAccess(
      tx,
      principal,
      [...new Set(page.map((d) => d.caseRef))],
      "deadlines",
    );
    return {
      today: ymdToIso(today),
      total: chosen.length,
      overdue: overdueCount,
      limit: query.limit,
      offset: query.offset,
      deadlines: page.map((d) => ({ ...d, case: persons.get(d.caseRef) ?? { held: false } })),
    };
  });
}
