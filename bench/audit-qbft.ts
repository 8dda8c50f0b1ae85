// The QBFT seal checks' share of the audit's time (a benchmark, not a test): `npm run bench:audit-qbft
// [-- --k 1,100,1000] [--no-write]`. Issue 13: the seal checks must not cost more than a quarter of the audit's
// time on a QBFT-shaped ledger of the auditScale size.
// The auditScale ledger (AUDIT_SCALE_STEPS steps, default 1,000,000, ten a case; kept with AUDIT_BENCH_STATE
// as bench/audit.ts keeps it, or built) is served through bench/qbft-shaped-node.ts as a Besu QBFT chain of
// K blocks per anvil block (K - 1 empty, sealed blocks before each real one), for each K of --k (default
// 1, 100 and 1000: 251, 25,100 and 251,000 blocks; about 13 minutes on the project's two cores). For each K: both agencies' checkpoints signed over the re-shaped chain (every 2·K blocks: the
// plain bench's heights of the ledger), then three audits, each in a process of its own
// (bench/audit-scale-child.ts), each failing unless clean, every checkpoint verified and co-signed, and BFT
// finality verified for every block. Written to bench/results.json under "auditQbft", per K (k<K>…):
// blocks audited and blocks seal-checked, seconds (best of three, and the worst), CPU seconds, peak RSS,
// the seal checks' seconds as the audit's report gives them (consensus.finality.seconds: decoding,
// hashing, recovery and vote tally of every header, not the fetching; where the seals are checked in a
// process beside the audit, from 2,000 blocks on, the audit's time handing them over and waiting for
// them, and that process's CPU seconds apart), their share of the audit's
// seconds, and the CPU seconds the node in front of anvil spent per audit (this process: it shares the two
// cores with the audit). Goal: share ≤ 0.25. Then, for each K, three repeat audits as an auditor who audits
// again later makes them (--verified-head): with the record of a head verified before at the block a tenth
// of the blocks below the head (as the clean audits just run would have left it there), so that only the
// last tenth's seals are recovered: k<K>Repeat… (the blocks seal-checked, seconds, seal seconds and share);
// and three with the record at the head, so that no seal is recovered: k<K>SealsKnown…, the audit without
// seal recovery, against which k<K>RecoveryShareByClock is what recovering the seals added by the clock.
// Each run's seal seconds also give the part spent hashing the headers as Besu does (…HashSeconds: the
// header chain's hashes, which an audit of any chain computes) and the share without it
// (…SealShareBeyondHashing).
// `--profile DIR` runs one audit per K under node --cpu-prof
// instead (profiles in DIR, nothing written to bench/results.json).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { PER_CASE, benchCheckpointSigners, type BenchMeta } from "./audit-chain";
import { BENCH_CHECKPOINT_EVERY_BLOCKS, signBenchCheckpoints } from "./audit-checkpoints";
import { childRuns, withChain, type ChildFigures } from "./audit-runs";
import { writeBenchResult } from "./bench-results";
import { startQbftShapedNode, type QbftShapedNode } from "./qbft-shaped-node";
import { VERIFIED_HEAD_FORMAT, writeVerifiedHead } from "../services/audit/verified-head";

const args = process.argv.slice(2);
const optionValue = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const STEPS = Number(process.env.AUDIT_SCALE_STEPS ?? 1_000_000);
const KS = z.array(z.number().int().positive()).min(1).parse((optionValue("--k") ?? "1,100,1000").split(",").map(Number));
/** --profile DIR: one audit per K under `node --cpu-prof`, its profile written to DIR; nothing written to results.json */
const PROFILE_DIR = optionValue("--profile");
const WRITE = !args.includes("--no-write") && !PROFILE_DIR;

/** What the view directory records beside its bench-meta.json: which re-shaped chain its checkpoints sign. */
const ViewRecord = z.object({ blocksPerBlock: z.number().int(), headHash: z.string() });

/**
 * The ledger as the node at `node` shows it: a bench-meta.json in `<stateDir>/qbft-k<K>` (which
 * audit-scale-child.ts reads) with the re-shaped deployment block and head and checkpoints signed over the
 * re-shaped chain; kept while the re-shaped head hash is the same.
 */
