// The commitments root a checkpoint signs: the root of an OpenZeppelin StandardMerkleTree over every
// StepRecorded event up to and including the checkpoint's block, both agencies' events, leaf =
// [blockNumber, logIndex, caseRef, packedStep, commitment]. The audit's inclusion proofs
// (services/audit/merkle.ts) build the same tree with @openzeppelin/merkle-tree, so a proof up to a
// checkpoint's block has exactly the root the agencies signed.
//
// The root is computed here instead of with StandardMerkleTree.of because that library works on hex
// strings and takes about 25 s for 100,000 leaves on this machine; an agency signs a checkpoint every
// CHECKPOINT_EVERY_BLOCKS blocks over the whole history, and the audit recomputes the root at every
// checkpoint block. The algorithm is the library's (standardLeafHash, leaves sorted, makeMerkleTree's
// heap layout, standardNodeHash); the unit tests check the results against the library.
import { getBytes, keccak256, ZeroHash } from "ethers";

export const COMMITMENT_LEAF_ENCODING = ["uint256", "uint256", "bytes32", "uint256", "bytes32"] as const;

/** The root of a ledger with no StepRecorded event up to the block (the library refuses an empty tree). */
export const EMPTY_COMMITMENTS_ROOT = ZeroHash;

/** keccak-256 of bytes as 32 bytes; the audit passes its WebAssembly keccak. */
export type Keccak = (bytes: Uint8Array) => Uint8Array;

export const ethersKeccak: Keccak = (bytes) => getBytes(keccak256(bytes));

export interface CommitmentLeaf {
  blockNumber: number;
  logIndex: number;
  /** 0x-hex 32 bytes */
  caseRef: string;
  packedStep: bigint;
  /** 0x-hex 32 bytes */
  commitment: string;
}

function word(into: Uint8Array, at: number, value: bigint): void {
  if (value < 0n || value >> 256n !== 0n) throw new RangeError(`not a uint256: ${value}`);
  for (let i = 31; i >= 0; i--) {
    into[at + i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

function bytes32(into: Uint8Array, at: number, hex: string): void {
  const b = getBytes(hex);
  if (b.length !== 32) throw new RangeError(`not 32 bytes: ${hex}`);
  into.set(b, at);
}

/** standardLeafHash: keccak256(keccak256(abi.encode(leaf))); the five fields are static, 32 bytes each. */
export function commitmentLeafHash(leaf: CommitmentLeaf, keccak: Keccak = ethersKeccak): Uint8Array {
  const data = new Uint8Array(96);
  bytes32(data, 0, leaf.caseRef);
  word(data, 32, leaf.packedStep);
  bytes32(data, 64, leaf.commitment);
  return commitmentLeafHashOfData(leaf.blockNumber, leaf.logIndex, data, 0, keccak);
}

/**
 * The same leaf hash from caseRef, packedStep and commitment as three consecutive 32-byte words from
 * `at` (as the audit's log records hold a StepRecorded, so it need not decode them).
 */
export function commitmentLeafHashOfData(blockNumber: number, logIndex: number, data: Uint8Array, at: number, keccak: Keccak = ethersKeccak): Uint8Array {
  const enc = new Uint8Array(160);
  word(enc, 0, BigInt(blockNumber));
  word(enc, 32, BigInt(logIndex));
  enc.set(data.subarray(at, at + 96), 64);
  return keccak(keccak(enc));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The StandardMerkleTree root over leaf hashes (any order: the tree sorts them); 0x-hex. */
export function commitmentsRootOf(leafHashes: readonly Uint8Array[], keccak: Keccak = ethersKeccak): string {
  const n = leafHashes.length;
  if (n === 0) return EMPTY_COMMITMENTS_ROOT;
  const sorted = [...leafHashes].sort(compareBytes);
  // makeMerkleTree: 2n-1 nodes, leaf i at index 2n-2-i, node i = hash(node 2i+1, node 2i+2).
  const tree: Uint8Array[] = new Array<Uint8Array>(2 * n - 1);
  for (let i = 0; i < n; i++) tree[2 * n - 2 - i] = sorted[i];
  const pair = new Uint8Array(64);
  for (let i = n - 2; i >= 0; i--) {
    const [a, b] = [tree[2 * i + 1], tree[2 * i + 2]];
    const [lo, hi] = compareBytes(a, b) <= 0 ? [a, b] : [b, a];
    pair.set(lo, 0);
    pair.set(hi, 32);
    tree[i] = keccak(pair);
  }
  return "0x" + Buffer.from(tree[0]).toString("hex");
}
