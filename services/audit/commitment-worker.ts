// The export lines' commitments (keccak256(salt ‖ dataDigest), one per line) hashed and their event ids
// parsed on a worker thread, so that the main thread verifies the chain's events meanwhile instead of
// hashing ~10^5 export lines itself; the results come back as bytes and numbers (no string per line).
// Same keccak (hash-wasm) and the same results as fastCommitmentOf; lines it cannot take (not
// 0x-hex 32 bytes) are left to fastCommitmentOf on the main thread, which reports them as before. Where a
// worker cannot be started, the caller computes everything itself (commitmentsInWorker → undefined).
// The salts and digests go to the worker as bytes, moved, not copied.
import { Worker } from "node:worker_threads";
import { DENSE_LIMIT } from "./event-id-index";
import type { AgencyExport } from "./types";

// Plain JavaScript (eval'd), so that it runs without a TypeScript loader in the worker.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
// A lower priority for this thread only (Linux: per thread): it hashes in the cycles that the main
// thread's verification and a local node leave, instead of slowing them down.
try { require("node:os").setPriority(10); } catch {}
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
    // Commitments of the lines marked hashed: keccak256(salt ‖ dataDigest), 32 bytes at the line's place.
    const commitments = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) {
      if (!m.hashed[i]) continue;
      k.init();
      k.update(m.pairs.subarray(i * 64, i * 64 + 64));
      commitments.set(k.digest("binary"), i * 32);
    }
    parentPort.postMessage({ id: m.id, agencies, seqs, commitments }, [agencies.buffer, seqs.buffer, commitments.buffer]);
  });
  parentPort.postMessage({ ready: true });
}, (err) => { throw err; });
`;

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
    worker.on("message", (m: { ready?: boolean; id?: number; agencies?: Uint8Array; seqs?: Float64Array; commitments?: Uint8Array }) => {
      if (m.ready) {
        jobs.forEach((j, id) => worker.postMessage({ id, count: j.x.lines.length, pairs: j.pairs, hashed: j.hashed, ids: j.ids }, [j.pairs.buffer as ArrayBuffer]));
        return;
      }
      const j = jobs[m.id!];
      const n = j.x.lines.length;
      if (m.commitments?.length !== n * 32 || m.agencies?.length !== n || m.seqs?.length !== n) return finish(undefined);
      out.set(j.x, { agencies: m.agencies, seqs: m.seqs, commitments: m.commitments, hashed: j.hashed });
      if (--pending === 0) finish(out);
    });
  });
}
