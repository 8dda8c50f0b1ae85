// How far a recorded step has got (queued, submitted, confirmed, failed): the row the writer wrote, as the
// outbox has moved it on since.
import type { ServiceContext } from "../context";
import { eventIdOf } from "../../shared/ledger-codec";
import { stepLabel } from "../../shared/vocab";

export interface StepStatus {
  eventId: string;
  ledgerEventId: string;
  caseRef: string;
  step: { code: number; key: string };
  state: string;
  failureReason: string | null;
  txHash: string | null;
  blockNumber: number | null;
  createdAt: string;
  submittedAt: string | null;
  confirmedAt: string | null;
}

/** The status of the step with this event id (any case), or undefined when there is none. */
export async function stepStatus(ctx: ServiceContext, eventId: string): Promise<StepStatus | undefined> {
  const s = await ctx.db.step.findUnique({ where: { eventId: eventId.toLowerCase() } });
  if (!s) return undefined;
  const label = stepLabel(s.stepCode);
  return {
    eventId: s.eventId,
    ledgerEventId: eventIdOf(ctx.config.agencyCode, s.id).toString(),
    caseRef: s.caseRef,
    step: { code: label.code, key: label.key },
    state: s.state,
    failureReason: s.failureReason,
    txHash: s.txHash,
    blockNumber: s.blockNumber,
    createdAt: s.createdAt.toISOString(),
    submittedAt: s.submittedAt?.toISOString() ?? null,
    confirmedAt: s.confirmedAt?.toISOString() ?? null,
  };
}
