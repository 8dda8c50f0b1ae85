// GET /api/stats: the dashboard's counts for a period (default the last 30 days, at most 731).
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { Stats, StatsQuery } from "../../../shared/contract";
import { ProblemError } from "../problem";
import { MAX_PERIOD_DAYS, loadStats, statsPeriod } from "../../reads/stats";

export function statsRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/stats",
      operationId: "getStats",
      tag: "Web-Anwendung / Web app",
      summary: "Kennzahlen: nur Anzahlen / Dashboard figures: counts only",
      description:
        "Aus dem Spiegel der Kette (LedgerEvent), Tage in Europe/Berlin: Fälle je Phase (Fälle mit einem Schritt im Zeitraum, Phase am Ende des Zeitraums), Schritte je Tag und Behörde, Zeiten zwischen Schlüsselschritten (Median, 90. Perzentil; der zweite Schritt im Zeitraum). Keine Fallreferenzen, keine Personendaten. Standard: die letzten 30 Tage; höchstens 731 Tage. / From the chain mirror; counts only.",
      access: { roles: ["clerk", "auditor", "admin"] },
      query: StatsQuery,
      responses: { 200: { description: "Kennzahlen / figures", schema: Stats } },
      handler: async ({ query }) => {
        const { from, to } = statsPeriod(query, Date.now() / 1000);
        if (from > to) throw new ProblemError("invalid-input", "Beginn nach Ende / Start after end", [{ field: "from", message: "nach `to` / after `to`" }]);
        if (Date.parse(to) - Date.parse(from) > MAX_PERIOD_DAYS * 86400_000) {
          throw new ProblemError("invalid-input", `Zeitraum höchstens ${MAX_PERIOD_DAYS} Tage / Period at most ${MAX_PERIOD_DAYS} days`, [
            { field: "from", message: "Zeitraum zu lang / period too long" },
          ]);
        }
        return loadStats(ctx.db, from, to);
      },
    }),
  ];
}
