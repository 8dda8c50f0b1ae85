// GET /api/cases/{caseRef}/timeline: the case's history from the chain mirror, merged with this agency's
// off-chain records. Person data only for clerks; every read is written to the access log.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { CaseParams, Timeline } from "../../../shared/contract";
import { caseEvents } from "../../reads/ledger-events";
import { buildTimeline } from "../../reads/timeline";
import { logAccess } from "../access-log";
import { seesPersonalData } from "../../auth/roles";
import { notFound } from "../problem";
import { serialized } from "../../store/serialized";

export function timelineRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/cases/:caseRef/timeline",
      operationId: "getTimeline",
      tag: "Fälle / Cases",
      summary: "Verlauf eines Falls / Timeline of a case",
      description:
        "Alle Schritte beider Behörden aus dem Ledger in Reihenfolge, eigene Schritte mit Fachdaten und Prüfvermerk `verified`, Schritte der Partnerbehörde nur so, wie die Kette sie zeigt, dazu eigene noch nicht bestätigte Schritte. Personendaten nur für die Sachbearbeitung. Jeder Abruf wird protokolliert. / All steps of both agencies in ledger order; person data for clerks only; every read is logged.",
      access: { roles: ["clerk", "auditor"] },
      params: CaseParams,
      responses: { 200: { description: "Verlauf / timeline", schema: Timeline }, 404: { description: "Fall unbekannt / unknown case" } },
      handler: async ({ params, principal }) => {
        const { caseRef } = params;
        const { events, ownSteps, caseRow } = await serialized(ctx.db, async (tx) => {
          const read = {
            events: await caseEvents(tx, caseRef),
            ownSteps: await tx.step.findMany({ where: { caseRef } }),
            caseRow: await tx.case.findUnique({ where: { caseRef } }),
          };
          if (read.events.length || read.ownSteps.length || read.caseRow) await logAccess(tx, principal, [caseRef], "timeline");
          return read;
        });
        if (!events.length && !ownSteps.length && !caseRow)
          throw notFound("Fall weder hier angelegt noch aus dem Ledger bekannt / Case neither registered here nor known from the ledger");
        return buildTimeline({ caseRef, agencyCode: ctx.config.agencyCode, events, ownSteps, caseRow, personalData: seesPersonalData(principal) });
      },
    }),
  ];
}
