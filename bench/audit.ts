// Audit throughput and memory (a benchmark, not a test): `npm run bench:audit [-- steps] [-- --no-write]`.
// Builds a ledger of ≥ 100,000 steps (bench/audit-chain.ts: 10 per case, recordBatch of 200 steps per
// transaction, 20 transactions per block) on a throwaway anvil, then measures (best of three runs each)
//   eventsPerSec       ledger events verified per second by the full external audit, fetch included
//                      (headers, logs, case heads, code; hash chains, rules replay, commitments against
//                      both agencies' exports)
//   rawLogFetchPerSec  ledger events per second of plain eth_getLogs over the same blocks (fetch and
//                      JSON.parse only, nothing verified; the best of requests of about 5,000, 10,000
//                      and 20,000 logs)
// and writes them to bench/results.json under "audit". Goals: eventsPerSec ≥ 30,000 and ≥ 50 % of
// rawLogFetchPerSec.
// Then the audit at national scale, under "auditScale": a ledger of AUDIT_SCALE_STEPS steps (default
// 1,000,000, 10 per case; 0 skips it) audited in a process of its own (bench/audit-scale-child.ts), best
// of three, with that process's peak resident memory; the same child measurement of the first ledger
// beside it (base*), and of a third ledger with as many steps as the second but AUDIT_SCALE_STEPS_PER_CASE
// a case (default 100, so 10,000 cases: the first ledger's cases with the second's events; 0 skips it;
// fewCases*), so that the growth with events (same cases) and with cases (same events) show apart.
// Goals: ≤ 15 s and ≤ 1,024 MiB at 1,000,000 events, memory growing with cases, not with events.
// Every ledger carries checkpoints co-signed by BAMF and ZAB over the log tree (bench/audit-checkpoints.ts:
// every 2 blocks, 125 at 1,000,000 steps), given to each audit as --checkpoints files: the figures include
// verifying them, and a run fails unless every one verified, co-signed, with its root recomputed.
// The first ledger is built on an anvil that dumps its state every second (as `npm start` runs it); the
// measurements run on the same chain with that periodic dump off (startQuietAnvil).
// AUDIT_BENCH_STATE=prefix keeps each built chain in `prefix-<size>` (e.g. prefix-100k, prefix-1m,
// prefix-1m-100pc for 100 steps a case): a later
// run of the same size measures that chain again instead of building a new one (a build cut short by a file
// "stop" in that directory is measured as far as it got). --no-write prints the figures without writing
// bench/results.json; --memory-only skips the in-process throughput against raw eth_getLogs.
import { cpus, loadavg } from "node:os";
import { providerFor } from "../scripts/lib/anvil";
import { runAudit } from "../services/audit/audit";
import { readArtifact } from "../services/audit/source";
import { PER_CASE, readExportLines, type BenchMeta } from "./audit-chain";
import { RUNS, childRuns, withChain } from "./audit-runs";
import { expectCheckpointsVerified, readBenchCheckpoints } from "./audit-checkpoints";
import { writeBenchResult } from "./bench-results";

const args = process.argv.slice(2);
const STEPS = Number(args.find((a) => !a.startsWith("--")) ?? 100_000);
const SCALE_STEPS = Number(process.env.AUDIT_SCALE_STEPS ?? 1_000_000);
/** steps per case of the third ledger (SCALE_STEPS steps in fewer cases); 0: not measured */
const FEW_CASES_PER_CASE = Number(process.env.AUDIT_SCALE_STEPS_PER_CASE ?? 100);
const WRITE = !args.includes("--no-write");
/** only the audit processes (memory), not the in-process throughput against raw eth_getLogs */
const MEMORY_ONLY = args.includes("--memory-only");

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


