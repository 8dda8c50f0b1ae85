// GET /api/stats: the dashboard's counts for a period (default the last 30 days, at most 731).
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { Stats, StatsQuery } from "../../../shared/contract";
import { statsForPeriod } from "../../reads/stats";

export function statsRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/stats",
      operationId: "getStats",
      tag: TAG.webApp,
      summary: "Kennzahlen: nur Anzahlen / Dashboard figures: counts only",
      description:
        "Aus dem Spiegel der Kette (LedgerEvent), Tage in Europe/Berlin: Fälle je Phase (Fälle mit einem Schritt im Zeitraum, Phase am Ende des Zeitraums), Schritte je Tag und Behörde, Zeiten zwischen Schlüsselschritten (Median, 90. Perzentil; der zweite Schritt im Zeitraum). Keine Fallreferenzen, keine Personendaten. Standard: die letzten 30 Tage; höchstens 731 Tage. / From the chain mirror; counts only.",
      access: ACCESS.anyRole,
      query: StatsQuery,
      responses: { 200: { description: "Kennzahlen / figures", schema: Stats } },
      handler: async ({ query }) => statsForPeriod(ctx.db, query, Date.now() / 1000),
    }),
  ];
}
