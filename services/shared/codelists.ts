// The code lists' on-chain identity (hash and version label: ethers, kept out of the browser bundle) and,
// for the services' existing imports, the vocabulary (./vocab, browser-safe).
import canonicalize from "canonicalize";
import { keccak256, toUtf8Bytes, encodeBytes32String } from "ethers";
import type { CodeLists } from "./vocab/types";

export * from "./vocab";

/** keccak-256 of the RFC 8785 canonical JSON: the value recorded on chain. */
export function codeListHash(lists: CodeLists): string {
  const canonical = canonicalize(lists);
  if (canonical === undefined) throw new Error("code lists cannot be canonicalised");
  return keccak256(toUtf8Bytes(canonical));
}

export function codeListVersionLabel(lists: CodeLists): string {
  return encodeBytes32String(lists.version);
}
