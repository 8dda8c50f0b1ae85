// Phase 3 of an audit: the report (and, on request, an inclusion proof) assembled from what was fetched
// and the verdicts of the verify phase. Decides nothing: a check passes or fails by the findings the
// verify phase collected. Pure, no I/O.
import type { Deployment } from "../../shared/deployment";
import { checkpointSummary, type CheckpointVerdict } from "../checkpoints";
import { proveEvent, type InclusionProof } from "../merkle";
import { agencyTypeByCode, type CodeLists } from "../../shared/codelists";
import { NEWEST_CODE_LIST } from "../code-list-versions";
import { agencyCodeOf, agencyName, stepName } from "../names";
import type { EventReplayer } from "../replay";
import { checkResult, sortFindings, summarize, REPORT_FORMAT, type AgencyEntry, type AuditReport } from "../report";
import { CannotRun } from "../rpc";
import type { Artifact } from "../source";
import type { StepRecorded } from "../events";
import type { AgencyExport, CheckpointSet } from "../types";
import type { Fetched } from "./fetch";
import type { Verified } from "./verify";

export interface ReportInputs {
  rpcUrl: string;
  deployment: Deployment;
  artifact: Artifact;
  exports?: AgencyExport[];
  dbSource?: string;
  allocationDays: number;
  /** when the report is made (ISO time) and how long the audit took */
  generatedAt: string;
  seconds: number;
}

