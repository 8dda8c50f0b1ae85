// The CSV exports an agency files or opens in a spreadsheet: the cases list (with the list's search and
// filters, all pages) and the dashboard figures. Server-side, so a specialist application gets the same
// file with its token, the access log records the cases exported, and the auditor's file holds no personal
// data because the list it comes from holds none.
import type { z } from "zod";
import type { ListCasesQuery, Stats } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { Principal } from "../auth/roles";
import { seesPersonalData } from "../auth/roles";
import { allCases } from "./cases";
import { toCsv, type Cell } from "./csv";
import { stepLabel } from "../../shared/vocab";

type Lang = "de" | "en";

const PHASE = ["–", "I", "II", "III"];

const WORDS = {
  de: {
    cases: ["Aktenzeichen", "Name", "Fallreferenz", "bei dieser Behörde erfasst", "Phase", "Letzter Schritt", "Letzte Aktivität (UTC)", "Offene Stopps"],
    yes: "ja",
    no: "nein (bei einer anderen Mitgliedsbehörde erfasst)",
    stats: ["Kennzahl", "Tag, Phase oder Schritte", "Anzahl", "Median (Stunden)", "90. Perzentil (Stunden)"],
    perPhase: "Fälle je Phase",
    perDay: "Schritte je Tag",
    times: "Bearbeitungszeit",
    period: "Zeitraum",
  },
  en: {
    cases: ["File number", "Name", "Case reference", "Registered with this agency", "Phase", "Latest step", "Latest activity (UTC)", "Open stops"],
    yes: "yes",
    no: "no (registered by another member agency)",
    stats: ["Figure", "Day, phase or steps", "Count", "Median (hours)", "90th percentile (hours)"],
    perPhase: "Cases per phase",
    perDay: "Steps per day",
    times: "Processing time",
    period: "Period",
  },
} as const;

export async function casesCsv(ctx: ServiceContext, principal: Principal, query: z.output<typeof ListCasesQuery>, lang: Lang): Promise<string> {
  const w = WORDS[lang];
  const rows = await allCases(ctx, principal, query);
  const personal = seesPersonalData(principal);
  const header = personal ? w.cases : w.cases.slice(2);
  return toCsv(
    header,
    rows.map((c): Cell[] => [
      ...(personal ? [c.fileNumber ?? "", c.name ?? ""] : []),
      c.caseRef,
      c.held ? w.yes : w.no,
      PHASE[c.phase] ?? String(c.phase),
      c.lastStep ? stepLabel(c.lastStep.code)[lang] : "",
      c.lastActivity ?? "",
      c.openStops.reasons.map((r) => r[lang]).join(", "),
    ]),
  );
}

const hours = (s: number | null) => (s === null ? null : Math.round((s / 3600) * 100) / 100);

/** The figures as CSV: one column per member agency (steps per day) between the label and the count. */
export function statsCsv(stats: Stats, lang: Lang): string {
  const w = WORDS[lang];
  const none = stats.agencies.map((): Cell => null);
  const header = [w.stats[0], w.stats[1], ...stats.agencies, ...w.stats.slice(2)];
  const rows: Cell[][] = [[w.period, `${stats.from} – ${stats.to} (${stats.timeZone})`, ...none, null, null, null]];
  for (const p of stats.casesPerPhase) rows.push([w.perPhase, PHASE[p.phase] ?? String(p.phase), ...none, p.count, null, null]);
  for (const d of stats.stepsPerDay) rows.push([w.perDay, d.day, ...stats.agencies.map((a) => d.perAgency[a] ?? 0), d.total, null, null]);
  for (const t of stats.processingTimes) rows.push([w.times, `${t.from[lang]} → ${t.to[lang]}`, ...none, t.count, hours(t.medianSeconds), hours(t.p90Seconds)]);
  return toCsv(header, rows);
}
