// The seal-check process (started by seal-check-worker.ts with --seal-checks; serves nothing when imported
// elsewhere): the commit seals of QBFT blocks recovered and checked against each block's validator set
// (checkSeals), for runs of blocks the audit hands over as it reads the headers. The recoveries are the
// larger part of a QBFT audit on a chain of many blocks (three libsecp256k1 recoveries a block with four
// validators); here they run beside the audit on another core. A process, not a worker thread: the
// `secp256k1` package's native addon keeps a static reference across Node environments, and a second
// worker thread loading it aborted the process (double free) in a probe here.
import { initFastKeccak } from "../../shared/keccak";
import type { Finding } from "../types";
import { checkSeals } from "./seal-checks";

/** bytes of a committed-seal hash, and of a seal (r ‖ s ‖ recovery id) */
export const HASH_BYTES = 32;
export const SEAL_BYTES = 65;

/** A run of blocks: block i is numbers[i], sealed over sealHashes[32i..], with sealCounts[i] seals from `seals`, checked against set setOf[i]. */
export interface SealRun {
  id: number;
  count: number;
  numbers: Float64Array<ArrayBuffer>;
  setOf: Int32Array<ArrayBuffer>;
  sealHashes: Uint8Array<ArrayBuffer>;
  sealCounts: Uint16Array<ArrayBuffer>;
  seals: Uint8Array<ArrayBuffer>;
  /** validator sets (ascending addresses) first used in this run, numbered on from the last run's */
  newSets: string[][];
}

export type SealCheckRequest = SealRun | { finish: true };

export type SealCheckMessage =
  | { ready: true }
  | { failed: string }
  /** per block of run `id`: the distinct validators that sealed it; and the findings of the run */
  | { id: number; sealers: Uint16Array<ArrayBuffer>; findings: Finding[] }
  /** after finish: the process's CPU time, microseconds */
  | { cpu: { user: number; system: number } };

/** Check run `r` against the validator sets known so far (`sets`, extended by the run's new ones). */
export function checkRun(r: SealRun, sets: string[][]): { sealers: Uint16Array<ArrayBuffer>; findings: Finding[] } {
  sets.push(...r.newSets);
  const sealers = new Uint16Array(r.count);
  const findings: Finding[] = [];
  const hex = Buffer.from(r.seals.buffer, r.seals.byteOffset, r.seals.byteLength);
  const hashes = Buffer.from(r.sealHashes.buffer, r.sealHashes.byteOffset, r.sealHashes.byteLength);
  for (let i = 0, at = 0; i < r.count; i++) {
    const seals: string[] = [];
    for (let k = 0; k < r.sealCounts[i]; k++, at += SEAL_BYTES) seals.push("0x" + hex.toString("hex", at, at + SEAL_BYTES));
    const check = checkSeals(r.numbers[i], "0x" + hashes.toString("hex", i * HASH_BYTES, (i + 1) * HASH_BYTES), seals, sets[r.setOf[i]]);
    sealers[i] = check.sealers.length;
    if (check.findings.length > 0) findings.push(...check.findings);
  }
  return { sealers, findings };
}

function serve(send: (m: SealCheckMessage) => void): void {
  const sets: string[][] = [];
  process.on("message", (r: SealCheckRequest) => {
    try {
      if ("finish" in r) return send({ cpu: process.cpuUsage() });
      const { sealers, findings } = checkRun(r, sets);
      send({ id: r.id, sealers, findings });
    } catch (err) {
      send({ failed: String(err) });
    }
  });
  // the address of a recovered key is a keccak: hash-wasm's, as in the audit
  void initFastKeccak().then(() => send({ ready: true }));
}

/** The argument the audit starts this module with. */
export const SEAL_CHECK_FLAG = "--seal-checks";

if (process.send && process.argv.includes(SEAL_CHECK_FLAG)) {
  const send = process.send.bind(process);
  serve((m) => send(m));
  // the audit gone (its channel closed): nothing left to do
  process.on("disconnect", () => process.exit(0));
}
