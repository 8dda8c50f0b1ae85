// One case's timeline and alerts as the API answers them: read in one snapshot (timeline) or transaction
// (alerts), with the access log row (written only for a case that exists here or on the ledger, committed
// before the answer leaves), then shaped by timeline.ts and case-alerts.ts. A case neither registered here
// nor known from the ledger is not found.
import type { CaseAlerts } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { seesPersonalData, type Principal } from "../auth/roles";
import { serialized } from "../store/serialized";
import { readSnapshot } from "../store/snapshot-reads";
import { withTimeout } from "../util/timeout";
import { notFound } from "../problems";
import { caseEvents, foldStops } from "./ledger-events";
import { buildTimeline, type Timeline } from "./timeline";
import { timelinePageRead, type TimelinePage } from "./timeline-page";
import { commitmentCheck } from "./commitment-check";
import { stopReasonLabels } from "../../shared/vocab";
import { caseAlerts } from "./case-alerts";
import { logAccess, logAccessCommitted } from "./access-log";

const OPEN_STOPS_TIMEOUT_MS = 2000;

const unknownCase = () => notFound("Fall weder hier angelegt noch aus dem Ledger bekannt / Case neither registered here nor known from the ledger");

export type { TimelinePage } from "./timeline-page";

/**
 * One page of a case's timeline: `limit` steps after the cursor with the rule events they raised (which lie
 * between a step and the next one), the open stops and corrections of the whole case, this agency's records
 * of the steps on the page and its steps the chain does not show yet. A long case costs one page, not all:
 * read in one snapshot with plain SQL beside the writers (reads/timeline-page.ts, store/snapshot-reads.ts).
 */
export async function caseTimeline(ctx: ServiceContext, principal: Principal, caseRef: string, page: TimelinePage = { limit: 50 }): Promise<Timeline & Required<Pick<Timeline, "page">>> {
  const me = ctx.config.agencyCode;
  const [read, verify] = await Promise.all([readSnapshot(ctx.db, () => timelinePageRead(caseRef, me, page)), commitmentCheck()]);
  if (!read.known) throw unknownCase();
  // After the read, not in its snapshot: the read writes nothing (see access-log.ts).
  await logAccessCommitted(ctx.db, principal, [caseRef], "timeline");
  const timeline = buildTimeline({ caseRef, agencyCode: me, events: read.events, ownSteps: read.ownSteps, caseRow: read.caseRow, personalData: seesPersonalData(principal), verify });
  // Stops and corrections concern the whole case, not only this page.
  const bits = foldStops(read.lastStop ? [read.lastStop] : []);
  timeline.openStops = { bits, reasons: stopReasonLabels(bits) };
  const correctedBy = new Map<string, string[]>();
  for (const c of read.corrections) correctedBy.set(c.detail, [...(correctedBy.get(c.detail) ?? []), c.eventId]);
  for (const step of timeline.steps) {
    const by = correctedBy.get(step.ledgerEventId);
    if (by) step.correctedBy = by;
  }
  return {
    ...timeline,
    page: { limit: page.limit, totalSteps: read.totalSteps, nextCursor: read.last ? `${read.last.blockNumber}-${read.last.logIndex}` : null },
  };
}

export async function caseAlertsOf(ctx: ServiceContext, principal: Principal, caseRef: string): Promise<CaseAlerts> {
  // The chain is asked first, outside the database transaction (no lock held during a network call).
  let live: number | undefined;
  try {
    live = await withTimeout(ctx.chain.openStops(caseRef), OPEN_STOPS_TIMEOUT_MS, "open stops");
  } catch {
    live = undefined;
  }
  const events = await serialized(ctx.db, async (tx) => {
    const evs = await caseEvents(tx, caseRef);
    const known = evs.length > 0 || (await tx.case.findUnique({ where: { caseRef }, select: { id: true } })) !== null;
    if (known) await logAccess(tx, principal, [caseRef], "alerts");
    return known ? evs : undefined;
  });
  if (!events) throw unknownCase();
  return caseAlerts(caseRef, events, live);
}
