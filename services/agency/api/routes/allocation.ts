// GET /api/allocation/proposals (central authorities): the cases whose allocation to a district is due,
// each with the proposed district and the standing of every district (quota vs allocated) that explains
// the proposal. The clerk confirms or overrides by recording MUNICIPAL_ALLOCATION with the chosen district.
// GET /api/allocation/received (district authorities): the cases allocated to the district, arrivals due
// and overdue first.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { AllocationProposals, AllocationProposalsQuery, ReceivedAllocations, ReceivedAllocationsQuery } from "../../../shared/contract";
import { allocationProposals } from "../../reads/allocation";
import { receivedAllocations } from "../../reads/district-allocations";

export function allocationRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/allocation/proposals",
      operationId: "listAllocationProposals",
      tag: TAG.allocation,
      summary: "Zuweisungsvorschläge (zentrale Ausländerbehörde) / Allocation proposals (central authority)",
      description:
        "Fälle mit fälliger Zuweisung (AllocationDue ohne spätere MUNICIPAL_ALLOCATION) und der vorgeschlagene Kreis: der Kreis, der am weitesten hinter seinem Soll liegt (Soll = Bevölkerungsanteil laut Verteilschlüssel × (Zuweisungen bisher + 1)). Bestätigen oder abweichen: MUNICIPAL_ALLOCATION mit dem gewählten Kreisschlüssel erfassen. / Due cases with the district lagging furthest behind its quota.",
      access: { ...ACCESS.caseReaders, agencyTypes: ["CENTRAL_AUTHORITY"] },
      query: AllocationProposalsQuery,
      responses: { 200: { description: "Vorschläge / proposals", schema: AllocationProposals } },
      handler: async ({ query, principal }) => allocationProposals(ctx, principal, query),
    }),
    defineRoute({
      method: "GET",
      url: "/api/allocation/received",
      operationId: "listReceivedAllocations",
      tag: TAG.allocation,
      summary: "Zuweisungen an den eigenen Kreis (untere Ausländerbehörde) / Allocations to this district (district authority)",
      description:
        "Fälle, deren letzte MUNICIPAL_ALLOCATION den Kreis dieser Behörde nennt, mit ihrem Stand: Ankunft fällig, überfällig (zugewiesen vor mehr als arrivalOverdueDays Tagen ohne ARRIVED_REGISTERED oder NOT_ARRIVED), Zuweisung bestätigt, angekommen, nicht angekommen. Überfällige zuerst; jeder gezeigte Fall wird protokolliert. / Cases whose latest allocation names this district and where each stands, overdue arrivals first.",
      access: { ...ACCESS.caseReaders, agencyTypes: ["DISTRICT_AUTHORITY"] },
      query: ReceivedAllocationsQuery,
      responses: { 200: { description: "Zuweisungen / allocations", schema: ReceivedAllocations } },
      handler: async ({ query, principal }) => receivedAllocations(ctx, principal, query),
    }),
  ];
}