export function buildReport(f: Fetched, v: Verified, inp: ReportInputs): AuditReport {
  const d = inp.deployment;
  const { engine, head, fromBlock } = f;
  const r = engine.replayer;
  const sink = engine.sink;
  const ledger = d.contracts.ProcedureLedger.address.toLowerCase();
  const sets = v.checkpointSets;
  // Co-signing: every agency whose checkpoints were given must have signed each height it was a member at.
  const signing = [...new Set(sets.flatMap((s) => (s.agency === undefined ? [] : [agencyName(s.agency)])))];
  const signers = signing.length ? signing : [...new Set(v.checkpoints.flatMap((c) => (c.valid && c.signerAgency ? [c.signerAgency] : [])))].sort();
  const memberAt = (label: string, block: number) => {
    const code = agencyCodeOf(label);
    return code === undefined || r.agencyMemberAt(code, block);
  };
  const cps = sets.length ? checkpointSummary(v.checkpoints, sets.map((s) => s.source), signers, head, memberAt) : undefined;
  const lists = [...r.codeListEpochs].reverse().find((e) => e.known)?.known?.lists ?? NEWEST_CODE_LIST.lists;
  const agencies = agencyEntries(r, v.stats.stepsByAgency, lists);
  const consensus = f.consensus?.summary();
  // The finality line goes into the chain check itself: on a development chain it says why there is none.
  const finality = consensus ? `; ${consensus.kind === "qbft" ? "hashed as Besu QBFT; " : ""}${consensus.finality.line}` : "";
  const checks = [
    checkResult(sink, "chain", "Block headers re-hashed and linked", `${engine.headers.headersChecked} headers, blocks ${fromBlock}–${head}, anchored at the deployment block ${d.block}${finality}`),
    checkResult(sink, "code", "Deployed code equals the audited build", `code at ${ledger} against ${inp.artifact.file.replace(/^.*artifacts\//, "artifacts/")}`),
    checkResult(sink, "events", "Events decoded, tied to their blocks, ids unique", `${engine.logsChecked} ledger events (${r.steps.length} steps), block hash and logs bloom of each`),
    checkResult(sink, "hashchains", "Per-case hash chains equal the on-chain heads", `${v.hashChains.compared} cases, caseHead() at block ${head}`),
    checkResult(
      sink,
      "rules",
      "Process rules replayed",
      `every step through the ported ProcedureRules under the membership and step rights in force at its block (${agencies.length} agencies, ${r.codeListEpochs.filter((e) => e.hash).length} code-list version${r.codeListEpochs.filter((e) => e.hash).length === 1 ? "" : "s"}); ${Object.values(r.ruleEventCounts).reduce((a, b) => a + b, 0)} rule events compared`,
    ),
    checkResult(sink, "commitments", "Commitments match the agencies' exports", inp.exports ? `${inp.exports.map((x) => `${agencyName(x.agency)}: ${x.lines.length} lines`).join(", ")}${withoutExport(agencies, inp.exports)}` : "no export given", {
      skipped: !inp.exports,
      counts: v.commitments ? Object.fromEntries(Object.entries(v.commitments).flatMap(([a, c]) => Object.entries(c).map(([k, n]) => [`${a}.${k}`, n]))) : undefined,
    }),
    checkResult(sink, "internal", "Agency database re-hashed (internal)", v.internal ? `${v.internal.counts.rows} Step rows of ${v.internal.agency} (${v.internal.source})` : "no database given (--db)", {
      skipped: !v.internal,
      counts: v.internal ? { ...v.internal.counts } : undefined,
    }),
    checkResult(sink, "checkpoints", "Signed checkpoints still hold", cps ? cps.text : "no checkpoints given", { skipped: sets.length === 0, counts: cps?.counts }),
    checkResult(
      sink,
      "compliance",
      "Compliance: stops, allocations and arrivals",
      `${v.compliance.ignoredStops.length} ignored stops, ${v.compliance.openStops.length} open stops, ${v.compliance.overdueAllocations.length} overdue allocations (limit ${inp.allocationDays} days); ${v.compliance.arrivals.overdue.length} allocations without arrival for more than ${v.compliance.arrivals.overdueDays} days, ${v.compliance.arrivals.awaiting} awaiting arrival (a rule observation, not a finding)`,
    ),
  ];
  const summary = summarize(sink);
  return {
    format: REPORT_FORMAT,
    generatedAt: inp.generatedAt,
    verdict: summary.findings === 0 ? "clean" : "findings",
    summary,
    scope: {
      chainId: f.chainId,
      rpcUrl: inp.rpcUrl,
      ledger: d.contracts.ProcedureLedger.address,
      deploymentBlock: d.block,
      fromBlock,
      toBlock: head,
      headHash: engine.headers.hashAt(head),
      headTime: new Date(v.headTime * 1000).toISOString(),
      headersChecked: engine.headers.headersChecked,
      logsChecked: engine.logsChecked,
      events: r.eventsSeen,
      steps: r.steps.length,
      cases: r.cases.size,
    },
    contracts: {
      ProcedureLedger: {
        address: d.contracts.ProcedureLedger.address,
        onChainCodeHash: v.code.onChainCodeHash,
        artifactCodeHash: v.code.artifactCodeHash,
        deploymentCodeHash: d.contracts.ProcedureLedger.codeHash,
        codeEqualsArtifact: v.code.equal,
        artifact: inp.artifact.file,
      },
    },
    ...(consensus ? { consensus } : {}),
    codeList: {
      onChain: v.codeList.onChain,
      local: v.codeList.local,
      matches: v.codeList.matches,
      ...(v.codeList.knownVersion ? { knownVersion: v.codeList.knownVersion } : {}),
      history: r.codeListEpochs.map((e) => ({ version: e.known?.version ?? e.versionLabel, hash: e.hash, block: e.block, known: e.known !== undefined, rightsMatch: e.rightsMatch, steps: e.steps })),
    },
    typeRights: r.rights.types().map((t) => {
      const x = r.rights.get(t)!;
      return { agencyType: t, typeKey: typeKeyOf(t, lists), steps: stepsOfMask(x.steps), allocationScoped: x.allocationScoped };
    }),
    agencies,
    members: membersOf(r.membership),
    checks,
    findings: sortFindings(sink.findings),
    suppressedFindings: Object.fromEntries(sink.suppressed),
    commitments: v.commitments,
    internal: v.internal,
    checkpoints: v.checkpoints,
    compliance: v.compliance,
    stats: v.stats,
    inputs: {
      exports: (inp.exports ?? []).map((x) => ({ agency: agencyName(x.agency), source: x.source, lines: x.lines.length })),
      checkpoints: sets.map((s) => ({ agency: s.agency === undefined ? undefined : agencyName(s.agency), source: s.source, count: s.checkpoints.length })),
      db: inp.dbSource,
    },
    timing: { seconds: inp.seconds, eventsPerSecond: inp.seconds > 0 ? Math.round(engine.logsChecked / inp.seconds) : 0 },
  };
}

