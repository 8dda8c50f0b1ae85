// Deadline notices, computed by the service from the stored ledger events (the contract keeps no clock):
//  - HEARING_OVERDUE: the hearing date (business date of the last HEARING_SCHEDULED) has passed and no
//    HEARING_HELD followed. For the BAMF, which holds the hearing.
//  - APPEAL_PERIOD_OVER: the appeal period after DECISION_SERVED (service date = its block date, Berlin
//    time) is over and neither APPEAL_FILED nor DECISION_FINAL followed. For both agencies: the BAMF
//    records finality, the ZAB may then act on a departure obligation.
//  - ARRIVAL_OVERDUE: a person was allocated to a district more than arrivalOverdueDays (code lists) ago and
//    neither ARRIVED_REGISTERED nor NOT_ARRIVED followed. For the district authority named (district-
//    scoped types) and the central authorities, which allocated.
// Each notice is raised once: sourceKey deadline:<kind>:<ledger event id of the step that set the deadline>.
import type { Logger } from "pino";
import type { Db } from "../store/db";
import { CODE_LISTS, agencyTypeByKey, stepByKey } from "../../shared/codelists";
import { followerOf, type Follower } from "../listener/followers";
import { PRIORITY, type NotificationDraft } from "../notifications/rules";
import { metrics } from "../metrics";
import { serialized } from "../store/serialized";
import { ServiceLoop } from "../util/service-loop";

export type DeadlineKind = "HEARING_OVERDUE" | "APPEAL_PERIOD_OVER" | "ARRIVAL_OVERDUE";

export interface DeadlineOptions {
  /** this agency (type and scope decide which deadlines are its), or a pilot's key */
  agency: Follower | string;
  appealPeriodDays: number;
  webhook: boolean;
}

const CODE = {
  HEARING_SCHEDULED: stepByKey("HEARING_SCHEDULED").code,
  HEARING_HELD: stepByKey("HEARING_HELD").code,
  DECISION_SERVED: stepByKey("DECISION_SERVED").code,
  APPEAL_FILED: stepByKey("APPEAL_FILED").code,
  DECISION_FINAL: stepByKey("DECISION_FINAL").code,
  MUNICIPAL_ALLOCATION: stepByKey("MUNICIPAL_ALLOCATION").code,
  ARRIVED_REGISTERED: stepByKey("ARRIVED_REGISTERED").code,
  NOT_ARRIVED: stepByKey("NOT_ARRIVED").code,
};

const berlinDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit" });

/** yyyymmdd of `date` in Berlin (business dates are German calendar days). */
export function berlinYmd(date: Date): number {
  return Number(berlinDay.format(date).replace(/-/g, ""));
}

