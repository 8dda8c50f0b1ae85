// GET /api/cases/{caseRef}/alerts: the open repatriation stops (live from the chain, else from the mirror),
// the history of stop changes, and the out-of-order alerts of a case.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS, UNKNOWN_CASE } from "../route-parts";
import { CaseAlerts, CaseParams } from "../../../shared/contract";
import { caseAlertsOf } from "../../reads/case-views";

export function alertRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/cases/:caseRef/alerts",
      operationId: "getCaseAlerts",
      tag: TAG.cases,
      summary: "Stopps und Warnungen eines Falls / Stops and alerts of a case",
      access: ACCESS.caseReaders,
      params: CaseParams,
      responses: {
        200: { description: "Stopps und Warnungen / stops and alerts", schema: CaseAlerts },
        404: UNKNOWN_CASE,
      },
      handler: async ({ params, principal }) => caseAlertsOf(ctx, principal, params.caseRef),
    }),
  ];
}
