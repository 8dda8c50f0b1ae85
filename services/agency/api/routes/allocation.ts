// GET /api/allocation/proposals (ZAB only): the cases whose allocation to a district is due, each with the
// proposed district and the standing of every district (quota vs allocated) that explains the proposal.
// The clerk confirms or overrides by recording MUNICIPAL_ALLOCATION with the chosen district code.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { AllocationProposals, AllocationProposalsQuery } from "../../../shared/contract";
import { allocationProposals } from "../../reads/allocation";

export function allocationRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/allocation/proposals",
      operationId: "listAllocationProposals",
      tag: TAG.allocation,
      summary: "Zuweisungsvorschläge (nur ZAB) / Allocation proposals (ZAB only)",
      description:
        "Fälle mit fälliger Zuweisung (AllocationDue ohne spätere MUNICIPAL_ALLOCATION) und der vorgeschlagene Kreis: der Kreis, der am weitesten hinter seinem Soll liegt (Soll = Bevölkerungsanteil laut Verteilschlüssel × (Zuweisungen bisher + 1)). Bestätigen oder abweichen: MUNICIPAL_ALLOCATION mit dem gewählten Kreisschlüssel erfassen. / Due cases with the district lagging furthest behind its quota.",
      access: { ...ACCESS.caseReaders, agencies: ["ZAB"] },
      query: AllocationProposalsQuery,
      responses: { 200: { description: "Vorschläge / proposals", schema: AllocationProposals } },
      handler: async ({ query, principal }) => allocationProposals(ctx, principal, query),
    }),
  ];
}
