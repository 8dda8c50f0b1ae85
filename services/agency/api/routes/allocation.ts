// GET /api/allocation/proposals (ZAB only): the cases whose allocation to a district is due, each with the
// proposed district and the standing of every district (quota vs allocated) that explains the proposal.
// The clerk confirms or overrides by recording MUNICIPAL_ALLOCATION with the chosen district code.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { LEDGER_ORDER } from "../../reads/ledger-events";
import { proposeInOrder } from "../../allocation/propose";
import { CODE_LISTS, stepByKey } from "../../../shared/codelists";
import { logAccess } from "../access-log";
import { AllocationProposals, AllocationProposalsQuery } from "../../../shared/contract";
import { serialized } from "../../store/serialized";

export function allocationRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  const ALLOCATION = stepByKey("MUNICIPAL_ALLOCATION").code;
  return [
    defineRoute({
      method: "GET",
      url: "/api/allocation/proposals",
      operationId: "listAllocationProposals",
      tag: "Zuweisung / Allocation",
      summary: "Zuweisungsvorschläge (nur ZAB) / Allocation proposals (ZAB only)",
      description:
        "Fälle mit fälliger Zuweisung (AllocationDue ohne spätere MUNICIPAL_ALLOCATION) und der vorgeschlagene Kreis: der Kreis, der am weitesten hinter seinem Soll liegt (Soll = Bevölkerungsanteil laut Verteilschlüssel × (Zuweisungen bisher + 1)). Bestätigen oder abweichen: MUNICIPAL_ALLOCATION mit dem gewählten Kreisschlüssel erfassen. / Due cases with the district lagging furthest behind its quota.",
      access: { roles: ["clerk", "auditor"], agencies: ["ZAB"] },
      query: AllocationProposalsQuery,
      responses: { 200: { description: "Vorschläge / proposals", schema: AllocationProposals } },
      handler: async ({ query, principal }) => {
        return serialized(ctx.db, async (tx) => {
          const due = await tx.ledgerEvent.findMany({ where: { name: "AllocationDue" }, orderBy: LEDGER_ORDER });
          const allocations = await tx.ledgerEvent.findMany({ where: { name: "StepRecorded", stepCode: ALLOCATION }, orderBy: LEDGER_ORDER });
          const ownPending = await tx.step.findMany({ where: { stepCode: ALLOCATION, state: { in: ["queued", "submitted"] } } });
          const counts = new Map<number, number>();
          const lastAllocation = new Map<string, [number, number]>();
          for (const a of allocations) {
            const code = Number(a.detail ?? 0);
            counts.set(code, (counts.get(code) ?? 0) + 1);
            lastAllocation.set(a.caseRef!, [a.blockNumber, a.logIndex]);
          }
          // Own allocations not yet mirrored count as made: the proposal must not pile onto them.
          const pendingCases = new Set<string>();
          for (const s of ownPending) {
            counts.set(Number(s.detail), (counts.get(Number(s.detail)) ?? 0) + 1);
            pendingCases.add(s.caseRef);
          }
          const open = new Map<string, (typeof due)[number]>();
          for (const d of due) {
            const last = lastAllocation.get(d.caseRef!);
            const allocatedAfter = last && (last[0] > d.blockNumber || (last[0] === d.blockNumber && last[1] > d.logIndex));
            if (allocatedAfter || pendingCases.has(d.caseRef!)) open.delete(d.caseRef!);
            else if (!open.has(d.caseRef!)) open.set(d.caseRef!, d);
          }
          const cases = [...open.values()].slice(0, query.limit);
          const districts = CODE_LISTS.distributionKey.districts.map((d) => ({ code: d.code, name: d.de, population: d.population }));
          const proposals = proposeInOrder(districts, counts, cases.length);
          await logAccess(
            tx,
            principal,
            cases.map((c) => c.caseRef!),
            "allocation-proposals",
          );
          return {
            distributionKey: { version: CODE_LISTS.distributionKey.version, source: CODE_LISTS.distributionKey.source },
            allocatedSoFar: [...counts.values()].reduce((s, n) => s + n, 0),
            proposals: cases.map((c, i) => ({
              caseRef: c.caseRef!,
              dueSince: { ledgerEventId: c.eventId, blockNumber: c.blockNumber, blockTime: new Date(c.blockTime * 1000).toISOString() },
              proposed: { code: proposals[i].district.code, name: proposals[i].district.name },
              explanation: proposals[i].explanation,
              districts: proposals[i].standings,
            })),
          };
        });
      },
    }),
  ];
}
