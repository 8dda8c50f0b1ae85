// "District authorities write only for their own people": an agency whose type is allocation-scoped
// (code lists agencyTypes[].allocationScoped, stored on chain with the type's rights) may record a step
// only for a case whose current allocation (its latest MUNICIPAL_ALLOCATION) names the agency's scope.
// The chain enforces it (NotAllocatedToDistrict); the service refuses such a step before it is queued,
// with the same problem the chain's error is mapped to (steps/step-status.ts).
import type { ServiceContext } from "../context";
import { ProblemError } from "../problems";
import { CODE_LISTS, stepByKey } from "../../shared/codelists";
import { isAllocationScoped } from "../directory/identity";
import { withTimeout } from "../util/timeout";

const MUNICIPAL_ALLOCATION = stepByKey("MUNICIPAL_ALLOCATION").code;
const READ_TIMEOUT_MS = 1500;

function districtName(code: number): string {
  return CODE_LISTS.distributionKey.districts.find((d) => d.code === code)?.de ?? String(code);
}

/**
 * The problem for a step of a district authority on a case not allocated to its district; `allocatedTo` is
 * the district the case is allocated to (0: none), undefined where unknown (the chain's error names only
 * the sender's district).
 */
export function notAllocatedProblem(scope: number, allocatedTo: number | undefined, field = "caseRef"): ProblemError {
  const mine = `${districtName(scope)} (${scope})`;
  const where = allocatedTo ? `${districtName(allocatedTo)} (${allocatedTo})` : "";
  const de = allocatedTo === undefined ? "ist nicht zugewiesen" : allocatedTo ? `ist ${where} zugewiesen` : "ist keinem Kreis zugewiesen";
  const en = allocatedTo === undefined ? "is not allocated" : allocatedTo ? `is allocated to ${where}` : "is not allocated to any district";
  return new ProblemError(
    "not-allocated-to-district",
    `Regel: eine untere Ausländerbehörde erfasst Schritte nur für Personen, deren letzte kommunale Zuweisung ihren Kreis nennt. Die Person ${de}, nicht ${mine}. / Rule: a district immigration authority records steps only for cases whose latest municipal allocation (MUNICIPAL_ALLOCATION) names its district. The case ${en}, not ${mine}`,
    [{ field, message: `Nicht ${mine} zugewiesen / Not allocated to ${mine}` }],
    { rule: "NotAllocatedToDistrict", district: scope, ...(allocatedTo !== undefined ? { allocatedTo } : {}) },
  );
}

/** The district the case is allocated to: the chain's view, or the mirror's when the chain does not answer. */
async function allocatedTo(ctx: ServiceContext, caseRef: string): Promise<number> {
  if (ctx.membership) {
    try {
      return await withTimeout(ctx.membership.allocatedTo(caseRef), READ_TIMEOUT_MS, "allocatedTo");
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message.split("\n")[0] }, "allocation not readable from the chain; checking the mirror");
    }
  }
  const last = await ctx.db.ledgerEvent.findFirst({
    where: { caseRef, name: "StepRecorded", stepCode: MUNICIPAL_ALLOCATION },
    orderBy: [{ blockNumber: "desc" }, { logIndex: "desc" }],
    select: { detail: true },
  });
  return last?.detail ? Number(last.detail) : 0;
}

/** Throws not-allocated-to-district when this agency writes only for its district and the case is not allocated there. */
export async function assertAllocatedHere(ctx: ServiceContext, caseRef: string, field?: string): Promise<void> {
  if (!isAllocationScoped(ctx.config)) return;
  const district = await allocatedTo(ctx, caseRef);
  if (district !== ctx.config.agencyScope) throw notAllocatedProblem(ctx.config.agencyScope, district, field);
}
