// keccak-256 for the hot paths: the audit's (hash chains, commitments, log blooms) and the agency
// service's (step commitments, the hashes of a signed batch transaction). After initFastKeccak() (the audit
// runner and the service call it once at start) the WebAssembly keccak of hash-wasm is used: about 0.9 µs
// per short input against 8.5 µs for the pure-JS keccak that ethers ships with, and for a batch of 250
// steps (24 KB to hash twice) it took the BAMF service's profile from 7.7 % to below 1 % (bench/throughput.ts,
// 2026-12-04). Before that, or where WebAssembly is not available, ethers' keccak256 is used: same results,
// slower. The unit tests check both against each other.
import { createKeccak, type IHasher } from "hash-wasm";
import { keccak256 } from "ethers";

let wasm: IHasher | undefined;

/** Load the WebAssembly keccak (once); the pure functions use it from then on. */
export async function initFastKeccak(): Promise<boolean> {
  if (wasm) return true;
  try {
    wasm = await createKeccak(256);
    return true;
  } catch {
    return false;
  }
}

/** Whether the WebAssembly keccak is in use. */
export function fastKeccakReady(): boolean {
  return wasm !== undefined;
}

/** keccak-256 of `bytes` as 64 lowercase hex digits, without 0x. */
export function keccakHex(bytes: Uint8Array): string {
  if (wasm) {
    wasm.init();
    wasm.update(bytes);
    const d = wasm.digest("binary");
    return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("hex");
  }
  return keccak256(bytes).slice(2);
}

/** keccak-256 of `bytes` as 32 bytes. */
export function keccakBytes(bytes: Uint8Array): Uint8Array {
  if (wasm) {
    wasm.init();
    wasm.update(bytes);
    return wasm.digest("binary");
  }
  return Buffer.from(keccak256(bytes).slice(2), "hex");
}

const scratch64 = Buffer.alloc(64);
const HEX_PREFIX = /^0x/;

/** commitment = keccak256(salt ‖ dataDigest), both 0x-hex 32 bytes (services/shared/commitment.ts). */
export function fastCommitmentOf(salt: string, digest: string): string {
  // Buffer.write stops at the first non-hex digit: fewer than 32 bytes written means malformed input.
  if (salt.length !== 66 || digest.length !== 66 || scratch64.write(salt.slice(2), 0, "hex") !== 32 || scratch64.write(digest.slice(2), 32, "hex") !== 32 || !HEX_PREFIX.test(salt) || !HEX_PREFIX.test(digest)) {
    throw new Error("salt and data digest must be 0x-hex 32 bytes each");
  }
  return "0x" + keccakHex(scratch64);
}
