// The export lines' commitments (keccak256(salt ‖ dataDigest), one per line) hashed on a worker thread,
// so that the main thread verifies the chain's events meanwhile instead of hashing ~10^5 export lines
// itself. Same keccak (hash-wasm) and the same results as fastCommitmentOf; lines it cannot take (not
// 0x-hex 32 bytes) are left to fastCommitmentOf on the main thread, which reports them as before. Where a
// worker cannot be started, the caller computes everything itself (commitmentsInWorker → undefined).
import { Worker } from "node:worker_threads";
import type { AgencyExport } from "./types";

// Plain JavaScript (eval'd), so that it runs without a TypeScript loader in the worker.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createKeccak } = require(workerData.hashWasm);
createKeccak(256).then((k) => {
  parentPort.on("message", (m) => {
    // keys: the event ids as 16 hex digits each (null when one does not fit)
    let keys = "";
    for (const id of m.ids.split(",")) {
      const key = BigInt(id).toString(16).padStart(16, "0");
      if (key.length !== 16) { keys = null; break; }
      keys += key;
    }
    // commitments: null when a salt or digest is not hex (the main thread reports it)
    const input = Buffer.from(m.pairs, "hex");
    let hex = null;
    if (input.length * 2 === m.pairs.length) {
      const n = input.length / 64;
      const out = Buffer.allocUnsafe(n * 32);
      for (let i = 0; i < n; i++) {
        k.init();
        k.update(input.subarray(i * 64, i * 64 + 64));
        out.set(k.digest("binary"), i * 32);
      }
      hex = out.toString("hex");
    }
    parentPort.postMessage({ id: m.id, keys, hex });
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
  /** eventKeyOf(ledgerEventId) of every line; undefined when the worker left them to the main thread */
  keys?: (i: number) => string;
  /** keccak256(salt ‖ dataDigest) as 64 hex digits (no 0x) where computed, else undefined */
  commitments: (string | undefined)[];
}

/**
 * The event-id keys and commitments of every export's lines. Resolves undefined when no worker could
 * be used or a line is malformed (then the main thread computes everything, and reports such lines).
 */
export function commitmentsInWorker(exports: AgencyExport[]): Promise<Map<AgencyExport, Precomputed> | undefined> {
  const jobs = exports.map((x) => {
    const at: number[] = [];
    const parts: string[] = [];
    const ids: string[] = new Array<string>(x.lines.length);
    x.lines.forEach((line, i) => {
      ids[i] = line.ledgerEventId;
      if (!hashable(line)) return;
      at.push(i);
      parts.push(line.salt!.slice(2), line.dataDigest!.slice(2));
    });
    return { x, at, pairs: parts.join(""), ids: ids.join(",") };
  });
  if (jobs.every((j) => j.x.lines.length === 0)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm: require.resolve("hash-wasm") } });
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
    worker.on("message", (m: { ready?: boolean; id?: number; keys?: string | null; hex?: string | null }) => {
      if (m.ready) {
        jobs.forEach((j, id) => worker.postMessage({ id, pairs: j.pairs, ids: j.ids }));
        return;
      }
      const j = jobs[m.id!];
      const hex = m.hex;
      if (typeof hex !== "string" || hex.length !== j.at.length * 64) return finish(undefined);
      const commitments = new Array<string | undefined>(j.x.lines.length);
      for (let k = 0; k < j.at.length; k++) commitments[j.at[k]] = hex.slice(k * 64, k * 64 + 64);
      const keys = m.keys;
      out.set(j.x, { commitments, keys: typeof keys === "string" && keys.length === j.x.lines.length * 16 ? (i) => keys.slice(i * 16, i * 16 + 16) : undefined });
      if (--pending === 0) finish(out);
    });
  });
}
