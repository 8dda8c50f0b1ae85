// One case's timeline and alerts as the API answers them: read in one transaction together with the access
// log row (written only for a case that exists here or on the ledger), then shaped by timeline.ts and
// case-alerts.ts. A case neither registered here nor known from the ledger is not found.
import type { CaseAlerts } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { seesPersonalData, type Principal } from "../auth/roles";
import { serialized } from "../store/serialized";
import { withTimeout } from "../util/timeout";
import { notFound } from "../problems";
import { caseEvents } from "./ledger-events";
import { buildTimeline, type Timeline } from "./timeline";
import { caseAlerts } from "./case-alerts";
import { logAccess } from "./access-log";

const OPEN_STOPS_TIMEOUT_MS = 2000;

const unknownCase = () => notFound("Fall weder hier angelegt noch aus dem Ledger bekannt / Case neither registered here nor known from the ledger");

export async function caseTimeline(ctx: ServiceContext, principal: Principal, caseRef: string): Promise<Timeline> {
  const { events, ownSteps, caseRow } = await serialized(ctx.db, async (tx) => {
    const read = {
      events: await caseEvents(tx, caseRef),
      ownSteps: await tx.step.findMany({ where: { caseRef } }),
      caseRow: await tx.case.findUnique({ where: { caseRef } }),
    };
    if (read.events.length || read.ownSteps.length || read.caseRow) await logAccess(tx, principal, [caseRef], "timeline");
    return read;
  });
  if (!events.length && !ownSteps.length && !caseRow) throw unknownCase();
  return buildTimeline({ caseRef, agencyCode: ctx.config.agencyCode, events, ownSteps, caseRow, personalData: seesPersonalData(principal) });
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
