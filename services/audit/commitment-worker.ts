// The export lines' commitments (keccak256(salt ‖ dataDigest), one per line) hashed on a worker thread,
// so that the main thread verifies the chain's events meanwhile instead of hashing 10^5 to 10^6 export
// lines itself (the thread: commitment-thread.ts); the results come back as bytes (no string per line).
// Same keccak (hash-wasm) and the same results as fastCommitmentOf; lines it cannot take (not
// 0x-hex 32 bytes) are left to fastCommitmentOf on the main thread, which reports them as before. Where a
// worker cannot be started, the caller computes everything itself (commitmentsInWorker → undefined).
// The salts and digests are the export table's pair bytes (export-table.ts), in shared memory: the worker
// reads them in place, before the export index releases them; the event ids are read from the table's
// bytes here.
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ExportJob, ThreadMessage } from "./commitment-thread";
import { DENSE_LIMIT } from "./event-id-index";
import { EXPORT_CHUNK, tableOf, type ExportTable } from "./export-table";
import type { AgencyExport } from "./types";

// The thread's module next to this one, as TypeScript under tsx (or JavaScript once compiled). A worker
// does not take tsx's ESM loader that `tsx file.ts` passes on in execArgv (it cannot resolve a .ts entry
// with it), and under `mocha -r tsx` there is none to inherit: tsx's CommonJS hook, given explicitly,
// loads it in both.
const THREAD_FILE = join(__dirname, `commitment-thread${extname(__filename)}`);
const THREAD_EXEC_ARGV = extname(__filename) === ".ts" ? ["--require", require.resolve("tsx/cjs")] : undefined;

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

const SEQUENCE_MASK = (1n << 56n) - 1n;

/** Agency byte and dense sequence number of each line's event id (NaN where not dense), from the table's bytes. */
function idsOf(t: ExportTable): { agencies: Uint8Array; seqs: Float64Array } {
  const agencies = new Uint8Array(t.length);
  const seqs = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    if (!t.inColumns(i)) {
      // a line kept as it was read: its decimal id parsed (as commitment-thread.ts's splitEventIds does)
      let id = -1n;
      try {
        id = BigInt(t.at(i)!.ledgerEventId);
      } catch {
        id = -1n;
      }
      const seq = id & SEQUENCE_MASK;
      const dense = id >= 0n && id >> 56n < 256n && seq < BigInt(DENSE_LIMIT);
      agencies[i] = dense ? Number(id >> 56n) : 0;
      seqs[i] = dense ? Number(seq) : NaN;
      continue;
    }
    const b = t.idBytes(i);
    const at = t.idAt(i);
    agencies[i] = b[at];
    seqs[i] = (b[at + 1] | b[at + 2] | b[at + 3] | b[at + 4]) === 0 ? (b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7] : NaN;
  }
  return { agencies, seqs };
}

/** Which lines the worker hashes (one byte a line). */
function hashedOf(t: ExportTable): Uint8Array {
  const hashed = new Uint8Array(t.length);
  for (let c = 0; c * EXPORT_CHUNK < t.length; c++) hashed.set(t.hashableIn(c), c * EXPORT_CHUNK);
  return hashed;
}

/**
 * The event ids and commitments of every export's lines. Resolves undefined when no worker could be
 * used (then the main thread computes everything); a line it cannot take is not marked hashed (the main
 * thread computes and reports it).
 */
export function commitmentsInWorker(exports: AgencyExport[]): Promise<Map<AgencyExport, Precomputed> | undefined> {
  const jobs = exports.map((x) => {
    const table = tableOf(x.lines);
    return { x, table, pairChunks: table.pairChunksToHash(), hashed: hashedOf(table) };
  });
  if (jobs.every((j) => j.table.length === 0)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(THREAD_FILE, { execArgv: THREAD_EXEC_ARGV });
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
        // The pair bytes are shared memory: the worker reads them where they are.
        jobs.forEach((j, id) => worker.postMessage({ id, count: j.table.length, chunkLines: EXPORT_CHUNK, pairChunks: j.pairChunks, hashed: j.hashed } satisfies ExportJob));
        return;
      }
      const j = jobs[m.id];
      const n = j.table.length;
      if (m.commitments.length !== n * 32) return finish(undefined);
      out.set(j.x, { ...idsOf(j.table), commitments: m.commitments, hashed: j.hashed });
      if (--pending === 0) finish(out);
    });
  });
}
