// The audit tool's latest report (services/audit writes <ANKER_DATA_DIR>/audit/report.json), read as it is.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ProblemError, notFound } from "../problems";

/** Where the audit tool writes its report: beside the agencies' folders in the state folder. */
export function auditReportFile(agencyDataDir: string): string {
  return join(resolve(agencyDataDir, ".."), "audit", "report.json");
}

export type ReportReading = { found: false } | { found: true; report: unknown } | { found: true; invalid: true };

/** The report, none yet, or a file that is not JSON (the audit tool may be writing it just now). */
export async function readAuditReport(file: string): Promise<ReportReading> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { found: false };
  }
  try {
    return { found: true, report: JSON.parse(text) as unknown };
  } catch {
    return { found: true, invalid: true };
  }
}

/** The latest report for GET /api/audit/report: refused as not found while there is none, and as an internal
 * problem while the file is not JSON. */
export async function latestAuditReport(agencyDataDir: string): Promise<unknown> {
  const r = await readAuditReport(auditReportFile(agencyDataDir));
  if (!r.found) throw notFound("Noch kein Prüfbericht vorhanden / No audit report yet");
  if ("invalid" in r) {
    throw new ProblemError("internal", "Der Prüfbericht ist kein gültiges JSON (wird er gerade geschrieben?) / The audit report is not valid JSON (being written?)");
  }
  return r.report;
}