/** The agencies with steps on chain whose export was not given: their commitments were not checked. */
function withoutExport(agencies: AgencyEntry[], exports: AgencyExport[]): string {
  const given = new Set(exports.map((x) => x.agency));
  const missing = agencies.filter((a) => a.steps > 0 && !given.has(a.agency));
  return missing.length ? `; not checked (no export given): ${missing.map((a) => `${a.label} (${a.steps} steps)`).join(", ")}` : "";
}

function typeKeyOf(agencyType: number, lists: CodeLists): string {
  return agencyTypeByCode(agencyType, lists)?.key ?? `TYPE_${agencyType}`;
}

/** The step names of a rights mask. */
function stepsOfMask(mask: bigint): string[] {
  const out: string[] = [];
  for (let s = 0; s < 128; s++) if ((mask >> BigInt(s)) & 1n) out.push(stepName(s));
  return out;
}

/** Every member agency the chain registered, with its accounts and blocks: who was a member when. */
export function agencyEntries(r: EventReplayer, stepsByLabel: Record<string, number> = {}, lists: CodeLists = NEWEST_CODE_LIST.lists): AgencyEntry[] {
  return [...r.agencies.values()]
    .sort((a, b) => a.agency - b.agency)
    .map((a) => ({
      agency: a.agency,
      label: agencyName(a.agency),
      agencyType: a.agencyType,
      typeKey: typeKeyOf(a.agencyType, lists),
      scope: a.scope,
      name: a.name,
      joinedBlock: a.joinedBlock,
      memberAtHead: a.activeAccounts > 0,
      steps: stepsByLabel[agencyName(a.agency)] ?? 0,
      accounts: a.accounts.map((x) => ({ account: x.account, fromBlock: x.fromBlock, toBlock: x.toBlock ?? null })),
    }));
}

/** The members registered by MemberAdded/MemberRemoved, each with the block it was first added at. */
export function membersOf(changes: { account: string; agency: number; added: boolean; block: number }[]): AuditReport["members"] {
  const m = new Map<string, AuditReport["members"][number]>();
  for (const c of changes) {
    if (c.added) m.set(c.account, { account: c.account, agency: agencyName(c.agency), sinceBlock: c.block, active: true });
    else {
      const e = m.get(c.account);
      if (e) e.active = false;
    }
  }
  return [...m.values()];
}

/**
 * An inclusion proof (v2, the RFC 6962 log tree) of ledger event `eventId`: over the StepRecorded events up
 * to the first valid checkpoint at or after the event signed over the log tree (else up to the audited
 * head), carrying that checkpoint's signatures. Checkpoints signed over the sorted tree before it cannot
 * vouch for a log-tree root, so they are not candidates.
 */
export function inclusionProofOf(f: Fetched, checkpoints: CheckpointVerdict[], sets: CheckpointSet[], deployment: Deployment, eventId: bigint): InclusionProof {
  const steps = f.engine.replayer.steps;
  let target: StepRecorded | undefined;
  for (const s of steps) {
    if (s.eventId === eventId) {
      target = s;
      break;
    }
  }
  if (!target) throw new CannotRun(`event ${eventId} is not on chain up to block ${f.head}`);
  const covering = checkpoints.filter((c) => c.valid && c.commitmentsTree === "rfc6962" && c.blockNumber >= target.block).sort((a, b) => a.blockNumber - b.blockNumber);
  const upto = covering[0]?.blockNumber ?? f.head;
  const atUpto = covering.filter((c) => c.blockNumber === upto);
  const signed = sets
    .flatMap((s) => s.checkpoints)
    .filter((c) => c.commitmentsTree === "rfc6962" && atUpto.some((v) => v.signer.toLowerCase() === c.signer.toLowerCase() && v.blockNumber === c.blockNumber));
  const seen = new Set<string>();
  return proveEvent(steps, eventId, {
    chainId: deployment.chainId,
    ledger: deployment.contracts.ProcedureLedger.address,
    uptoBlock: upto,
    blockHash: f.engine.headers.hashAt(upto) ?? "",
    checkpoints: signed
      .filter((c) => (seen.has(c.signature) ? false : (seen.add(c.signature), true)))
      .map((c) => ({ blockNumber: c.blockNumber, blockHash: c.blockHash, caseCount: c.caseCount, commitmentsRoot: c.commitmentsRoot, commitmentsTree: "rfc6962" as const, stepCount: c.stepCount, signer: c.signer, signature: c.signature })),
  });
}
