// Audit throughput (a benchmark, not a test): `npm run bench:audit [-- steps]`.
// Builds a ledger of ≥ 100,000 steps (10 per case, recordBatch of 200 steps per transaction, 20
// transactions per block) on a throwaway anvil, then measures (best of three runs each)
//   eventsPerSec       ledger events verified per second by the full external audit, fetch included
//                      (headers, logs, case heads, code; hash chains, rules replay, commitments against
//                      both agencies' exports)
//   rawLogFetchPerSec  ledger events per second of plain eth_getLogs over the same blocks (fetch and
//                      JSON.parse only, nothing verified; the best of requests of about 5,000, 10,000
//                      and 20,000 logs)
// and writes them to bench/results.json under "audit". Goals: eventsPerSec ≥ 30,000 and ≥ 50 % of
// rawLogFetchPerSec.
// The ledger is built on an anvil that dumps its state every second (as `npm start` runs it); the
// measurements run on the same chain with that periodic dump off (see startQuietAnvil).
// AUDIT_BENCH_STATE=dir keeps the built chain in `dir` (and a bench-meta.json beside anvil's state): a
// later run with the same dir and step count measures that chain again instead of building a new one.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { HDNodeWallet, Mnemonic, Wallet, keccak256, toUtf8Bytes, type JsonRpcProvider } from "ethers";
import { anvilBinary, startAnvil, stopAnvil, waitForChain, providerFor } from "../scripts/lib/anvil";
import { CHAIN_ID } from "../services/shared/paths";
import { freePort } from "../test/support/chain";
import { deployLedgerContract } from "../scripts/lib/deploy-ledger";
import { runAudit } from "../services/audit/audit";
import type { Deployment } from "../services/shared/deployment";
import type { AgencyExport } from "../services/audit/types";
import { readArtifact } from "../services/audit/source";
import { LedgerWriter, type PlannedStep } from "../test/audit/support/writer";
import { writeBenchResult } from "./bench-results";

const STEPS = Number(process.argv[2] ?? 100_000);
const PER_CASE = 10;
const BATCH = 200;
const RUNS = 3;
// Batches per block: a busy consortium chain carries many transactions per block (this also keeps
// anvil's per-second state dump small: it preserves one state per block).
const TXS_PER_BLOCK = 20;

// anvil's development accounts (the well-known test mnemonic): deployer, BAMF, ZAB, auditor.
const DEV_MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const devKey = (i: number) => HDNodeWallet.fromMnemonic(DEV_MNEMONIC, `m/44'/60'/0'/0/${i}`).privateKey;

const B = 1;
const Z = 2;
type Path = [number, string, number?][];
// Ten steps per case along the paths of domain.md.
const PATHS: Path[] = [
  [[Z, "REGISTERED"], [B, "APPLICATION_FILED"], [B, "HEARING_SCHEDULED"], [B, "HEARING_HELD"], [B, "DECISION_ISSUED", 1], [B, "DECISION_SERVED"], [Z, "MUNICIPAL_ALLOCATION", 14612], [Z, "TRANSFERRED_TO_MUNICIPALITY"], [B, "DECISION_FINAL"], [B, "PROSPECTS_ASSESSED", 1]],
  [[Z, "REGISTERED"], [B, "APPLICATION_FILED"], [B, "HEARING_SCHEDULED"], [B, "HEARING_HELD"], [B, "DECISION_ISSUED", 5], [B, "DECISION_SERVED"], [B, "DECISION_FINAL"], [Z, "DEPARTURE_OBLIGATION"], [Z, "REPATRIATION_SCHEDULED"], [Z, "REPATRIATION_COMPLETED"]],
  [[Z, "REGISTERED"], [B, "APPLICATION_FILED"], [B, "HEARING_SCHEDULED"], [B, "HEARING_HELD"], [B, "DECISION_ISSUED", 6], [B, "DECISION_SERVED"], [B, "APPEAL_FILED", 1], [B, "APPEAL_DECIDED", 1], [B, "DECISION_FINAL"], [Z, "DEPARTURE_OBLIGATION"]],
  [[Z, "REGISTERED"], [B, "PROSPECTS_ASSESSED", 1], [B, "APPLICATION_FILED"], [Z, "MUNICIPAL_ALLOCATION", 14713], [Z, "TRANSFERRED_TO_MUNICIPALITY"], [B, "HEARING_SCHEDULED"], [B, "HEARING_HELD"], [B, "DECISION_ISSUED", 3], [B, "DECISION_SERVED"], [B, "DECISION_FINAL"]],
];

async function rawFetch(url: string, address: string, from: number, to: number, span: number): Promise<number> {
  let logs = 0;
  for (let a = from; a <= to; a += span) {
    const b = Math.min(to, a + span - 1);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: [{ address, fromBlock: "0x" + a.toString(16), toBlock: "0x" + b.toString(16) }] }),
    });
    const body = (await res.json()) as { result: unknown[] };
    logs += body.result.length;
  }
  return logs;
}

