// One case's timeline and alerts as the API answers them: read in one transaction, with the access log row
// (written only for a case that exists here or on the ledger, committed before the answer leaves), then
// shaped by timeline.ts and case-alerts.ts. A case neither registered here nor known from the ledger is not found.
import type { CaseAlerts } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { seesPersonalData, type Principal } from "../auth/roles";
import { readOnly, serialized } from "../store/serialized";
import { withTimeout } from "../util/timeout";
import { notFound } from "../problems";
import { caseEvents, foldStops, LEDGER_ORDER } from "./ledger-events";
import { buildTimeline, type Timeline } from "./timeline";
import { stepByKey } from "../../shared/codelists";
import { stopReasonLabels } from "../../shared/vocab";
import { eventIdOf, sequenceOfEventId } from "../../shared/ledger-codec";
import { caseAlerts } from "./case-alerts";
import { logAccess, logAccessCommitted } from "./access-log";

const OPEN_STOPS_TIMEOUT_MS = 2000;

const unknownCase = () => notFound("Fall weder hier angelegt noch aus dem Ledger bekannt / Case neither registered here nor known from the ledger");

/** Where a page starts: after this step (block number, log index); none for the first page. */
export interface TimelinePage {
  cursor?: { block: number; logIndex: number };
  limit: number;
}

const after = (c: { block: number; logIndex: number }) => ({ OR: [{ blockNumber: { gt: c.block } }, { blockNumber: c.block, logIndex: { gt: c.logIndex } }] });
const atOrAfter = (c: { blockNumber: number; logIndex: number }) => ({ OR: [{ blockNumber: { gt: c.blockNumber } }, { blockNumber: c.blockNumber, logIndex: { gte: c.logIndex } }] });
const before = (c: { blockNumber: number; logIndex: number }) => ({ OR: [{ blockNumber: { lt: c.blockNumber } }, { blockNumber: c.blockNumber, logIndex: { lt: c.logIndex } }] });
const CORRECTION = stepByKey("CORRECTION").code;

/**
 * One page of a case's timeline: `limit` steps after the cursor with the rule events they raised (which lie
 * between a step and the next one), the open stops and corrections of the whole case, this agency's records
 * of the steps on the page and its steps the chain does not show yet. A long case costs one page, not all.
 */
export async function caseTimeline(ctx: ServiceContext, principal: Principal, caseRef: string, page: TimelinePage = { limit: 50 }): Promise<Timeline> {
  const me = ctx.config.agencyCode;
  const read = await readOnly(ctx.db, async (tx) => {
    const steps = await tx.ledgerEvent.findMany({
      where: { caseRef, name: "StepRecorded", ...(page.cursor ? after(page.cursor) : {}) },
      orderBy: LEDGER_ORDER,
      take: page.limit + 1,
      select: { blockNumber: true, logIndex: true },
    });
    // The page holds its steps and the rule events up to the next page's first step.
    const next = steps.length > page.limit ? steps[page.limit] : undefined;
    const last = next ? steps[page.limit - 1] : undefined;
    // The plain block bounds repeat what the OR conditions say, so that the index on (caseRef, blockNumber,
    // logIndex) reads only the page's range, not the whole case.
    const from = page.cursor ? (steps[0] ?? { blockNumber: Number.MAX_SAFE_INTEGER, logIndex: 0 }) : undefined;
    const range = [
      ...(from ? [{ blockNumber: { gte: from.blockNumber } }, atOrAfter(from)] : []),
      ...(next ? [{ blockNumber: { lte: next.blockNumber } }, before(next)] : []),
    ];
    const [events, stopEvents, corrections, totalSteps, caseRow, checkpoint] = await Promise.all([
      tx.ledgerEvent.findMany({ where: { caseRef, AND: range }, orderBy: LEDGER_ORDER }),
      // the open stops follow from the last stop events alone (openStopBits)
      tx.ledgerEvent.findMany({
        where: { caseRef, name: { in: ["StopChanged", "StopIgnored"] } },
        orderBy: [{ blockNumber: "desc" }, { logIndex: "desc" }, { id: "desc" }],
        take: 4,
        select: { name: true, stopReasons: true },
      }),
      tx.ledgerEvent.findMany({ where: { caseRef, name: "StepRecorded", stepCode: CORRECTION }, orderBy: LEDGER_ORDER, select: { eventId: true, detail: true } }),
      tx.ledgerEvent.count({ where: { caseRef, name: "StepRecorded" } }),
      tx.case.findUnique({ where: { caseRef } }),
      tx.listenerCheckpoint.findUnique({ where: { id: 1 } }),
    ]);
    // Own steps the mirror may not hold yet: not confirmed, or confirmed in a block the listener has not
    // stored; of those, the ones the mirror does hold are not pending. (Not every own step of a long case.)
    const maybePending = await tx.step.findMany({
      where: {
        caseRef,
        OR: [
          { state: { not: "confirmed" } },
          { blockNumber: null },
          ...(checkpoint ? [{ blockNumber: { gt: checkpoint.blockNumber } }, { blockNumber: checkpoint.blockNumber, logIndex: { gt: checkpoint.logIndex } }] : [{ state: "confirmed" }]),
        ],
      },
      select: { id: true },
    });
    const mirrored = maybePending.length
      ? await tx.ledgerEvent.findMany({ where: { caseRef, name: "StepRecorded", eventId: { in: maybePending.map((p) => eventIdOf(me, p.id).toString()) } }, select: { eventId: true } })
      : [];
    const onChain = new Set(mirrored.map((e) => Number(sequenceOfEventId(BigInt(e.eventId!)))));
    const notYet = maybePending.map((p) => p.id).filter((id) => !onChain.has(id));
    const onPage = events.filter((e) => e.name === "StepRecorded" && e.agency === me && e.eventId).map((e) => Number(sequenceOfEventId(BigInt(e.eventId!))));
    const ownSteps = onPage.length + notYet.length ? await tx.step.findMany({ where: { caseRef, id: { in: [...onPage, ...notYet] } } }) : [];
    const known = totalSteps > 0 || events.length > 0 || ownSteps.length > 0 || caseRow !== null || (await tx.step.count({ where: { caseRef } })) > 0;
    return { known, events, stopEvents, corrections, totalSteps, ownSteps, caseRow, last };
  });
  if (!read.known) throw unknownCase();
  // After the read, not in its transaction: the read then commits without a disk sync (see access-log.ts).
  await logAccessCommitted(ctx.db, principal, [caseRef], "timeline");
  const timeline = buildTimeline({ caseRef, agencyCode: me, events: read.events, ownSteps: read.ownSteps, caseRow: read.caseRow, personalData: seesPersonalData(principal) });
  // Stops and corrections concern the whole case, not only this page.
  const bits = foldStops([...read.stopEvents].reverse());
  timeline.openStops = { bits, reasons: stopReasonLabels(bits) };
  const correctedBy = new Map<string, string[]>();
  for (const c of read.corrections) if (c.detail && c.eventId) correctedBy.set(c.detail, [...(correctedBy.get(c.detail) ?? []), c.eventId]);
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
