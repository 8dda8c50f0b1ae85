// The benchmark chains and the audit processes that bench/audit.ts and bench/audit-qbft.ts measure: a
// chain kept (AUDIT_BENCH_STATE) or built now, on a quiet anvil; one audit in a process of its own
// (bench/audit-scale-child.ts); the best of three such runs.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { stopAnvil, waitForChain } from "../scripts/lib/anvil";
import { freePort } from "../test/support/chain";
import { buildBenchChain, PER_CASE, readBenchMeta, startQuietAnvil, withBenchCheckpoints, type BenchMeta } from "./audit-chain";

export const RUNS = 3;

export const sizeLabel = (steps: number) => (steps % 1_000_000 === 0 ? `${steps / 1_000_000}m` : steps % 1000 === 0 ? `${steps / 1000}k` : String(steps));
/** e.g. "1m" (ten steps a case, as kept before the steps per case could be chosen) or "1m-100pc" */
export const chainLabel = (steps: number, perCase: number) => sizeLabel(steps) + (perCase === PER_CASE ? "" : `-${perCase}pc`);

/** A chain of `steps` steps, `perCase` a case: kept (AUDIT_BENCH_STATE) or built now; measured on a quiet anvil on its state. */
export async function withChain<T>(steps: number, perCase: number, measure: (meta: BenchMeta, url: string, stateDir: string) => Promise<T>): Promise<T> {
  const keep = process.env.AUDIT_BENCH_STATE;
  const stateDir = keep ? `${keep}-${chainLabel(steps, perCase)}` : mkdtempSync(join(tmpdir(), "anker-bench-audit-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let anvil: ChildProcess | undefined;
  try {
    // Measured on an anvil that does not dump its state every second: the dump stalls anvil for a good
    // part of each second and would hit the longer audit runs harder than the short raw fetches.
    const kept = readBenchMeta(stateDir, steps, perCase);
    const built = kept ?? (await buildBenchChain(steps, stateDir, port, perCase));
    anvil = startQuietAnvil(port, stateDir);
    await waitForChain(url, 600_000);
    // both agencies' co-signed checkpoints: signed once beside the state (also for a chain kept from before)
    const meta = await withBenchCheckpoints(built, url, stateDir, kept === undefined);
    return await measure(meta, url, stateDir);
  } finally {
    if (anvil) await stopAnvil(anvil);
    if (!keep) rmSync(stateDir, { recursive: true, force: true });
  }
}

export interface ChildFigures {
  events: number;
  steps: number;
  cases: number;
  /** checkpoint heights verified, each co-signed by both agencies (the child fails otherwise) */
  checkpoints: number;
  checkpointSignatures: number;
  findings: number;
  firstFindings: unknown[];
  seconds: number;
  cpuSeconds: number;
  peakRssBeforeAuditMiB: number;
  peakRssMiB: number;
  heapUsedMiB: number;
  arrayBuffersMiB: number;
  /** the report's consensus and finality verdict (a QBFT chain: the seal checks' seconds) */
  consensus?: string;
  finality?: { status: string; line: string; blocks?: number; sealsChecked?: number; seconds?: number; hashSeconds?: number; sealRecovery?: string; sealProcessCpuSeconds?: number; anchorBlock?: number };
}

/**
 * One audit in a process of its own (bench/audit-scale-child.ts), under the same loader as this one;
 * `verifiedHead`: the file of the auditor's record of a head verified before.
 */
export function auditInChild(stateDir: string, meta: BenchMeta, url: string, nodeArgs: string[] = [], verifiedHead?: string): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const args = [join(__dirname, "audit-scale-child.ts"), stateDir, String(meta.steps), url, String(meta.perCase), ...(verifiedHead ? [verifiedHead] : [])];
    const child = spawn(process.execPath, [...process.execArgv, ...nodeArgs, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`the audit process exited with ${code}`));
      const figures = JSON.parse(out.trim().split("\n").pop() ?? "{}") as ChildFigures;
      if (figures.findings !== 0) return reject(new Error(`the benchmark ledger should audit clean: ${JSON.stringify(figures.firstFindings)}`));
      resolve(figures);
    });
  });
}

/** Best of RUNS audits in child processes (fastest run; the highest peak memory of all runs; the range of both). */
export async function childRuns(meta: BenchMeta, url: string, stateDir: string, opts: { runs?: number; nodeArgs?: string[]; verifiedHead?: string } = {}): Promise<ChildFigures & { secondsRange: [number, number]; peakRssRangeMiB: [number, number]; cpuSecondsBest: number; runs: ChildFigures[] }> {
  let best: ChildFigures | undefined;
  let peak = 0;
  const all: ChildFigures[] = [];
  for (let run = 0; run < (opts.runs ?? RUNS); run++) {
    const f = await auditInChild(stateDir, meta, url, opts.nodeArgs, opts.verifiedHead);
    all.push(f);
    process.stderr.write(`audit process ${run + 1} (${chainLabel(meta.steps, meta.perCase)}): ${f.events} events in ${f.cases} cases, ${f.checkpoints} co-signed checkpoints (${f.checkpointSignatures} signatures) in ${f.seconds.toFixed(2)} s (${f.cpuSeconds.toFixed(2)} s CPU, load average ${loadavg()[0].toFixed(1)}), peak RSS ${f.peakRssMiB.toFixed(0)} MiB (${f.peakRssBeforeAuditMiB.toFixed(0)} MiB with the exports read, before the audit; at the end heap ${f.heapUsedMiB.toFixed(0)} MiB, array buffers ${f.arrayBuffersMiB.toFixed(0)} MiB)${f.finality?.seconds !== undefined ? `; ${f.finality.line}, seal checks ${f.finality.seconds.toFixed(2)} s (${((100 * f.finality.seconds) / f.seconds).toFixed(1)} % of the audit)` : ""}\n`);
    peak = Math.max(peak, f.peakRssMiB);
    if (!best || f.seconds < best.seconds) best = f;
  }
  const secs = all.map((f) => f.seconds);
  const peaks = all.map((f) => f.peakRssMiB);
  return { ...best!, peakRssMiB: peak, secondsRange: [Math.min(...secs), Math.max(...secs)], peakRssRangeMiB: [Math.min(...peaks), Math.max(...peaks)], cpuSecondsBest: Math.min(...all.map((f) => f.cpuSeconds)), runs: all };
}
