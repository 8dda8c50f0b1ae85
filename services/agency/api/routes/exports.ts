// CSV exports: the cases list (search and filters as GET /api/cases, every page) and the dashboard figures.
// UTF-8 with a byte order mark and semicolons, so a German Excel opens them by double-click.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { CasesExportQuery, StatsExportQuery } from "../../../shared/contract";
import { casesCsv, statsCsv } from "../../reads/exports";
import { CSV_CONTENT_TYPE } from "../../reads/csv";
import { statsForPeriod } from "../../reads/stats";

export function exportRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/exports/cases.csv",
      operationId: "exportCasesCsv",
      tag: TAG.cases,
      summary: "Fallliste als CSV / Cases list as CSV",
      description:
        "Alle Fälle, die Suche und Filter treffen (wie GET /api/cases, ohne Seiten), als CSV (UTF-8 mit BOM, Semikolon). Aktenzeichen und Name nur für die Sachbearbeitung; jeder exportierte Fall wird protokolliert. / Every matching case as CSV (UTF-8 with BOM, semicolons); file numbers and names for clerks only; every case exported is logged.",
      access: ACCESS.caseReaders,
      query: CasesExportQuery,
      responses: { 200: { description: "CSV", contentType: CSV_CONTENT_TYPE } },
      handler: async ({ query, principal, reply }) => {
        const { lang, ...filters } = query;
        const csv = await casesCsv(ctx, principal, { ...filters, limit: 1_000_000, offset: 0 }, lang);
        return reply.type(CSV_CONTENT_TYPE).header("content-disposition", `attachment; filename="${lang === "de" ? "faelle" : "cases"}.csv"`).send(csv);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/exports/stats.csv",
      operationId: "exportStatsCsv",
      tag: TAG.webApp,
      summary: "Kennzahlen als CSV / Dashboard figures as CSV",
      description: "Die Kennzahlen von GET /api/stats für denselben Zeitraum als CSV (UTF-8 mit BOM, Semikolon). Nur Anzahlen. / The figures of GET /api/stats as CSV; counts only.",
      access: ACCESS.anyRole,
      query: StatsExportQuery,
      responses: { 200: { description: "CSV", contentType: CSV_CONTENT_TYPE } },
      handler: async ({ query, reply }) => {
        const { lang, ...period } = query;
        const stats = await statsForPeriod(ctx.db, period, Date.now() / 1000);
        return reply.type(CSV_CONTENT_TYPE).header("content-disposition", `attachment; filename="${lang === "de" ? "kennzahlen" : "figures"}-${stats.from}-${stats.to}.csv"`).send(statsCsv(stats, lang));
      },
    }),
  ];
}
