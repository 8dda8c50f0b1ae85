// Runs one audit: fetches (JSON-RPC, batched, block ranges pipelined) and feeds the pure checks, then
// assembles the report. Used by the CLI, the tests and the benchmark.
import { decodeBytes32String } from "ethers";
import { CODE_LISTS, codeListHash } from "../shared/codelists";
import type { Deployment } from "../shared/deployment";
import { compareCode } from "./code";
import { ExportIndex, matchCommitments, type CommitmentCounts } from "./commitments";
import { commitmentsInWorker } from "./commitment-worker";
import { compliance as complianceOf, statistics } from "./compliance";
import { verifyCheckpoints } from "./checkpoints";
import { AuditEngine } from "./engine";
import { LEDGER_INTERFACE, STEP_RECORDED_TOPIC } from "./events";
import { headerHash } from "./headers";
import { initFastKeccak } from "./keccak";
import { MAX_CASES_PER_CALL, decodeHeadReader, headReaderCallData } from "./head-reader";
import { checkAgencyDb, inferDbAgency, type InternalCounts } from "./internal";
import { proveEvent, type InclusionProof } from "./merkle";
import { agencyName } from "./names";
import { silentProgress, type Progress } from "./progress";
import { compareHeads, type OnChainHead } from "./replay";
import { checkResult, sortFindings, summarize, REPORT_FORMAT, type AuditReport } from "./report";
import { fetchRanges, type RangePlan } from "./ranges";
import { CannotRun, RpcClient } from "./rpc";
import type { Artifact } from "./source";
import type { AgencyExport, CheckpointSet, RpcBlock, StepRow } from "./types";

export interface AuditOptions {
  rpcUrl: string;
  deployment: Deployment;
  artifact: Artifact;
  /** the agencies' audit exports; undefined: the commitment check is skipped */
  exports?: AgencyExport[];
  /** signed checkpoints; undefined: the checkpoint check is skipped */
  checkpoints?: CheckpointSet[];
  /** internal mode: an agency database's rows (and its checkpoints) */
  db?: { source: string; agency?: number; rows: StepRow[]; checkpoints?: CheckpointSet };
  /** overdue when an allocation is due longer than this (days) */
  allocationDays?: number;
  /** audit from block 0 instead of the deployment block */
  fromGenesis?: boolean;
  /** audit up to this block instead of the head */
  toBlock?: number;
  /** write an inclusion proof for this ledger event id */
  prove?: bigint;
  rpc?: { batchSize?: number; concurrency?: number };
  /** ledger logs wanted per eth_getLogs request (the block range adapts to it) */
  targetLogsPerRequest?: number;
  maxBlocksPerRequest?: number;
  /** ranges fetched ahead while one is verified */
  prefetch?: number;
  progress?: Progress;
}

export interface AuditOutcome {
  report: AuditReport;
  proof?: InclusionProof;
  engine: AuditEngine;
}

const hexQ = (n: number) => "0x" + n.toString(16);


