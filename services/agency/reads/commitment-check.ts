// Checking stored step records against their on-chain commitments while reading (the timeline's `verified`):
// the same keccak256(salt ‖ keccak256(canonical JSON)) as services/shared/commitment.ts, computed with
// hash-wasm's Keccak instead of ethers' JavaScript one. Why: a timeline page checks up to `limit` records per
// read, and in JavaScript that was a large share of the page's CPU time; the WebAssembly hash is several
// times faster. The result is the same (the tests compare both).
import { createKeccak, type IHasher } from "hash-wasm";

export type CommitmentCheck = (salt: string, canonical: string, commitment: string) => boolean;

const SALT = /^0x(?:[0-9a-fA-F]{2})*$/;

let hasher: Promise<IHasher> | undefined;

/** The check, once its WebAssembly module is loaded (the first call loads it). */
export async function commitmentCheck(): Promise<CommitmentCheck> {
  hasher ??= createKeccak(256).catch((err: unknown) => {
    hasher = undefined;
    throw err;
  });
  const keccak = await hasher;
  // Synchronous from here on: the one hasher is never shared between two checks at once.
  return (salt, canonical, commitment) => {
    // a stored salt that is no hex byte string cannot match anything
    if (!SALT.test(salt)) return false;
    const digest = keccak.init().update(canonical).digest("binary");
    const recomputed = keccak.init().update(Buffer.from(salt.slice(2), "hex")).update(digest).digest("hex");
    return `0x${recomputed}` === commitment.toLowerCase();
  };
}
