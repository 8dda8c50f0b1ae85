// The export lines' commitments (keccak256(salt ‖ dataDigest), one per line) hashed on a worker thread,
// so that the main thread verifies the chain's events meanwhile instead of hashing 10^5 to 10^6 export
// lines itself (the thread: commitment-thread.ts); the results come back as bytes (no string per line).
// Same keccak (hash-wasm) and the same results as fastCommitmentOf; lines it cannot take (not
// 0x-hex 32 bytes) are left to fastCommitmentOf on the main thread, which reports them as before. Where a
// worker cannot be started, the caller computes everything itself (CommitmentWorker.start → undefined).
// The lines go to the thread a run at a time (their salts and digests copied out of the export table's
// pages, which may be on disk: export-table.ts), so that what is in memory at once is a few runs, not an
// export; the event ids are read from the table's bytes here.
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ExportJob, ThreadMessage } from "./commitment-thread";
import { DENSE_LIMIT } from "./event-id-index";
import type { ExportTable } from "./export-table";

// The thread's module next to this one, as TypeScript under tsx (or JavaScript once compiled). A worker
// does not take tsx's ESM loader that `tsx file.ts` passes on in execArgv (it cannot resolve a .ts entry
// with it), and under `mocha -r tsx` there is none to inherit: tsx's CommonJS hook, given explicitly,
// loads it in both.
const THREAD_FILE = join(__dirname, `commitment-thread${extname(__filename)}`);
const THREAD_EXEC_ARGV = extname(__filename) === ".ts" ? ["--require", require.resolve("tsx/cjs")] : undefined;

/** What the worker computed for a run of an export's lines, by line index from `from`. */
export interface Precomputed {
  /** the first line's index in its export */
  from: number;
  /** the agency byte of each line's event id (where `seqs` is a number) */
  agencies: Uint8Array;
  /** each line's sequence number where it is below DENSE_LIMIT (event-id-index.ts), else NaN */
  seqs: Float64Array;
  /** keccak256(salt ‖ dataDigest), 32 bytes a line, where `hashed` */
  commitments: Uint8Array;
  hashed: Uint8Array;
}

const SEQUENCE_MASK = (1n << 56n) - 1n;

/** Agency byte and dense sequence number of the event id of each line in [from, to) (NaN where not dense), from the table's bytes. */
function idsOf(t: ExportTable, from: number, to: number): { agencies: Uint8Array; seqs: Float64Array } {
  const agencies = new Uint8Array(to - from);
  const seqs = new Float64Array(to - from);
  for (let i = from; i < to; i++) {
    const j = i - from;
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
      agencies[j] = dense ? Number(id >> 56n) : 0;
      seqs[j] = dense ? Number(seq) : NaN;
      continue;
    }
    const b = t.idBytes(i);
    const at = t.idAt(i);
    agencies[j] = b[at];
    seqs[j] = (b[at + 1] | b[at + 2] | b[at + 3] | b[at + 4]) === 0 ? (b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7] : NaN;
  }
  return { agencies, seqs };
}

/** A worker thread that hashes runs of export lines, in the order asked. */
export class CommitmentWorker {
  private nextId = 0;
  private readonly waiting = new Map<number, (commitments: Uint8Array | undefined) => void>();
  private failed = false;

  private constructor(private readonly worker: Worker) {
    const fail = () => {
      this.failed = true;
      for (const resolve of this.waiting.values()) resolve(undefined);
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    worker.on("message", (m: ThreadMessage) => {
      if ("failed" in m) return fail();
      if ("ready" in m) return;
      const resolve = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      resolve?.(m.commitments);
    });
  }

  /** A started worker, once it is ready; undefined where none could be started (the caller hashes itself). */
  static start(): Promise<CommitmentWorker | undefined> {
    return new Promise((resolve) => {
      let worker: Worker;
      try {
        worker = new Worker(THREAD_FILE, { execArgv: THREAD_EXEC_ARGV });
      } catch {
        resolve(undefined);
        return;
      }
      const early = (m: ThreadMessage) => {
        worker.off("message", early);
        worker.off("error", gone);
        worker.off("exit", gone);
        if ("ready" in m) resolve(new CommitmentWorker(worker));
        else {
          void worker.terminate();
          resolve(undefined);
        }
      };
      const gone = () => resolve(undefined);
      worker.on("message", early);
      worker.on("error", gone);
      worker.on("exit", gone);
    });
  }

  /**
   * The event ids and commitments of lines [from, to) of `t`; undefined when the worker failed (the
   * caller computes them). A line it cannot take is not marked hashed (the main thread computes and
   * reports it).
   */
  async linesOf(t: ExportTable, from: number, to: number): Promise<Precomputed | undefined> {
    if (this.failed) return undefined;
    const count = to - from;
    const hashed = t.hashableOf(from, to);
    const pairs = t.pairsOf(from, to, hashed);
    const id = this.nextId++;
    const commitments = await new Promise<Uint8Array | undefined>((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, count, pairs, hashed } satisfies ExportJob, [pairs.buffer]);
    });
    if (!commitments || commitments.length !== count * 32) return undefined;
    return { from, ...idsOf(t, from, to), commitments, hashed };
  }

  close(): void {
    this.failed = true;
    void this.worker.terminate();
  }
}
