// Runs the audit CLI (services/audit/cli.ts) as the auditor would, in its own process.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditReport } from "../../../services/audit/report";
import { B, Z } from "./scenario";
import type { LedgerWriter } from "./writer";

const CLI = join(__dirname, "..", "..", "..", "services", "audit", "cli.ts");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  out: string;
  report?: AuditReport;
  html?: string;
}

export function runCli(args: string[], opts: { out?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const out = opts.out ?? mkdtempSync(join(tmpdir(), "anker-audit-out-"));
  return new Promise((resolve) => {
    execFile(process.execPath, ["--require", require.resolve("tsx/cjs"), CLI, ...args, "--out", out, "--quiet"], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: "0", ...opts.env } }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 99) : 0;
      const reportFile = join(out, "report.json");
      const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, "utf8")) as AuditReport) : undefined;
      const htmlFile = join(out, "report.html");
      const html = existsSync(htmlFile) ? readFileSync(htmlFile, "utf8") : undefined;
      resolve({ code: typeof code === "number" ? code : 99, stdout, stderr, out, report, html });
    });
  });
}

export const kindsOf = (r: CliRun): string[] => (r.report?.findings ?? []).map((f) => f.kind);

/**
 * The CLI's arguments for auditing `chain` with both agencies' exports as `w` recorded them (written to
 * files in `dir`), without asking the agencies: add --rpc.
 */
export function exportArgs(dir: string, deploymentFile: string, w: LedgerWriter): string[] {
  const files = [B, Z].map((a) => {
    const file = join(dir, `export-${a}.json`);
    writeFileSync(file, JSON.stringify({ lines: w.exportLines(a) }));
    return file;
  });
  return ["--deployment", deploymentFile, "--no-agencies", "--export", `BAMF=${files[0]}`, "--export", `ZAB=${files[1]}`];
}
