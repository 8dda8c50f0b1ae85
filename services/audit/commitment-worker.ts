// The export lines' commitments (keccak256(salt ‖ dataDigest), one per line) hashed and their event ids
// parsed on a worker thread, so that the main thread verifies the chain's events meanwhile instead of
// hashing ~10^5 export lines itself; the results come back as bytes and numbers (no string per line).
// Same keccak (hash-wasm) and the same results as fastCommitmentOf; lines it cannot take (not
// 0x-hex 32 bytes) are left to fastCommitmentOf on the main thread, which reports them as before. Where a
// worker cannot be started, the caller computes everything itself (commitmentsInWorker → undefined).
import { Worker } from "node:worker_threads";
import { DENSE_LIMIT } from "./event-id-index";
import type { AgencyExport } from "./types";

// Plain JavaScript (eval'd), so that it runs without a TypeScript loader in the worker.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createKeccak } = require(workerData.hashWasm);
createKeccak(256).then((k) => {
  parentPort.on("message", (m) => {
    // Event ids: agency byte and sequence number where the sequence is below the dense limit, else NaN.
    const n = m.count;
    const agencies = new Uint8Array(n);
    const seqs = new Float64Array(n);
    const ids = n > 0 ? m.ids.split(",") : [];
    for (let i = 0; i < n; i++) {
      let id;
      try { id = BigInt(ids[i]); } catch { id = -1n; }
      const agency = id >> 56n;
      const seq = id & 0xffffffffffffffn;
      if (id >= 0n && agency < 256n && seq < BigInt(workerData.denseLimit)) { agencies[i] = Number(agency); seqs[i] = Number(seq); }
      else seqs[i] = NaN;
    }
    // Commitments of the lines at m.at, 32 bytes each at the line's place; none when a salt or digest
    // is not hex (the main thread reports it).
    const input = Buffer.from(m.pairs, "hex");
    let commitments = null;
    if (input.length * 2 === m.pairs.length && input.length === m.at.length * 64) {
      commitments = new Uint8Array(n * 32);
      for (let j = 0; j < m.at.length; j++) {
        k.init();
        k.update(input.subarray(j * 64, j * 64 + 64));
        commitments.set(k.digest("binary"), m.at[j] * 32);
      }
    }
    const transfer = [agencies.buffer, seqs.buffer];
    if (commitments) transfer.push(commitments.buffer);
    parentPort.postMessage({ id: m.id, agencies, seqs, commitments }, transfer);
  });
  parentPort.postMessage({ ready: true });
}, (err) => { throw err; });
`;

/** Whether a line's commitment is computed (as ExportIndex.add decides) and the worker can take it. */
function hashable(line: AgencyExport["lines"][number]): boolean {
  const { salt, dataDigest } = line;
  return !line.erased && !!salt && !!dataDigest && salt.length === 66 && dataDigest.length === 66 && salt.startsWith("0x") && dataDigest.startsWith("0x");
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
 * used or a line is malformed (then the main thread computes everything, and reports such lines).
 */
export function commitmentsInWorker(exports: AgencyExport[]): Promise<Map<AgencyExport, Precomputed> | undefined> {
  const jobs = exports.map((x) => {
    const at: number[] = [];
    const parts: string[] = [];
    const ids: string[] = new Array<string>(x.lines.length);
    const hashed = new Uint8Array(x.lines.length);
    x.lines.forEach((line, i) => {
      ids[i] = line.ledgerEventId;
      if (!hashable(line)) return;
      at.push(i);
      hashed[i] = 1;
      parts.push(line.salt!.slice(2), line.dataDigest!.slice(2));
    });
    return { x, at: Int32Array.from(at), hashed, pairs: parts.join(""), ids: ids.join(",") };
  });
  if (jobs.every((j) => j.x.lines.length === 0)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm: require.resolve("hash-wasm"), denseLimit: DENSE_LIMIT } });
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
    worker.on("message", (m: { ready?: boolean; id?: number; agencies?: Uint8Array; seqs?: Float64Array; commitments?: Uint8Array | null }) => {
      if (m.ready) {
        jobs.forEach((j, id) => worker.postMessage({ id, count: j.x.lines.length, pairs: j.pairs, ids: j.ids, at: j.at }));
        return;
      }
      const j = jobs[m.id!];
      const n = j.x.lines.length;
      if (!m.commitments || m.commitments.length !== n * 32 || m.agencies?.length !== n || m.seqs?.length !== n) return finish(undefined);
      out.set(j.x, { agencies: m.agencies, seqs: m.seqs, commitments: m.commitments, hashed: j.hashed });
      if (--pending === 0) finish(out);
    });
  });
}
