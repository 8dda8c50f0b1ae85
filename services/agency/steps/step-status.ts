// How far a recorded step has got (queued, submitted, confirmed, failed): the row the writer wrote, as the
// outbox has moved it on since.
import type { ServiceContext } from "../context";
import { eventIdOf } from "../../shared/ledger-codec";
import { stepLabel } from "../../shared/vocab";
import { notAllocatedProblem } from "./allocation-scope";
import { PROBLEMS, problemTypeUri, type ProblemBody } from "../../shared/contract/problem";

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
  /** a failure the API has a problem type for, in the same words as the refusal before sending */
  problem?: ProblemBody;
}

/** The chain's NotAllocatedToDistrict as the problem the service answers before sending (allocation-scope.ts). */
function problemFor(ctx: ServiceContext, reason: string | null): { problem: ProblemBody } | undefined {
  if (!reason?.startsWith("NotAllocatedToDistrict(")) return undefined;
  const district = /district=(\d+)/.exec(reason); // the sender's district, as the contract names it
  const p = notAllocatedProblem(district ? Number(district[1]) : ctx.config.agencyScope, undefined);
  return { problem: { type: problemTypeUri(p.kind), title: PROBLEMS[p.kind].title, status: p.status, detail: p.detail, ...(p.errors ? { errors: p.errors } : {}), ...p.extensions } };
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
    ...(problemFor(ctx, s.failureReason) ?? {}),
  };
}
