// GET /api/deadlines: this agency's open deadlines (hearing dates, appeal periods, planned repatriation
// dates), soonest first, overdue ones marked.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { DeadlineList, DeadlinesQuery } from "../../../shared/contract";
import { openDeadlines } from "../../deadlines/open-deadlines";

export function deadlineRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/deadlines",
      operationId: "listDeadlines",
      tag: TAG.cases,
      summary: "Fristen und Überschreitungen / Deadlines and overdue cases",
      description:
        "Offene Fristen aus dem Spiegel der Kette: Anhörungstermin ohne Anhörung (BAMF), Klagefrist nach Zustellung ohne Klage oder Rechtskraft (beide), geplante Rückführung ohne Vollzug, Absage oder freiwillige Ausreise (ZAB), Ankunft nach Zuweisung an den eigenen Kreis ohne ARRIVED_REGISTERED oder NOT_ARRIVED (untere Ausländerbehörde: fällig, überfällig nach arrivalOverdueDays). Früheste zuerst; jeder gezeigte Fall wird protokolliert. / Open deadlines from the chain mirror by agency type (district authorities: arrivals due and overdue), soonest first; every case shown is logged.",
      access: ACCESS.caseReaders,
      query: DeadlinesQuery,
      responses: { 200: { description: "Fristen / deadlines", schema: DeadlineList } },
      handler: async ({ query, principal }) => openDeadlines(ctx, principal, query),
    }),
  ];
}
