// The commitments root of checkpoints signed before the log tree (commitmentsTree "sorted",
// vocab/commitments-tree.ts): the root of an OpenZeppelin StandardMerkleTree over every StepRecorded event
// up to and including the checkpoint's block, both agencies' events, leaf as commitment-leaf.ts. The
// agencies no longer sign it (commitments-log-root.ts replaced it: a tree over leaves sorted by hash cannot
// be extended, so every root re-sorts and re-hashes the whole prefix); the audit still recomputes it for
// checkpoints signed with it, and still checks the v1 inclusion proofs built on it (services/audit/merkle.ts).
//
// The root is computed here instead of with StandardMerkleTree.of because that library works on hex
// strings and takes about 25 s for 100,000 leaves on this machine. The algorithm is the library's
// (standardLeafHash, leaves sorted, makeMerkleTree's heap layout, standardNodeHash); the unit tests check
// the results against the library.
import { getBytes, keccak256, ZeroHash } from "ethers";
import { encodeCommitmentLeaf, encodeCommitmentLeafOfData, type CommitmentLeaf } from "./commitment-leaf";

/** The root of a ledger with no StepRecorded event up to the block (the library refuses an empty tree). */
export const EMPTY_COMMITMENTS_ROOT = ZeroHash;

/** keccak-256 of bytes as 32 bytes; the audit passes its WebAssembly keccak. */
export type Keccak = (bytes: Uint8Array) => Uint8Array;

export const ethersKeccak: Keccak = (bytes) => getBytes(keccak256(bytes));

/** standardLeafHash: keccak256(keccak256(abi.encode(leaf))). */
export function commitmentLeafHash(leaf: CommitmentLeaf, keccak: Keccak = ethersKeccak): Uint8Array {
  return keccak(keccak(encodeCommitmentLeaf(leaf)));
}

/** The same leaf hash from caseRef, packedStep and commitment as three consecutive 32-byte words from `at`. */
export function commitmentLeafHashOfData(blockNumber: number, logIndex: number, data: Uint8Array, at: number, keccak: Keccak = ethersKeccak): Uint8Array {
  return keccak(keccak(encodeCommitmentLeafOfData(blockNumber, logIndex, data, at)));
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
