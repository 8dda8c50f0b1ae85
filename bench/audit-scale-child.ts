// One audit of a kept benchmark chain in a process of its own (bench/audit.ts starts it), so that the
// peak resident memory is the audit's: `tsx bench/audit-scale-child.ts <stateDir> <steps> <rpcUrl> [<steps per case>] [<verified-head file>]`
// (the last: the auditor's record of a head verified before, as --verified-head reads it).
// Reads both agencies' exports from their JSON-lines files (as `npm run audit -- --export` does) and their
// signed checkpoints (as --checkpoints does), runs the full external audit once (failing unless every
// checkpoint verified, co-signed) and prints one JSON line: events, steps, seconds (the audit, without reading
// the exports), its CPU seconds (all threads, and the QBFT seal-check process where one ran), peak RSS (VmHWM) before the audit and at its end, in MiB.
// The exports are read into columns (services/audit/export-table.ts), as the CLI reads them.
import { readFileSync } from "node:fs";
import { runAudit } from "../services/audit/audit";
import { readArtifact } from "../services/audit/source";
import { readVerifiedHead } from "../services/audit/verified-head";
import { readBenchMeta, readExportLines } from "./audit-chain";
import { expectCheckpointsVerified, readBenchCheckpoints } from "./audit-checkpoints";

/** The process's peak resident set so far (VmHWM), in MiB. */
function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

async function main(): Promise<void> {
  const [stateDir, stepsArg, rpcUrl, perCaseArg, verifiedHeadFile] = process.argv.slice(2);
  const verifiedHead = verifiedHeadFile ? readVerifiedHead(verifiedHeadFile) : undefined;
  const meta = readBenchMeta(stateDir, Number(stepsArg), perCaseArg === undefined ? undefined : Number(perCaseArg));
  if (!meta) throw new Error(`no benchmark chain in ${stateDir}`);
  const exports = [];
  for (const x of meta.exportFiles) exports.push(await readExportLines(x.file, x.agency));
  const checkpoints = readBenchCheckpoints(meta.checkpoints, stateDir);
  const artifact = readArtifact();
  const peakBeforeAudit = peakRssMiB();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const { report } = await runAudit({ rpcUrl, deployment: meta.deployment, artifact, exports, checkpoints, toBlock: meta.head, verifiedHead });
  const seconds = (performance.now() - t) / 1000;
  // CPU time of the audit (all threads of this process): less at the mercy of other processes than seconds
  const used = process.cpuUsage(cpu);
  // every checkpoint verified and co-signed, or this process fails (bench/audit-checkpoints.ts)
  const counts = expectCheckpointsVerified(report, meta.checkpoints!);
  const mem = process.memoryUsage();
  const out = {
    events: report.scope.logsChecked,
    steps: report.scope.steps,
    cases: report.scope.cases,
    checkpoints: counts.checkpointBlocks,
    checkpointSignatures: counts.signatures,
    findings: report.summary.findings,
    firstFindings: report.findings.slice(0, 3),
    seconds,
    // with the QBFT seal-check process's, where one ran beside the audit
    cpuSeconds: (used.user + used.system) / 1e6 + (report.consensus?.finality.sealProcessCpuSeconds ?? 0),
    peakRssBeforeAuditMiB: peakBeforeAudit,
    peakRssMiB: peakRssMiB(),
    // where the memory is at the end (the exports and the audit's state still held): for reading the peak
    heapUsedMiB: mem.heapUsed / 2 ** 20,
    arrayBuffersMiB: mem.arrayBuffers / 2 ** 20,
    // on a QBFT chain (bench/audit-qbft.ts): the finality verdict and the seal checks' own seconds
    consensus: report.consensus?.kind,
    finality: report.consensus && { status: report.consensus.finality.status, line: report.consensus.finality.line, blocks: report.consensus.finality.blocks, sealsChecked: report.consensus.finality.sealsChecked, seconds: report.consensus.finality.seconds, hashSeconds: report.consensus.finality.hashSeconds, sealRecovery: report.consensus.finality.sealRecovery, sealProcessCpuSeconds: report.consensus.finality.sealProcessCpuSeconds, anchorBlock: report.consensus.finality.anchor?.block },
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