async function viewOf(meta: BenchMeta, stateDir: string, node: QbftShapedNode): Promise<{ dir: string; meta: BenchMeta }> {
  const k = node.chain.blocksPerBlock;
  const dir = join(stateDir, `qbft-k${k}`);
  mkdirSync(dir, { recursive: true });
  const head = node.chain.numberOf(meta.head);
  const block = node.chain.numberOf(meta.deployment.block);
  const deployment = { ...meta.deployment, rpcUrl: node.url, block, blockHash: node.chain.hashAt(block) };
  const record = { blocksPerBlock: k, headHash: node.chain.hashAt(head) };
  const recordFile = join(dir, "qbft-view.json");
  const metaFile = join(dir, "bench-meta.json");
  const kept = existsSync(recordFile) && existsSync(metaFile) ? ViewRecord.parse(JSON.parse(readFileSync(recordFile, "utf8"))) : undefined;
  if (kept && kept.headHash === record.headHash) {
    const old = JSON.parse(readFileSync(metaFile, "utf8")) as BenchMeta;
    return { dir, meta: { ...old, deployment } };
  }
  const checkpoints = await signBenchCheckpoints(node.url, deployment, head, dir, benchCheckpointSigners(), `over the QBFT-shaped chain, ${k} blocks a block`, {
    everyBlocks: BENCH_CHECKPOINT_EVERY_BLOCKS * k,
    blocksPerRequest: 5 * k,
  });
  const view: BenchMeta = { ...meta, deployment, head, checkpoints };
  writeFileSync(metaFile, JSON.stringify(view));
  writeFileSync(recordFile, JSON.stringify(record));
  return { dir, meta: view };
}

/** Fails unless the run's report verified BFT finality for every block from its anchor to the head, recovering the seals of `sealsChecked` of them. */
function expectFinality(f: ChildFigures, head: number, sealsChecked?: number): void {
  const fin = f.finality;
  const blocks = head - (fin?.anchorBlock ?? 0);
  if (f.consensus !== "qbft" || fin?.status !== "verified" || fin.blocks !== blocks || fin.sealsChecked !== (sealsChecked ?? blocks) || fin.seconds === undefined) {
    throw new Error(`the QBFT-shaped ledger should verify BFT finality for every block: ${JSON.stringify({ consensus: f.consensus, finality: fin, head, sealsChecked })}`);
  }
}

/**
 * The auditor's record of block `block` of the view, as a clean audit up to it leaves it (the three just
 * run verified the chain up to and beyond it), in `<dir>/verified-head.json`.
 */
