// The export lines' commitments (keccak256(salt ‖ dataDigest), one per line) hashed on a worker thread,
// so that the main thread verifies the chain's events meanwhile instead of hashing 10^5 to 10^6 export
// lines itself (the thread: commitment-thread.ts); the results come back as bytes (no string per line).
// Same keccak (hash-wasm) and the same results as fastCommitmentOf; lines it cannot take (not
// 0x-hex 32 bytes) are left to fastCommitmentOf on the main thread, which reports them as before. Where a
// worker cannot be started, the caller computes everything itself (CommitmentWorker.start → undefined).
// The lines go to the thread a run at a time (their salts and digests copied out of the export table's
// pages, which may be on disk: export-table.ts), so that what is in memory at once is a few runs, not an
// export; the commitments come back in the memory the pairs went in, which serves the next runs.
import type { Worker } from "node:worker_threads";
import type { ExportJob, ThreadMessage } from "./commitment-thread";
import type { ExportTable } from "./export-table";
import { startThread } from "./threads";

/** What the worker computed for a run of an export's lines, by line index from `from`. */
export interface Precomputed {
  /** the first line's index in its export */
  from: number;
  /** keccak256(salt ‖ dataDigest), 32 bytes a line, where `hashed` */
  commitments: Uint8Array<ArrayBuffer>;
  hashed: Uint8Array;
}

/** A worker thread that hashes runs of export lines, in the order asked. */
export class CommitmentWorker {
  private nextId = 0;
  private readonly waiting = new Map<number, (commitments: Uint8Array<ArrayBuffer> | undefined) => void>();
  private failed = false;
  /** memory of runs whose commitments were taken (recycle), for the next runs' pairs */
  private readonly spare: ArrayBuffer[] = [];

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
  static async start(): Promise<CommitmentWorker | undefined> {
    const worker = await startThread("commitment-thread");
    return worker && new CommitmentWorker(worker);
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
    const spare = this.spare.pop();
    const pairs = t.pairsOf(from, to, spare && spare.byteLength >= count * 64 ? new Uint8Array(spare, 0, count * 64) : new Uint8Array(count * 64));
    const id = this.nextId++;
    const commitments = await new Promise<Uint8Array<ArrayBuffer> | undefined>((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, count, pairs, hashed } satisfies ExportJob, [pairs.buffer]);
    });
    if (!commitments || commitments.length < count * 32) return undefined;
    return { from, commitments: commitments.subarray(0, count * 32), hashed };
  }

  /** The memory of a run whose commitments the caller has taken: the worker fills it again. */
  recycle(run: Precomputed): void {
    this.spare.push(run.commitments.buffer);
  }

  close(): void {
    this.failed = true;
    void this.worker.terminate();
  }
}
