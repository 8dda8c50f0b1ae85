// The audit's commitments roots at 100 checkpoint blocks over a kept bench chain (bench/audit.ts,
// AUDIT_BENCH_STATE): the log tree's (one pass, services/audit/commitment-roots.ts) three times, then the sorted
// tree's (each root over its whole prefix, as checkpoints signed before the log tree need) at [sortedCount]
// of them (default 3; 100 for all). A probe for the figures in services/audit/README.md, not part of
// `npm run bench`: `npx tsx bench/checkpoint-roots.ts <stateDir> <steps> [sortedCount]`, e.g.
// `npx tsx bench/checkpoint-roots.ts /tmp/state-1m 1000000 100` after `AUDIT_BENCH_STATE=/tmp/state npm run bench:audit`.
import type { ChildProcess } from "node:child_process";
import { readBenchMeta, startQuietAnvil } from "./audit-chain";
import { stopAnvil, waitForChain } from "../scripts/lib/anvil";
import { freePort } from "../test/support/chain";
import { fetchAudit } from "../services/audit/phases/fetch";
import { CommitmentRoots } from "../services/audit/commitment-roots";
import { initFastKeccak, keccakBytes } from "../services/shared/keccak";
import { silentProgress } from "../services/audit/progress";

async function main(): Promise<void> {
  const [stateDir, stepsArg, sortedCountArg] = process.argv.slice(2);
  const meta = readBenchMeta(stateDir, Number(stepsArg));
  if (!meta) throw new Error("no chain");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let anvil: ChildProcess | undefined;
  try {
    anvil = startQuietAnvil(port, stateDir);
    await waitForChain(url, 600_000);
    await initFastKeccak();
    const f = await fetchAudit({ rpcUrl: url, deployment: meta.deployment, checkpointHeights: [], toBlock: meta.head, progress: silentProgress });
    const steps = f.engine.replayer.steps;
    const from = meta.deployment.block;
    const blocks = Array.from({ length: 100 }, (_, i) => Math.round(from + ((meta.head - from) * (i + 1)) / 100));
    console.log(JSON.stringify({ steps: steps.length, head: meta.head, checkpoints: blocks.length }));
    for (let run = 0; run < 3; run++) {
      global.gc?.();
      const heap0 = process.memoryUsage();
      const t = performance.now();
      const cpu = process.cpuUsage();
      const roots = new CommitmentRoots(steps, keccakBytes).logRootsAt(blocks);
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      const heap1 = process.memoryUsage();
      console.log(JSON.stringify({ tree: "rfc6962", run, roots: roots.size, seconds: ms / 1000, cpuSeconds: (used.user + used.system) / 1e6, heapDeltaMiB: (heap1.heapUsed - heap0.heapUsed) / 2 ** 20, arrayBuffersDeltaMiB: (heap1.arrayBuffers - heap0.arrayBuffers) / 2 ** 20, last: roots.get(blocks[99]) }));
    }
    const sortedCount = Number(sortedCountArg ?? 3);
    const sorted = new CommitmentRoots(steps, keccakBytes);
    const all = performance.now();
    const cpuAll = process.cpuUsage();
    const chosen = sortedCount >= 100 ? blocks : blocks.filter((_, i) => (i + 1) % Math.ceil(100 / sortedCount) === 0 || i === 99).slice(-sortedCount);
    for (const block of chosen) {
      const t = performance.now();
      sorted.sortedRootAt(block);
      if (sortedCount < 100 || block === chosen[chosen.length - 1] || block === chosen[0]) console.log(JSON.stringify({ tree: "sorted", block, seconds: (performance.now() - t) / 1000 }));
    }
    const used = process.cpuUsage(cpuAll);
    console.log(JSON.stringify({ tree: "sorted", roots: chosen.length, seconds: (performance.now() - all) / 1000, cpuSeconds: (used.user + used.system) / 1e6 }));
  } finally {
    if (anvil) await stopAnvil(anvil);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
