// Salted commitments to off-chain step data.
// commitment = keccak256(salt ‖ keccak256(canonical JSON)): the chain holds the commitment, the agency keeps
// salt and data. The audit export carries salt and data digest only, so an auditor can check every
// commitment without seeing any data, and without the salt nobody can test guesses against the chain.
import { randomBytes } from "node:crypto";
import canonicalize from "canonicalize";
import { fastCommitmentOf, keccakHex } from "./keccak";

export function canonicalJson(data: unknown): string {
  const s = canonicalize(data);
  if (s === undefined) throw new Error("data cannot be canonicalised");
  return s;
}

export function dataDigest(canonical: string): string {
  return "0x" + keccakHex(Buffer.from(canonical, "utf8"));
}

/** salt and digest: 0x-hex 32 bytes each */
export function commitmentOf(salt: string, digest: string): string {
  return fastCommitmentOf(salt, digest);
}

export function newSalt(): string {
  return "0x" + randomBytes(32).toString("hex");
}

/** Commit to `data` with a fresh salt. */
export function commit(data: unknown): { canonical: string; salt: string; digest: string; commitment: string } {
  const canonical = canonicalJson(data);
  const salt = newSalt();
  const digest = dataDigest(canonical);
  return { canonical, salt, digest, commitment: commitmentOf(salt, digest) };
}
