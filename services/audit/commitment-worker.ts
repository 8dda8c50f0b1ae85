// The export lines' commitments (keccak256(salt ‖ dataDigest), one per line) hashed and their event ids
// parsed on a worker thread, so that the main thread verifies the chain's events meanwhile instead of
// hashing ~10^5 export lines itself (the thread: commitment-thread.ts); the results come back as bytes
// and numbers (no string per line).
// Same keccak (hash-wasm) and the same results as fastCommitmentOf; lines it cannot take (not
// 0x-hex 32 bytes) are left to fastCommitmentOf on the main thread, which reports them as before. Where a
// worker cannot be started, the caller computes everything itself (commitmentsInWorker → undefined).
// The salts and digests go to the worker as bytes, moved, not copied.
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ExportJob, ThreadData, ThreadMessage } from "./commitment-thread";
import { DENSE_LIMIT } from "./event-id-index";
import type { AgencyExport } from "./types";

// The thread's module next to this one, as TypeScript under tsx (or JavaScript once compiled). A worker
// does not take tsx's ESM loader that `tsx file.ts` passes on in execArgv (it cannot resolve a .ts entry
// with it), and under `mocha -r tsx` there is none to inherit: tsx's CommonJS hook, given explicitly,
// loads it in both.
const THREAD_FILE = join(__dirname, `commitment-thread${extname(__filename)}`);
const THREAD_EXEC_ARGV = extname(__filename) === ".ts" ? ["--require", require.resolve("tsx/cjs")] : undefined;

/** Whether a line's commitment is computed (as ExportIndex.add decides) and the worker can take it. */
function hashable(line: AgencyExport["lines"][number]): boolean {
  const { salt, dataDigest } = line;
  return !line.erased && !!salt && !!dataDigest && salt.length === 66 && dataDigest.length === 66 && salt.startsWith("0x") && dataDigest.startsWith("0x");
}

/** Salt and data digest of each hashable line as bytes (64 a line), and which lines they are. */
function pairsOf(lines: AgencyExport["lines"]): { pairs: Buffer; hashed: Uint8Array } {
  // Its own ArrayBuffer (not the shared pool): it is handed to the worker.
  const pairs = Buffer.allocUnsafeSlow(lines.length * 64);
  const hashed = new Uint8Array(lines.length);
  lines.forEach((line, i) => {
    // Buffer.write stops at the first character that is not hex: such a line is left to the main thread.
    if (hashable(line) && pairs.write(line.salt!.slice(2), i * 64, 32, "hex") === 32 && pairs.write(line.dataDigest!.slice(2), i * 64 + 32, 32, "hex") === 32) hashed[i] = 1;
  });
  return { pairs, hashed };
}

/** What the worker computed for one export, by line index. */
export interface Precomputed {
  /** the agency byte of each line's event id (where `seqs` is a number) */
  agencies: Uint8Array;
  /** each line's sequence number where it is below DENSE_LIMIT (event-id-index.ts), else NaN */
  seqs: Float64Array;
  /** keccak256(salt ‖ dataDigest), 32 bytes a line, where `hashed` */
  commitments: Uint8Array;
  hashed: Uint8Array;
}

/**
 * The event ids and commitments of every export's lines. Resolves undefined when no worker could be
 * used (then the main thread computes everything); a line it cannot take is not marked hashed (the main
 * thread computes and reports it).
 */
export function commitmentsInWorker(exports: AgencyExport[]): Promise<Map<AgencyExport, Precomputed> | undefined> {
  const jobs = exports.map((x) => ({ x, ids: x.lines.map((l) => l.ledgerEventId).join(","), ...pairsOf(x.lines) }));
  if (jobs.every((j) => j.x.lines.length === 0)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(THREAD_FILE, { execArgv: THREAD_EXEC_ARGV, workerData: { denseLimit: DENSE_LIMIT } satisfies ThreadData });
    } catch {
      resolve(undefined);
      return;
    }
    const out = new Map<AgencyExport, Precomputed>();
    let pending = jobs.length;
    let settled = false;
    const finish = (value: Map<AgencyExport, Precomputed> | undefined) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      resolve(value);
    };
    worker.on("error", () => finish(undefined));
    worker.on("exit", () => finish(undefined));
    worker.on("message", (m: ThreadMessage) => {
      if ("failed" in m) return finish(undefined);
      if ("ready" in m) {
        jobs.forEach((j, id) => {
          const job: ExportJob = { id, count: j.x.lines.length, pairs: j.pairs, hashed: j.hashed, ids: j.ids };
          worker.postMessage(job, [j.pairs.buffer as ArrayBuffer]);
        });
        return;
      }
      const j = jobs[m.id];
      const n = j.x.lines.length;
      if (m.commitments.length !== n * 32 || m.agencies.length !== n || m.seqs.length !== n) return finish(undefined);
      out.set(j.x, { agencies: m.agencies, seqs: m.seqs, commitments: m.commitments, hashed: j.hashed });
      if (--pending === 0) finish(out);
    });
  });
}
