// The commitment worker's thread (started by commitment-worker.ts; runs nothing when imported
// elsewhere): for each run of export lines it receives, the commitments keccak256(salt ‖ dataDigest)
// hashed, with hash-wasm's keccak like fastCommitmentOf, from the lines' pair bytes (moved here, not
// copied). The results go back in the same memory, moved, not copied: the caller uses it again for the
// next run instead of leaving a new buffer per run to the collector. (splitEventIds: the event ids of
// lines the table keeps as they were read, on the main thread.)
import { setPriority } from "node:os";
import { parentPort, type MessagePort } from "node:worker_threads";
import { createKeccak, type IHasher } from "hash-wasm";

/** A run of an export's lines, as the main thread hands it over. */
export interface ExportJob {
  id: number;
  count: number;
  /** salt ‖ dataDigest of each line, 64 bytes a line, where `hashed` */
  pairs: Uint8Array<ArrayBuffer>;
  hashed: Uint8Array;
}

export interface JobResult {
  id: number;
  /** the job's pair memory: keccak256 of line i's pair at i * 32 */
  commitments: Uint8Array<ArrayBuffer>;
}

export type ThreadMessage = { ready: true } | { failed: string } | JobResult;

const SEQUENCE_MASK = (1n << 56n) - 1n;

/** Agency byte and sequence number of each event id where the sequence is below `denseLimit`, else NaN. */
export function splitEventIds(ids: string, count: number, denseLimit: number): { agencies: Uint8Array<ArrayBuffer>; seqs: Float64Array<ArrayBuffer> } {
  const agencies = new Uint8Array(count);
  const seqs = new Float64Array(count);
  const list = count > 0 ? ids.split(",") : [];
  const limit = BigInt(denseLimit);
  for (let i = 0; i < count; i++) {
    let id: bigint;
    try {
      id = BigInt(list[i]);
    } catch {
      id = -1n;
    }
    const agency = id >> 56n;
    const seq = id & SEQUENCE_MASK;
    if (id >= 0n && agency < 256n && seq < limit) {
      agencies[i] = Number(agency);
      seqs[i] = Number(seq);
    } else seqs[i] = NaN;
  }
  return { agencies, seqs };
}

/**
 * keccak256 of each marked 64-byte pair, 32 bytes at the line's place (zeros where not marked), into
 * `out` (it may be `pairs` itself: line i's commitment goes where pairs before it were, already read).
 */
export function hashPairs(keccak: IHasher, pairs: Uint8Array, hashed: Uint8Array, count: number, out: Uint8Array<ArrayBuffer> = new Uint8Array(count * 32)): Uint8Array<ArrayBuffer> {
  for (let i = 0; i < count; i++) {
    if (!hashed[i]) {
      out.fill(0, i * 32, i * 32 + 32);
      continue;
    }
    keccak.init();
    keccak.update(pairs.subarray(i * 64, i * 64 + 64));
    out.set(keccak.digest("binary"), i * 32);
  }
  return out;
}

async function serve(port: MessagePort): Promise<void> {
  // A lower priority for this thread only (Linux: per thread): it hashes in the cycles that the main
  // thread's verification and a local node leave, instead of slowing them down.
  try {
    setPriority(10);
  } catch {
    /* not permitted here: run at normal priority */
  }
  const keccak = await createKeccak(256);
  port.on("message", (job: ExportJob) => {
    const commitments = hashPairs(keccak, job.pairs, job.hashed, job.count, job.pairs);
    const result: JobResult = { id: job.id, commitments };
    port.postMessage(result, [commitments.buffer]);
  });
  port.postMessage({ ready: true } satisfies ThreadMessage);
}

if (parentPort) {
  const port = parentPort;
  serve(port).catch((err: unknown) => port.postMessage({ failed: String(err) } satisfies ThreadMessage));
}
