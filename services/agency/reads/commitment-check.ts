// Checking stored step records against their on-chain commitments while reading (the timeline's `verified`):
// services/shared/commitment.ts's keccak256(salt ‖ keccak256(canonical JSON)), on the WebAssembly keccak
// (services/shared/keccak.ts). Why that one: a timeline page checks up to `limit` records per read, and
// in JavaScript the hashing was a large share of the page's CPU time.
import { commitmentOf, dataDigest } from "../../shared/commitment";
import { initFastKeccak } from "../../shared/keccak";

export type CommitmentCheck = (salt: string, canonical: string, commitment: string) => boolean;

const SALT = /^0x[0-9a-fA-F]{64}$/;

/** The check, once the WebAssembly keccak is loaded (the service loads it at start; the first call here otherwise). */
export async function commitmentCheck(): Promise<CommitmentCheck> {
  await initFastKeccak();
  // a stored salt that is no 32-byte hex string cannot match anything
  return (salt, canonical, commitment) => SALT.test(salt) && commitmentOf(salt, dataDigest(canonical)) === commitment.toLowerCase();
}
