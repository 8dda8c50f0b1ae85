// The commitments root the agencies sign from now on (commitmentsTree "rfc6962", vocab/commitments-tree.ts):
// the RFC 6962 Merkle Tree Hash (§2.1, as Certificate Transparency and Rekor use it; RFC 9162 §2.1.1) over
// every StepRecorded event up to and including the checkpoint's block, both agencies' events, in chain
// order (block, then log index), leaf data = the 160 bytes of commitment-leaf.ts.
//   leaf hash   SHA-256(0x00 || data)
//   inner node  SHA-256(0x01 || left || right)
//   MTH(D[n])   splits at the largest power of two below n; the empty tree's root is SHA-256 of nothing
//               (RFC 6962's MTH({}) = HASH(), e3b0c442…b855), so standard CT tooling agrees on it too.
// Because the tree only grows at its right edge, a LogTreeFrontier (RFC 9162's compact range: the roots of
// the perfect subtrees the leaves so far decompose into, at most one per bit of n) gives the root after
// every appended leaf; the agency's CheckpointTally and the audit's CommitmentRoots keep only that.
//
// SHA-256, not keccak: standard transparency tooling checks these proofs, and on this machine (2 cores,
// Node 20.20.2, 2026-12-05 03:52, 10^6 hashes each) node:crypto's one-shot hash() takes 1.04 µs for an
// inner node (65 bytes) and 1.05 µs for a leaf (161 bytes), against 1.04 and 1.52 µs for hash-wasm's
// keccak and 1.57/1.63 µs for createHash() per call: no slower than keccak here.
import { hash } from "node:crypto";
import { COMMITMENT_LEAF_BYTES, encodeCommitmentLeaf, encodeCommitmentLeafOfData, type CommitmentLeaf } from "./commitment-leaf";

/** MTH of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_LOG_ROOT = "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** A leaf hash's input: 0x00 (RFC 6962's leaf prefix), then the 160 bytes of commitment-leaf.ts. */
export const LOG_LEAF_INPUT_BYTES = 1 + COMMITMENT_LEAF_BYTES;

const leafInput = new Uint8Array(LOG_LEAF_INPUT_BYTES); // leafInput[0] stays 0x00
const nodeInput = new Uint8Array(65);
nodeInput[0] = 0x01;

function sha256(bytes: Uint8Array): Uint8Array {
  return hash("sha256", bytes, "buffer");
}

/** RFC 6962 leaf hash of arbitrary leaf data (the known-answer tests use the standard vectors' data). */
export function rfc6962LeafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input.set(data, 1);
  return sha256(input);
}

/** RFC 6962 inner node hash. */
export function rfc6962NodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256(nodeInput);
}

/** The leaf hash of a leaf input laid out already (LOG_LEAF_INPUT_BYTES: 0x00, then the leaf's 160 bytes). */
export function logLeafHashOfInput(input: Uint8Array): Uint8Array {
  return sha256(input);
}

/** The log tree's leaf hash of a StepRecorded. */
export function logLeafHash(leaf: CommitmentLeaf): Uint8Array {
  encodeCommitmentLeaf(leaf, leafInput, 1);
  return logLeafHashOfInput(leafInput);
}

/** The same from caseRef, packedStep and commitment as three consecutive 32-byte words of `data` from `at`. */
export function logLeafHashOfData(blockNumber: number, logIndex: number, data: Uint8Array, at: number): Uint8Array {
  encodeCommitmentLeafOfData(blockNumber, logIndex, data, at, leafInput, 1);
  return logLeafHashOfInput(leafInput);
}

/** 32 bytes as 0x-hex. */
export function toHex32(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes.buffer, bytes.byteOffset, 32).toString("hex");
}

/**
 * The right edge of an RFC 6962 tree: append leaf hashes in order, read the root of the leaves so far at
 * any point. Holds at most one 32-byte hash per bit of the size (53 at most), whatever the size.
 */
export class LogTreeFrontier {
  /** roots of the perfect subtrees of the leaves so far, the largest (leftmost) first */
  private readonly nodes: Uint8Array[] = [];
  private n = 0;

  /** How many leaves were appended. */
  get size(): number {
    return this.n;
  }

  append(leafHash: Uint8Array): void {
    let node = leafHash;
    // Each trailing 1 bit of n is a perfect subtree of the same height as `node`: merge them.
    for (let m = this.n; m % 2 === 1; m = (m - 1) / 2) node = rfc6962NodeHash(this.nodes.pop()!, node);
    this.nodes.push(node);
    this.n++;
  }

  /** MTH of the leaves so far: the subtrees folded from the right (RFC 6962's split at the largest power of two). */
  rootBytes(): Uint8Array | undefined {
    const k = this.nodes.length;
    if (k === 0) return undefined;
    let acc = this.nodes[k - 1];
    for (let i = k - 2; i >= 0; i--) acc = rfc6962NodeHash(this.nodes[i], acc);
    return acc;
  }

  /** The root as 0x-hex; EMPTY_LOG_ROOT before any leaf. */
  root(): string {
    const r = this.rootBytes();
    return r === undefined ? EMPTY_LOG_ROOT : toHex32(r);
  }
}

/** MTH of leaf hashes given by index, over [from, to). */
function rangeRoot(leafHashAt: (i: number) => Uint8Array, from: number, to: number): Uint8Array {
  const f = new LogTreeFrontier();
  for (let i = from; i < to; i++) f.append(leafHashAt(i));
  return f.rootBytes()!;
}

/** The largest power of two below n (n > 1). */
function splitOf(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The RFC 6962 audit path (§2.1.1 PATH(m, D[n]), RFC 9162 §2.1.3.1) of leaf `index` in the tree of the
 * first `size` leaves, from the leaf's sibling up. Each leaf hash is read once (the path's siblings are
 * disjoint ranges), the memory is the frontier's.
 */
export function logAuditPath(leafHashAt: (i: number) => Uint8Array, index: number, size: number): Uint8Array[] {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Uint8Array[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitOf(hi - lo);
    if (index - lo < k) {
      path.push(rangeRoot(leafHashAt, lo + k, hi));
      hi = lo + k;
    } else {
      path.push(rangeRoot(leafHashAt, lo, lo + k));
      lo += k;
    }
  }
  return path.reverse();
}

/**
 * The root an audit path leads to (RFC 9162 §2.1.3.2), or undefined when index, size and path length do
 * not fit together. Numbers, not 32-bit shifts: sizes beyond 2^31 stay exact.
 */
export function rootFromAuditPath(leafHash: Uint8Array, index: number, size: number, path: readonly Uint8Array[]): Uint8Array | undefined {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  const half = (x: number): number => Math.floor(x / 2);
  for (const p of path) {
    if (p.length !== 32 || sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = rfc6962NodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = rfc6962NodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}