function verifiedHeadFile(view: { dir: string; meta: BenchMeta }, node: QbftShapedNode, block: number): string {
  const file = join(view.dir, "verified-head.json");
  const d = view.meta.deployment;
  writeVerifiedHead(file, {
    format: VERIFIED_HEAD_FORMAT,
    chainId: d.chainId,
    ledger: d.contracts.ProcedureLedger.address.toLowerCase(),
    deploymentBlock: d.block,
    block,
    hash: node.chain.hashAt(block).toLowerCase(),
    consensus: "qbft",
    auditedAt: new Date().toISOString(),
  });
  return file;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/**
 * The figures of three audits under the key prefix `p` (each verified finality, recovering `sealsChecked`
 * blocks' seals): the best and the worst seconds; the seal checks' seconds as the report gives them, of
 * which the headers' hashing (Besu's block hashes, which the header chain needs on any chain); their
 * share of the audit, with the hashing and without it.
 */
function runFigures(p: string, r: Awaited<ReturnType<typeof childRuns>>, head: number, sealsChecked?: number): Record<string, number> {
  for (const run of r.runs) expectFinality(run, head, sealsChecked);
  const fin = (run: ChildFigures) => run.finality!;
  const beyondHashing = (run: ChildFigures) => (fin(run).seconds! - (fin(run).hashSeconds ?? 0)) / run.seconds;
  return {
    [`${p}Seconds`]: round(r.seconds, 3),
    [`${p}SecondsWorst`]: round(r.secondsRange[1], 2),
    [`${p}SealSeconds`]: round(fin(r).seconds!, 3),
    [`${p}HashSeconds`]: round(fin(r).hashSeconds ?? 0, 3),
    [`${p}SealShare`]: round(fin(r).seconds! / r.seconds, 3),
    [`${p}SealShareWorst`]: round(Math.max(...r.runs.map((run) => fin(run).seconds! / run.seconds)), 3),
    [`${p}SealShareBeyondHashing`]: round(beyondHashing(r), 3),
    [`${p}SealShareBeyondHashingWorst`]: round(Math.max(...r.runs.map(beyondHashing)), 3),
  };
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const figures: Record<string, number> = {};
  await withChain(STEPS, PER_CASE, async (meta, anvilUrl, stateDir) => {
    for (const k of KS) {
      const node = await startQbftShapedNode(anvilUrl, k);
      try {
        process.stderr.write(`QBFT-shaped chain, ${k} blocks a block: ${node.chain.head + 1} blocks hashed and sealed in ${node.buildSeconds.toFixed(1)} s\n`);
        const view = await viewOf(meta, stateDir, node);
        const cpu = process.cpuUsage();
        const r = await childRuns(view.meta, node.url, view.dir, PROFILE_DIR ? { runs: 1, nodeArgs: ["--cpu-prof", "--cpu-prof-dir", PROFILE_DIR] } : {});
        const used = process.cpuUsage(cpu);
        const p = `k${k}`;
        const head = view.meta.head;
        Object.assign(figures, runFigures(p, r, head), {
          [`${p}Blocks`]: head - view.meta.deployment.block + 1,
          [`${p}SealedBlocks`]: r.finality!.blocks!,
          [`${p}CpuSeconds`]: round(r.cpuSecondsBest, 2),
          [`${p}PeakRssMiB`]: round(r.peakRssMiB, 1),
          [`${p}SealMsPerBlock`]: round((1000 * r.finality!.seconds!) / r.finality!.blocks!, 4),
          // where the seals were checked in a process beside the audit (2,000 blocks or more): its CPU seconds, part of CpuSeconds
          [`${p}SealProcessCpuSeconds`]: round(r.finality!.sealProcessCpuSeconds ?? 0, 2),
          [`${p}NodeCpuSecondsPerAudit`]: round((used.user + used.system) / 1e6 / r.runs.length, 2),
          [`${p}ChainBuildSeconds`]: round(node.buildSeconds, 1),
          [`${p}LoadAverageAtEnd`]: round(loadavg()[0], 1),
        });
        if (!PROFILE_DIR) {
          // An auditor's later audit, the last tenth of the blocks new to it; and one with every block's
          // seals verified before (the record at the head): the audit without seal recovery.
          const tenth = head - Math.ceil((head - view.meta.deployment.block) / 10);
          for (const [name, recorded] of [["Repeat", tenth], ["SealsKnown", head]] as const) {
            const again = await childRuns(view.meta, node.url, view.dir, { verifiedHead: verifiedHeadFile(view, node, recorded) });
            Object.assign(figures, runFigures(`${p}${name}`, again, head, head - recorded), { [`${p}${name}SealedBlocks`]: head - recorded });
          }
          // what recovering the seals added to the audit by the clock: the best full audit against the best without recovery
          figures[`${p}RecoveryShareByClock`] = round((r.seconds - figures[`${p}SealsKnownSeconds`]) / r.seconds, 3);
        }
        Object.assign(figures, { events: r.events, steps: r.steps, cases: r.cases, checkpoints: r.checkpoints, checkpointSignatures: r.checkpointSignatures, validators: 4 });
      } finally {
        await node.close();
      }
    }
  });
  figures.cpus = cpus().length;
  console.table(figures);
  process.stderr.write(`measured ${startedAt} to ${new Date().toISOString()}, blocks a block: ${KS.join(", ")}\n`);
  if (WRITE) writeBenchResult("auditQbft", figures);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