function addDays(ymd: number, days: number): number {
  const d = new Date(Date.UTC(Math.floor(ymd / 10000), (Math.floor(ymd / 100) % 100) - 1, ymd % 100) + days * 86_400_000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

interface Ev {
  caseRef: string | null;
  eventId: string | null;
  stepCode: number | null;
  detail: string | null;
  businessDate: number | null;
  blockTime: number;
}

/** The deadline notices that are due at `now` and not raised yet. */
export async function dueDeadlines(db: Db, opts: DeadlineOptions, now: Date): Promise<NotificationDraft[]> {
  const events: Ev[] = await db.ledgerEvent.findMany({
    where: { name: "StepRecorded", stepCode: { in: Object.values(CODE) } },
    orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }],
    select: { caseRef: true, eventId: true, stepCode: true, detail: true, businessDate: true, blockTime: true },
  });
  const me = followerOf(opts.agency);
  // Per case, the step that opened each deadline and has not been closed since.
  const hearing = new Map<string, Ev>();
  const served = new Map<string, Ev>();
  const allocated = new Map<string, Ev>();
  for (const e of events) {
    const c = e.caseRef!;
    if (e.stepCode === CODE.HEARING_SCHEDULED) hearing.set(c, e);
    else if (e.stepCode === CODE.HEARING_HELD) hearing.delete(c);
    else if (e.stepCode === CODE.DECISION_SERVED) served.set(c, e);
    else if (e.stepCode === CODE.MUNICIPAL_ALLOCATION) allocated.set(c, e);
    else if (e.stepCode === CODE.ARRIVED_REGISTERED || e.stepCode === CODE.NOT_ARRIVED) allocated.delete(c);
    else served.delete(c); // APPEAL_FILED or DECISION_FINAL
  }
  const today = berlinYmd(now);
  const drafts: NotificationDraft[] = [];
  const draft = (kind: DeadlineKind, e: Ev, detail: Record<string, unknown>): NotificationDraft => ({
    sourceKey: `deadline:${kind}:${e.eventId}`,
    kind: "DEADLINE",
    priority: PRIORITY.DEADLINE,
    caseRef: e.caseRef!,
    eventId: e.eventId,
    payload: JSON.stringify({ deadline: kind, caseRef: e.caseRef, ledgerEventId: e.eventId, ...detail }),
  });
  if (me.agencyType === "FEDERAL_OFFICE") {
    for (const e of hearing.values()) {
      if (e.businessDate && e.businessDate < today) drafts.push(draft("HEARING_OVERDUE", e, { step: "HEARING_SCHEDULED", hearingDate: e.businessDate }));
    }
  }
  const scoped = agencyTypeByKey(me.agencyType)?.allocationScoped ?? false;
  if (scoped || me.agencyType === "CENTRAL_AUTHORITY") {
    const days = CODE_LISTS.parameters.arrivalOverdueDays;
    for (const e of allocated.values()) {
      if (scoped && e.detail !== String(me.agencyScope)) continue;
      const lastDay = addDays(berlinYmd(new Date(e.blockTime * 1000)), days);
      if (lastDay < today) drafts.push(draft("ARRIVAL_OVERDUE", e, { step: "MUNICIPAL_ALLOCATION", district: Number(e.detail), overdueDays: days, lastDay }));
    }
  }
  if (scoped) {
    // A district authority has no appeal periods of its own to watch.
    served.clear();
  }
  for (const e of served.values()) {
    const lastDay = addDays(berlinYmd(new Date(e.blockTime * 1000)), opts.appealPeriodDays);
    if (lastDay < today) drafts.push(draft("APPEAL_PERIOD_OVER", e, { step: "DECISION_SERVED", periodDays: opts.appealPeriodDays, lastDay }));
  }
  if (!drafts.length) return [];
  const known = await db.notification.findMany({ where: { sourceKey: { in: drafts.map((d) => d.sourceKey) } }, select: { sourceKey: true } });
  const seen = new Set(known.map((k) => k.sourceKey));
  return drafts.filter((d) => !seen.has(d.sourceKey));
}

/** Raise the due deadline notices; returns how many were new. */
export async function raiseDeadlines(db: Db, opts: DeadlineOptions, now = new Date()): Promise<number> {
  const drafts = await dueDeadlines(db, opts, now);
  if (!drafts.length) return 0;
  const { count } = await serialized(db, (tx) =>
    tx.notification.createMany({
      data: drafts.map((d) => ({ ...d, deliveryState: opts.webhook ? "pending" : "none", nextDeliveryAt: opts.webhook ? now : null })),
    }),
  );
  metrics.notificationsRaised.inc({ kind: "DEADLINE" }, count);
  return count;
}

/** Runs raiseDeadlines at start and every intervalMs. */
export class DeadlineScheduler extends ServiceLoop {

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: DeadlineOptions & { intervalMs?: number; onRaised?: () => void },
  ) {
    super();
  }

  protected async run(): Promise<void> {
    while (this.running) {
      try {
        const n = await raiseDeadlines(this.db, this.opts);
        if (n) {
          this.log.info({ notices: n }, "deadline notices raised");
          this.opts.onRaised?.();
        }
      } catch (err) {
        this.log.error({ err: (err as Error).message }, "deadline check failed");
      }
      await this.waker.sleep(this.opts.intervalMs ?? 60_000);
    }
  }
}