/** anvil on the state in `stateDir` (loaded at start, written on exit), without the periodic state dump. */
function startQuietAnvil(port: number, stateDir: string): ChildProcess {
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(CHAIN_ID), "--hardfork", "cancun", "--state", join(stateDir, "state.json")];
  const log = openSync(join(stateDir, "anvil.log"), "a");
  try {
    return spawn(anvilBinary(), args, { stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
}

interface BenchMeta {
  steps: number;
  deployment: Deployment;
  head: number;
  cases: number;
  exports: AgencyExport[];
}

/** Builds the benchmark ledger on the anvil at `url`. */
async function build(provider: JsonRpcProvider, url: string): Promise<BenchMeta> {
  const [deployer, bamf, zab, auditor] = [0, 1, 2, 3].map((i) => new Wallet(devKey(i), provider));
  await provider.send("evm_setBlockGasLimit", ["0x" + (1_000_000_000).toString(16)]);
  const deployment = await deployLedgerContract(deployer, url, { BAMF: bamf.address, ZAB: zab.address, auditor: auditor.address });
  const address = deployment.contracts.ProcedureLedger.address;

  // ---- build the ledger ------------------------------------------------------------------------
  const writer = new LedgerWriter(provider, address, { [B]: bamf, [Z]: zab }, true);
  const cases = Math.ceil(STEPS / PER_CASE);
  const caseRef = (i: number) => keccak256(toUtf8Bytes(`bench-audit-case-${i}`));
  const t0 = performance.now();
  for (let round = 0; round < PER_CASE; round++) {
    const byAgency: Record<number, PlannedStep[]> = { [B]: [], [Z]: [] };
    for (let c = 0; c < cases; c++) {
      const [agency, step, detail] = PATHS[c % PATHS.length][round];
      byAgency[agency].push({ agency, caseRef: caseRef(c), step, detail });
    }
    const batches: PlannedStep[][] = [];
    for (const a of [Z, B]) for (let i = 0; i < byAgency[a].length; i += BATCH) batches.push(byAgency[a].slice(i, i + BATCH));
    await writer.recordManyInBlocks(batches, TXS_PER_BLOCK, round === 0 ? 60_000 : 20_000);
    process.stderr.write(`\rbuilding the ledger: ${writer.kept.length} steps`);
  }
  const head = Number(await provider.send("eth_blockNumber", []));
  process.stderr.write(`\rbuilt ${writer.kept.length} steps in ${cases} cases, blocks ${deployment.block}–${head}, in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  const exports = [
    { agency: B, source: "bench BAMF", lines: writer.exportLines(B) },
    { agency: Z, source: "bench ZAB", lines: writer.exportLines(Z) },
  ];
  return { steps: STEPS, deployment, head, cases, exports };
}

async function main(): Promise<void> {
  const keepDir = process.env.AUDIT_BENCH_STATE;
  if (keepDir) mkdirSync(keepDir, { recursive: true });
  const stateDir = keepDir ?? mkdtempSync(join(tmpdir(), "anker-bench-audit-"));
  const metaFile = join(stateDir, "bench-meta.json");
  let meta: BenchMeta | undefined;
  if (keepDir && existsSync(metaFile)) {
    meta = JSON.parse(readFileSync(metaFile, "utf8")) as BenchMeta;
    if (meta.steps !== STEPS) throw new Error(`${keepDir} holds a chain of ${meta.steps} steps, not ${STEPS}: use another AUDIT_BENCH_STATE`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let anvil: ChildProcess | undefined;
  try {
    if (!meta) {
      anvil = startAnvil({ port, stateDir });
      await waitForChain(url);
      const builder = providerFor(url);
      meta = await build(builder, url);
      if (keepDir) writeFileSync(metaFile, JSON.stringify(meta));
      builder.destroy();
      // Measure on an anvil that does not dump its state every second: the dump of ~160 MB stalls anvil
      // for a good part of each second and would hit the longer audit runs harder than the short raw
      // fetches. Restarted on the state it wrote on exit.
      await stopAnvil(anvil);
    }
    anvil = startQuietAnvil(port, stateDir);
    await waitForChain(url, 120_000);
    const provider = providerFor(url);
    const { deployment, head, cases, exports } = meta;
    const address = deployment.contracts.ProcedureLedger.address;
    const artifact = readArtifact();

    // ---- measure -----------------------------------------------------------------------------------
    let best = { seconds: Infinity, events: 0, steps: 0 };
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      const { report } = await runAudit({ rpcUrl: url, deployment, artifact, exports, toBlock: head });
      const seconds = (performance.now() - t) / 1000;
      if (report.summary.findings !== 0) throw new Error(`the benchmark ledger should audit clean: ${JSON.stringify(report.findings.slice(0, 3))}`);
      process.stderr.write(`audit run ${run + 1}: ${report.scope.logsChecked} events in ${seconds.toFixed(2)} s\n`);
      if (seconds < best.seconds) best = { seconds, events: report.scope.logsChecked, steps: report.scope.steps };
    }
    // Raw fetch over the same blocks, in ranges of about 5,000, 10,000 and 20,000 logs: the best rate.
    const density = best.events / (head - deployment.block + 1);
    let rawBest = 0;
    for (const target of [5_000, 10_000, 20_000]) {
      const span = Math.max(1, Math.floor(target / density));
      for (let run = 0; run < RUNS; run++) {
        const t = performance.now();
        const logs = await rawFetch(url, address, deployment.block, head, span);
        const seconds = (performance.now() - t) / 1000;
        process.stderr.write(`raw eth_getLogs (${span} blocks a request) run ${run + 1}: ${logs} events in ${seconds.toFixed(2)} s\n`);
        rawBest = Math.max(rawBest, logs / seconds);
      }
    }
    const eventsPerSec = Math.round(best.events / best.seconds);
    const rawLogFetchPerSec = Math.round(rawBest);
    const figures = {
      steps: best.steps,
      events: best.events,
      blocks: head - deployment.block + 1,
      cases,
      auditSeconds: Number(best.seconds.toFixed(3)),
      eventsPerSec,
      stepsPerSec: Math.round(best.steps / best.seconds),
      rawLogFetchPerSec,
      ratioToRawFetch: Number((eventsPerSec / rawLogFetchPerSec).toFixed(3)),
      cpus: cpus().length,
    };
    console.table(figures);
    writeBenchResult("audit", figures);
    provider.destroy();
  } finally {
    if (anvil) await stopAnvil(anvil);
    if (!keepDir) rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