/** The in-process throughput figures against raw eth_getLogs ("audit"). */
async function throughput(meta: BenchMeta, url: string, stateDir: string): Promise<Record<string, number>> {
  const provider = providerFor(url);
  const { deployment, head, cases } = meta;
  const address = deployment.contracts.ProcedureLedger.address;
  const artifact = readArtifact();
  let best = { seconds: Infinity, events: 0, steps: 0 };
  for (let run = 0; run < RUNS; run++) {
    // read anew for every run, untimed: an audit releases an export table's salts and digests once it
    // has their commitments (services/audit/export-table.ts), so a table is audited once
    const exports = [];
    for (const x of meta.exportFiles) exports.push(await readExportLines(x.file, x.agency));
    const checkpoints = readBenchCheckpoints(meta.checkpoints, stateDir);
    const t = performance.now();
    const { report } = await runAudit({ rpcUrl: url, deployment, artifact, exports, checkpoints, toBlock: head });
    const seconds = (performance.now() - t) / 1000;
    if (report.summary.findings !== 0) throw new Error(`the benchmark ledger should audit clean: ${JSON.stringify(report.findings.slice(0, 3))}`);
    expectCheckpointsVerified(report, meta.checkpoints!);
    process.stderr.write(`audit run ${run + 1}: ${report.scope.logsChecked} events and ${meta.checkpoints!.count} co-signed checkpoints in ${seconds.toFixed(2)} s\n`);
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
  provider.destroy();
  const eventsPerSec = Math.round(best.events / best.seconds);
  const rawLogFetchPerSec = Math.round(rawBest);
  return {
    steps: best.steps,
    events: best.events,
    blocks: head - deployment.block + 1,
    cases,
    checkpoints: meta.checkpoints!.count,
    checkpointEveryBlocks: meta.checkpoints!.everyBlocks,
    auditSeconds: Number(best.seconds.toFixed(3)),
    eventsPerSec,
    stepsPerSec: Math.round(best.steps / best.seconds),
    rawLogFetchPerSec,
    ratioToRawFetch: Number((eventsPerSec / rawLogFetchPerSec).toFixed(3)),
    cpus: cpus().length,
  };
}

const mib = (x: number) => Number(x.toFixed(1));

async function main(): Promise<void> {
  const { figures, base } = await withChain(STEPS, PER_CASE, async (meta, url, stateDir) => ({ figures: MEMORY_ONLY ? undefined : await throughput(meta, url, stateDir), base: await childRuns(meta, url, stateDir) }));
  if (figures) {
    console.table(figures);
    if (WRITE) writeBenchResult("audit", figures);
  }
  if (SCALE_STEPS <= 0) return;

  const scale = await withChain(SCALE_STEPS, PER_CASE, async (meta, url, stateDir) => ({ meta, f: await childRuns(meta, url, stateDir) }));
  const { meta, f } = scale;
  const few = FEW_CASES_PER_CASE > 0 ? await withChain(SCALE_STEPS, FEW_CASES_PER_CASE, async (m, url, stateDir) => ({ meta: m, f: await childRuns(m, url, stateDir) })) : undefined;
  const perAdded = (mib: number, added: number) => Math.round((mib * 2 ** 20) / added);
  const scaleFigures = {
    events: f.events,
    steps: f.steps,
    cases: f.cases,
    blocks: meta.head - meta.deployment.block + 1,
    checkpoints: f.checkpoints,
    checkpointSignatures: f.checkpointSignatures,
    checkpointEveryBlocks: meta.checkpoints!.everyBlocks,
    baseCheckpoints: base.checkpoints,
    seconds: Number(f.seconds.toFixed(3)),
    secondsWorst: Number(f.secondsRange[1].toFixed(2)),
    cpuSeconds: Number(f.cpuSecondsBest.toFixed(2)),
    eventsPerSec: Math.round(f.events / f.seconds),
    peakRssMiB: mib(f.peakRssMiB),
    peakRssLowestMiB: mib(f.peakRssRangeMiB[0]),
    peakRssBeforeAuditMiB: mib(f.peakRssBeforeAuditMiB),
    baseEvents: base.events,
    baseCases: base.cases,
    baseSeconds: Number(base.seconds.toFixed(3)),
    baseCpuSeconds: Number(base.cpuSecondsBest.toFixed(2)),
    basePeakRssMiB: mib(base.peakRssMiB),
    basePeakRssBeforeAuditMiB: mib(base.peakRssBeforeAuditMiB),
    // how the peak grows from the first ledger to this one, per added event and per added case (both
    // ledgers have 10 steps a case, so the two describe the same growth)
    peakRssDeltaPerEventBytes: perAdded(f.peakRssMiB - base.peakRssMiB, f.events - base.events),
    peakRssDeltaPerCaseBytes: perAdded(f.peakRssMiB - base.peakRssMiB, f.cases - base.cases),
    stepsPerCase: meta.perCase,
    ...(few && {
      // the third ledger: this one's steps in the first one's cases (more steps a case)
      fewCasesEvents: few.f.events,
      fewCasesSteps: few.f.steps,
      fewCasesCases: few.f.cases,
      fewCasesStepsPerCase: few.meta.perCase,
      fewCasesBlocks: few.meta.head - few.meta.deployment.block + 1,
      fewCasesCheckpoints: few.f.checkpoints,
      fewCasesSeconds: Number(few.f.seconds.toFixed(3)),
      fewCasesSecondsWorst: Number(few.f.secondsRange[1].toFixed(2)),
      fewCasesCpuSeconds: Number(few.f.cpuSecondsBest.toFixed(2)),
      fewCasesEventsPerSec: Math.round(few.f.events / few.f.seconds),
      fewCasesPeakRssMiB: mib(few.f.peakRssMiB),
      fewCasesPeakRssLowestMiB: mib(few.f.peakRssRangeMiB[0]),
      fewCasesPeakRssBeforeAuditMiB: mib(few.f.peakRssBeforeAuditMiB),
      // the growth apart: per added event with the cases held (first ledger → third, both 10,000 cases
      // by default), per added case with the events held (third ledger → second, both 1,000,000 steps)
      peakRssPerEventSameCasesBytes: perAdded(few.f.peakRssMiB - base.peakRssMiB, few.f.events - base.events),
      peakRssPerCaseSameEventsBytes: perAdded(f.peakRssMiB - few.f.peakRssMiB, f.cases - few.f.cases),
    }),
    cpus: cpus().length,
    loadAverageAtEnd: Number(loadavg()[0].toFixed(1)),
  };
  console.table(scaleFigures);
  if (WRITE) writeBenchResult("auditScale", scaleFigures);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
