// The audit report (report.json): machine-readable, no personal data (pseudonymous case references,
// codes, hashes and counts only). Pure.
import type { CheckpointVerdict } from "./checkpoints";
import type { CommitmentCounts } from "./commitments";
import type { ConsensusSummary } from "./consensus/chain-consensus";
import type { Compliance, Stats } from "./compliance";
import type { InternalCounts } from "./internal";
import { SEVERITIES, type CheckId, type CheckResult, type Finding, type FindingSink, type Severity } from "./types";

export const REPORT_FORMAT = "anker-audit-report-v1";

export interface AuditReport {
  format: typeof REPORT_FORMAT;
  generatedAt: string;
  verdict: "clean" | "findings";
  summary: Record<Severity, number> & { findings: number; suppressed: number };
  scope: {
    chainId: number;
    rpcUrl: string;
    ledger: string;
    deploymentBlock: number;
    fromBlock: number;
    toBlock: number;
    headHash?: string;
    headTime?: string;
    headersChecked: number;
    logsChecked: number;
    events: number;
    steps: number;
    cases: number;
  };
  contracts: {
    ProcedureLedger: { address: string; onChainCodeHash: string; artifactCodeHash: string; deploymentCodeHash: string; codeEqualsArtifact: boolean; artifact: string };
  };
  /** the chain's consensus and the finality verdict (absent: the audit was not told and did not detect it) */
  consensus?: ConsensusSummary;
  codeList: {
    onChain: { hash: string; version: string };
    local: { hash: string; version: string };
    matches: boolean;
    /** the chain's version where it is an earlier one this build knows */
    knownVersion?: string;
    /** every version the chain put in force, oldest first, with the steps recorded under it */
    history: { version: string; hash: string; block: number; known: boolean; rightsMatch?: boolean; steps: number }[];
  };
  /** the step rights per agency type on chain at the audited head */
  typeRights: { agencyType: number; typeKey: string; steps: string[]; allocationScoped: boolean }[];
  /** every member agency the chain registered, with its accounts: who was a member when */
  agencies: AgencyEntry[];
  members: { account: string; agency: string; sinceBlock: number; active: boolean }[];
  checks: CheckResult[];
  findings: Finding[];
  suppressedFindings: Record<string, number>;
  commitments?: Record<string, CommitmentCounts>;
  internal?: { source: string; agency: string; counts: InternalCounts };
  checkpoints: CheckpointVerdict[];
  compliance: Compliance;
  stats: Stats;
  inputs: {
    exports: { agency: string; source: string; lines: number }[];
    checkpoints: { agency?: string; source: string; count: number }[];
    db?: string;
  };
  proof?: { ledgerEventId: string; file: string; root: string; uptoBlock: number };
  timing: { seconds: number; eventsPerSecond: number };
}

export interface AgencyEntry {
  agency: number;
  /** the label the report uses for it (its key where the audit knows one, else AGENCY_<number>) */
  label: string;
  agencyType: number;
  typeKey: string;
  /** Land key, or the district key (AGS) of a district authority */
  scope: number;
  name: string;
  joinedBlock: number;
  /** whether it had a member account at the audited head */
  memberAtHead: boolean;
  steps: number;
  accounts: { account: string; fromBlock: number; toBlock: number | null }[];
}

/** The membership history as text lines (CLI summary): one per agency, its accounts with their blocks. */
export function agencyLines(agencies: AgencyEntry[]): string[] {
  return agencies.map(
    (a) =>
      `agency ${a.agency} ${a.label}: ${a.name || "(no name)"}, ${a.typeKey}, scope ${a.scope}, joined at block ${a.joinedBlock}, ${a.steps} steps; ` +
      (a.accounts.map((x) => `${x.account} from block ${x.fromBlock}${x.toBlock === null ? "" : ` to block ${x.toBlock}`}`).join(", ") || "no accounts") +
      (a.memberAtHead ? "" : " (no member at the audited head)"),
  );
}

const RANK: Record<Severity, number> = { critical: 0, error: 1, warning: 2 };

export function sortFindings(fs: Finding[]): Finding[] {
  return [...fs].sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.check.localeCompare(b.check) || (a.blockNumber ?? 0) - (b.blockNumber ?? 0));
}

export function summarize(sink: FindingSink): AuditReport["summary"] {
  const s = { critical: 0, error: 0, warning: 0, findings: 0, suppressed: 0 };
  for (const f of sink.findings) s[f.severity]++;
  s.suppressed = [...sink.suppressed.values()].reduce((a, b) => a + b, 0);
  s.findings = sink.findings.length + s.suppressed;
  return s;
}

/** The status of a check from the findings it produced (or skipped when it did not run). */
export function checkResult(sink: FindingSink, id: CheckId, title: string, summary: string, opts: { skipped?: boolean; counts?: Record<string, number> } = {}): CheckResult {
  const n = sink.findings.filter((f) => f.check === id).length;
  return { id, title, status: opts.skipped ? "skipped" : n > 0 ? "fail" : "pass", summary, counts: opts.counts };
}

/** 0: clean; 1: findings. (2, "could not run", is decided by the CLI.) */
export function exitCodeOf(report: Pick<AuditReport, "summary">): 0 | 1 {
  return report.summary.findings > 0 ? 1 : 0;
}

export function severityCounts(fs: Finding[]): Record<Severity, number> {
  const c = { critical: 0, error: 0, warning: 0 } as Record<Severity, number>;
  for (const s of SEVERITIES) c[s] = fs.filter((f) => f.severity === s).length;
  return c;
}

/** JSON with bigints as decimal strings. */
export function reportJson(report: AuditReport): string {
  return JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
}
