// GET /api/cases/{caseRef}/timeline: the case's history from the chain mirror, merged with this agency's
// off-chain records. Person data only for clerks; every read is written to the access log.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS, UNKNOWN_CASE } from "../route-parts";
import { CaseParams, Timeline, TimelineQuery } from "../../../shared/contract";
import { caseTimeline } from "../../reads/case-views";

export function timelineRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/cases/:caseRef/timeline",
      operationId: "getTimeline",
      tag: TAG.cases,
      summary: "Verlauf eines Falls / Timeline of a case",
      description:
        "Alle Schritte aller Mitgliedsbehörden aus dem Ledger in Reihenfolge, eigene Schritte mit Fachdaten und Prüfvermerk `verified`, Schritte der anderen Mitgliedsbehörden nur so, wie die Kette sie zeigt, dazu eigene noch nicht bestätigte Schritte. Personendaten nur für die Sachbearbeitung. Jeder Abruf wird protokolliert. Seitenweise: `limit` Schritte (Standard 50), die nächste Seite mit `cursor` = `page.nextCursor`; offene Stopps und Berichtigungen gelten für den ganzen Fall. / All steps of every member agency in ledger order, one page of `limit` steps at a time (next page: `cursor` = `page.nextCursor`); person data for clerks only; every read is logged.",
      access: ACCESS.caseReaders,
      params: CaseParams,
      query: TimelineQuery,
      responses: { 200: { description: "Verlauf / timeline", schema: Timeline }, 404: UNKNOWN_CASE },
      handler: async ({ params, query, principal }) => caseTimeline(ctx, principal, params.caseRef, query),
    }),
  ];
}