export async function runAudit(opts: AuditOptions): Promise<AuditOutcome> {
  const started = performance.now();
  await initFastKeccak();
  const progress = opts.progress ?? silentProgress;
  const d = opts.deployment;
  const ledger = d.contracts.ProcedureLedger.address.toLowerCase();
  const rpc = new RpcClient(opts.rpcUrl, { batchSize: opts.rpc?.batchSize ?? 250, concurrency: opts.rpc?.concurrency ?? 4 });

  const chainId = Number(BigInt(await rpc.call<string>("eth_chainId", [])));
  if (chainId !== d.chainId) throw new CannotRun(`the node at ${opts.rpcUrl} serves chain ${chainId}, the deployment record names chain ${d.chainId}`);
  const head = opts.toBlock ?? Number(BigInt(await rpc.call<string>("eth_blockNumber", [])));
  const fromBlock = opts.fromGenesis ? 0 : d.block;
  if (head < d.block) throw new CannotRun(`the chain at ${opts.rpcUrl} is at block ${head}, below the deployment block ${d.block}: a different chain than the deployment record describes`);

  const allCheckpoints: CheckpointSet[] = [...(opts.checkpoints ?? []), ...(opts.db?.checkpoints ? [opts.db.checkpoints] : [])];
  const cpHeights = allCheckpoints.flatMap((s) => s.checkpoints.map((c) => c.blockNumber));
  const engine = new AuditEngine({
    ledger,
    fromBlock,
    toBlock: head,
    anchorHash: opts.fromGenesis ? undefined : d.blockHash,
    keepHashesAt: [...cpHeights, d.block],
  });

  // ---- 1+2: headers and logs, range by range, fetched ahead while the previous range is verified ------
  const plan: RangePlan = {
    ledger,
    fromBlock,
    toBlock: head,
    targetLogsPerRequest: opts.targetLogsPerRequest ?? 5_000,
    maxBlocksPerRequest: opts.maxBlocksPerRequest ?? 2_000,
    prefetch: opts.prefetch ?? 3,
  };
  // caseHead() at the audited block for each case, read as soon as the case appears (in the background
  // while the next ranges are verified): one call per case, none per event. Up to 700 cases go in one
  // eth_call (head-reader.ts); a node that refuses such a call is asked case by case.
  const at = hexQ(head);
  const caseHeadSel = LEDGER_INTERFACE.getFunction("caseHead")!.selector;
  const heads = new Map<string, OnChainHead>();
  const headReads: Promise<void>[] = [];
  let casesQueued = 0;
  let multicall = true;
  let headsPhase = false;
  const readChunk = async (part: string[]): Promise<void> => {
    await readChunkInner(part);
    if (headsPhase) progress.tick(part.length);
  };
  const readChunkInner = async (part: string[]): Promise<void> => {
    if (multicall) {
      try {
        const res = await rpc.call<string>("eth_call", [{ data: headReaderCallData(ledger, part) }, at]);
        const m = decodeHeadReader(res, part);
        if (m) {
          for (const [k, v] of m) heads.set(k, v);
          return;
        }
      } catch {
        /* fall back below */
      }
      multicall = false;
    }
    const out = await rpc.batch<string>(part.map((c) => ({ method: "eth_call", params: [{ to: ledger, data: caseHeadSel + c.slice(2) }, at] })));
    out.forEach((res, k) => {
      if (typeof res === "string" && res.length >= 130) heads.set(part[k], { head: "0x" + res.slice(2, 50), stepCount: parseInt(res.slice(66, 130), 16) });
    });
  };
  const readHeads = (all: boolean) => {
    const list = engine.replayer.caseList;
    while (list.length - casesQueued >= MAX_CASES_PER_CALL || (all && list.length > casesQueued)) {
      const part = list.slice(casesQueued, casesQueued + MAX_CASES_PER_CALL);
      casesQueued += part.length;
      const p = readChunk(part);
      p.catch(() => undefined);
      headReads.push(p);
    }
  };
  // The exports are indexed in slices while the chain's answers are awaited; their event-id keys and
  // commitments are computed on a worker thread meanwhile where one can be started (else here).
  const indexes = new Map<number, ExportIndex>();
  const indexing = (async () => {
    const precomputed = await commitmentsInWorker(opts.exports ?? []);
    for (const x of opts.exports ?? []) {
      let idx = indexes.get(x.agency);
      if (!idx) indexes.set(x.agency, (idx = new ExportIndex(x.agency)));
      const pre = precomputed?.get(x);
      let i = 0;
      do {
        i = idx.add(x, i, i + (pre ? 5000 : 1000), pre);
        await new Promise((res) => setImmediate(res));
      } while (i < x.lines.length);
    }
  })();
  progress.phase("headers + events", head - fromBlock + 1, "blocks");
  for await (const { range, blocks, batch } of fetchRanges(rpc, plan, STEP_RECORDED_TOPIC)) {
    engine.pushBatch(blocks, batch);
    readHeads(false);
    progress.tick(range[1] - range[0] + 1);
  }
  engine.finish();
  const r = engine.replayer;
  progress.done(`${engine.headers.headersChecked} headers, ${engine.logsChecked} events`);

  // ---- chain state at the audited block: code, code lists, case heads, early checkpoint blocks ------
  progress.phase("case heads", r.caseList.length, "cases");
  progress.tick(heads.size);
  headsPhase = true;
  readHeads(true);
  const headsP = Promise.all(headReads).then(() => heads);
  const codeP = rpc.call<string>("eth_getCode", [ledger, at]);
  const callView = async (name: string): Promise<string> => {
    try {
      const res = await rpc.call<string>("eth_call", [{ to: ledger, data: LEDGER_INTERFACE.encodeFunctionData(name, []) }, at]);
      return String(LEDGER_INTERFACE.decodeFunctionResult(name, res)[0]);
    } catch {
      return "";
    }
  };
  const listHashP = callView("codeListHash");
  const listVersionP = callView("codeListVersion");
  // Checkpoints below the audited range, or above it (signed after the audited head was fixed), are
  // checked against the chain's current header at that height, re-hashed.
  const early = [...new Set(cpHeights.filter((n) => n < fromBlock || n > head))];
  const earlyP = rpc.batch<RpcBlock | null>(early.map((n) => ({ method: "eth_getBlockByNumber", params: [hexQ(n), false] })));
  const [, code, listHash, listVersionRaw, earlyBlocks] = await Promise.all([headsP, codeP, listHashP, listVersionP, earlyP, indexing]);
  progress.done();

  const sink = engine.sink;
  if (opts.fromGenesis) {
    const atDeployment = engine.headers.hashAt(d.block);
    if (atDeployment && atDeployment.toLowerCase() !== d.blockHash.toLowerCase()) {
      sink.add({ check: "chain", kind: "anchor-mismatch", severity: "critical", blockNumber: d.block, message: `block ${d.block} has hash ${atDeployment}, the deployment record says ${d.blockHash}` });
    }
  }
  const earlyHashes = new Map<number, string>();
  earlyBlocks.forEach((b, i) => {
    if (b && Number(BigInt(b.number)) === early[i]) earlyHashes.set(early[i], headerHash(b));
  });

  // ---- the pure checks on what was fetched ----------------------------------------------------------
  progress.phase("verification", 1);
  const headsCmp = compareHeads(r, heads, sink);
  const codeCmp = compareCode(code, opts.artifact.deployedBytecode, { address: ledger, deploymentCodeHash: d.contracts.ProcedureLedger.codeHash, holes: opts.artifact.holes });
  for (const f of codeCmp.findings) sink.add(f);

  let listVersion = listVersionRaw;
  try {
    if (/^0x[0-9a-f]{64}$/i.test(listVersionRaw)) listVersion = decodeBytes32String(listVersionRaw);
  } catch {
    /* keep the raw value */
  }
  const localHash = codeListHash(CODE_LISTS);
  const listsMatch = listHash.toLowerCase() === localHash.toLowerCase();
  if (!listsMatch) {
    sink.add({ check: "rules", kind: "code-lists-differ", severity: "error", message: `the chain's code lists (${listVersion || "?"}, ${listHash || "unreadable"}) are not this build's (${CODE_LISTS.version}, ${localHash}): the rules were replayed with this build's codes` });
  }
  // The deployment record's agency keys must be the members the chain registered.
  for (const [name, code] of [["BAMF", 1], ["ZAB", 2]] as const) {
    const acc = d.accounts[name];
    if (r.memberAgencyAt(acc, head) !== code) {
      sink.add({ check: "events", kind: "deployment-record-members", severity: "error", agency: name, message: `the deployment record names ${acc} as ${name}'s key, but the ledger's membership events do not register it for ${name}` });
    }
  }

  let commitments: Record<string, CommitmentCounts> | undefined;
  if (opts.exports) {
    commitments = {};
    for (const [agency, idx] of indexes) commitments[agencyName(agency)] = matchCommitments(r, idx, sink);
  }

  let internal: { source: string; agency: string; counts: InternalCounts } | undefined;
  if (opts.db) {
    const agency = opts.db.agency ?? inferDbAgency(r, opts.db.rows);
    if (agency === undefined) {
      if (opts.db.rows.length > 0) throw new CannotRun(`${opts.db.source}: no Step row matches an on-chain event of either agency; name the agency as BAMF=${opts.db.source} or ZAB=${opts.db.source}`);
      throw new CannotRun(`${opts.db.source} holds no Step rows; name its agency as BAMF=${opts.db.source} or ZAB=${opts.db.source}`);
    }
    const counts = checkAgencyDb(r, agency, opts.db.rows, sink, opts.db.source);
    internal = { source: opts.db.source, agency: agencyName(agency), counts };
    if (opts.db.checkpoints) opts.db.checkpoints.agency ??= agency;
  }

  const verdicts = verifyCheckpoints(
    allCheckpoints,
    {
      chainId: d.chainId,
      ledger: d.contracts.ProcedureLedger.address,
      headBlock: head,
      blockHashAt: (n) => (n < fromBlock || n > head ? earlyHashes.get(n) : engine.headers.hashAt(n)),
      caseCountAt: (n) => r.caseCountAt(n),
      memberAgencyAt: (a, b) => r.memberAgencyAt(a, b),
    },
    sink,
  );

  const headTime = engine.headers.timestampAt(head) ?? Math.floor(Date.now() / 1000);
  const comp = complianceOf(r, { asOf: headTime, allocationDays: opts.allocationDays ?? 30 }, sink);
  const stats = statistics(r);
  progress.done();

  // ---- optional inclusion proof -------------------------------------------------------------------
  let proof: InclusionProof | undefined;
  if (opts.prove !== undefined) {
    const target = r.steps.find((s) => s.eventId === opts.prove);
    if (!target) throw new CannotRun(`event ${opts.prove} is not on chain up to block ${head}`);
    const covering = verdicts.filter((v) => v.valid && v.blockNumber >= target.block).sort((a, b) => a.blockNumber - b.blockNumber);
    const upto = covering[0]?.blockNumber ?? head;
    const atUpto = covering.filter((v) => v.blockNumber === upto);
    const cpRows = allCheckpoints.flatMap((s) => s.checkpoints).filter((c) => atUpto.some((v) => v.signer.toLowerCase() === c.signer.toLowerCase() && v.blockNumber === c.blockNumber));
    const seen = new Set<string>();
    proof = proveEvent(r.steps, opts.prove, {
      chainId: d.chainId,
      ledger: d.contracts.ProcedureLedger.address,
      uptoBlock: upto,
      blockHash: (engine.headers.hashAt(upto) ?? "")!,
      checkpoints: cpRows.filter((c) => (seen.has(c.signature) ? false : (seen.add(c.signature), true))),
    });
  }

  // ---- the report -----------------------------------------------------------------------------------
  const seconds = (performance.now() - started) / 1000;
  const exportsGiven = opts.exports !== undefined;
  const checks = [
    checkResult(sink, "chain", "Block headers re-hashed and linked", `${engine.headers.headersChecked} headers, blocks ${fromBlock}–${head}, anchored at the deployment block ${d.block}`),
    checkResult(sink, "code", "Deployed code equals the audited build", `code at ${ledger} against ${opts.artifact.file.replace(/^.*artifacts\//, "artifacts/")}`),
    checkResult(sink, "events", "Events decoded, tied to their blocks, ids unique", `${engine.logsChecked} ledger events (${r.steps.length} steps), block hash and logs bloom of each`),
    checkResult(sink, "hashchains", "Per-case hash chains equal the on-chain heads", `${headsCmp.compared} cases, caseHead() at block ${head}`),
    checkResult(sink, "rules", "Process rules replayed", `every step through the ported ProcedureRules; ${Object.values(r.ruleEventCounts).reduce((a, b) => a + b, 0)} rule events compared`),
    checkResult(sink, "commitments", "Commitments match the agencies' exports", exportsGiven ? `${opts.exports!.map((x) => `${agencyName(x.agency)}: ${x.lines.length} lines`).join(", ")}` : "no export given", {
      skipped: !exportsGiven,
      counts: commitments ? Object.fromEntries(Object.entries(commitments).flatMap(([a, c]) => Object.entries(c).map(([k, v]) => [`${a}.${k}`, v]))) : undefined,
    }),
    checkResult(sink, "internal", "Agency database re-hashed (internal)", internal ? `${internal.counts.rows} Step rows of ${internal.agency} (${internal.source})` : "no database given (--db)", {
      skipped: !internal,
      counts: internal ? { ...internal.counts } : undefined,
    }),
    checkResult(sink, "checkpoints", "Signed checkpoints still hold", allCheckpoints.length ? `${verdicts.length} checkpoints from ${allCheckpoints.map((s) => s.source).join(", ")}` : "no checkpoints given", { skipped: allCheckpoints.length === 0 }),
    checkResult(sink, "compliance", "Compliance: stops and allocations", `${comp.ignoredStops.length} ignored stops, ${comp.openStops.length} open stops, ${comp.overdueAllocations.length} overdue allocations (limit ${opts.allocationDays ?? 30} days)`),
  ];
  const summary = summarize(sink);
  const report: AuditReport = {
    format: REPORT_FORMAT,
    generatedAt: new Date().toISOString(),
    verdict: summary.findings === 0 ? "clean" : "findings",
    summary,
    scope: {
      chainId,
      rpcUrl: opts.rpcUrl,
      ledger: d.contracts.ProcedureLedger.address,
      deploymentBlock: d.block,
      fromBlock,
      toBlock: head,
      headHash: engine.headers.hashAt(head),
      headTime: new Date(headTime * 1000).toISOString(),
      headersChecked: engine.headers.headersChecked,
      logsChecked: engine.logsChecked,
      events: r.eventsSeen,
      steps: r.steps.length,
      cases: r.cases.size,
    },
    contracts: {
      ProcedureLedger: {
        address: d.contracts.ProcedureLedger.address,
        onChainCodeHash: codeCmp.onChainCodeHash,
        artifactCodeHash: codeCmp.artifactCodeHash,
        deploymentCodeHash: d.contracts.ProcedureLedger.codeHash,
        codeEqualsArtifact: codeCmp.equal,
        artifact: opts.artifact.file,
      },
    },
    codeList: { onChain: { hash: listHash, version: listVersion }, local: { hash: localHash, version: CODE_LISTS.version }, matches: listsMatch },
    members: membersOf(r.membership),
    checks,
    findings: sortFindings(sink.findings),
    suppressedFindings: Object.fromEntries(sink.suppressed),
    commitments,
    internal,
    checkpoints: verdicts,
    compliance: comp,
    stats,
    inputs: {
      exports: (opts.exports ?? []).map((x) => ({ agency: agencyName(x.agency), source: x.source, lines: x.lines.length })),
      checkpoints: allCheckpoints.map((s) => ({ agency: s.agency === undefined ? undefined : agencyName(s.agency), source: s.source, count: s.checkpoints.length })),
      db: opts.db?.source,
    },
    timing: { seconds, eventsPerSecond: seconds > 0 ? Math.round(engine.logsChecked / seconds) : 0 },
  };
  return { report, proof, engine };
}

function membersOf(changes: { account: string; agency: number; added: boolean; block: number }[]): AuditReport["members"] {
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
