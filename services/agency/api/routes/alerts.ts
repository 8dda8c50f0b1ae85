// GET /api/cases/{caseRef}/alerts: the open repatriation stops (live from the chain, else from the mirror),
// the history of stop changes, and the out-of-order alerts of a case.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { CaseAlerts, CaseParams } from "../../../shared/contract";
import { caseEvents } from "../../reads/ledger-events";
import { caseAlerts } from "../../reads/case-alerts";
import { logAccess } from "../access-log";
import { notFound } from "../problem";
import { serialized } from "../../store/serialized";
import { withTimeout } from "../timeout";

export function alertRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/cases/:caseRef/alerts",
      operationId: "getCaseAlerts",
      tag: "Fälle / Cases",
      summary: "Stopps und Warnungen eines Falls / Stops and alerts of a case",
      access: { roles: ["clerk", "auditor"] },
      params: CaseParams,
      responses: {
        200: { description: "Stopps und Warnungen / stops and alerts", schema: CaseAlerts },
        404: { description: "Fall unbekannt / unknown case" },
      },
      handler: async ({ params, principal }) => {
        const { caseRef } = params;
        // The chain is asked first, outside the database transaction (no lock held during a network call).
        let live: number | undefined;
        try {
          live = await withTimeout(ctx.chain.openStops(caseRef), 2000, "open stops");
        } catch {
          live = undefined;
        }
        const events = await serialized(ctx.db, async (tx) => {
          const evs = await caseEvents(tx, caseRef);
          const known = evs.length > 0 || (await tx.case.findUnique({ where: { caseRef }, select: { id: true } })) !== null;
          if (known) await logAccess(tx, principal, [caseRef], "alerts");
          return known ? evs : undefined;
        });
        if (!events) throw notFound("Fall weder hier angelegt noch aus dem Ledger bekannt / Case neither registered here nor known from the ledger");
        return caseAlerts(caseRef, events, live);
      },
    }),
  ];
}
