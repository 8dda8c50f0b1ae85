// CSV exports (GET /api/exports/cases.csv, /api/exports/stats.csv): the cases list with its search and
// filters (every page), and the dashboard figures, as a file a German spreadsheet opens by double-click.
import { z } from "zod";
import { ListCasesQuery } from "./cases";
import { StatsQuery } from "./stats";

const Lang = z.enum(["de", "en"]).default("de").describe("Sprache der Spaltenköpfe / language of the column headings");

export const CasesExportQuery = ListCasesQuery.omit({ fileNumber: true, limit: true, offset: true }).extend({ lang: Lang });
export const StatsExportQuery = StatsQuery.extend({ lang: Lang });

export type CasesExportQuery = z.input<typeof CasesExportQuery>;
export type StatsExportQuery = z.input<typeof StatsExportQuery>;
