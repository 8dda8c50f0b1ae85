// Which Merkle tree a checkpoint's commitments root is the root of. Checkpoints signed before the log tree
// name no tree and are the sorted one; the audit recomputes each checkpoint's root in the tree it names.
//   sorted   OpenZeppelin StandardMerkleTree: keccak-256, leaves sorted by hash (services/shared/commitments-sorted-root.ts);
//            cannot be extended, so each root re-sorts and re-hashes every leaf up to its block
//   rfc6962  RFC 6962 Merkle Tree Hash: SHA-256, leaves in chain order (services/shared/commitments-log-root.ts);
//            append-only, so every checkpoint's root comes from one pass with O(log n) hashes kept
export const COMMITMENTS_TREES = ["sorted", "rfc6962"] as const;
export type CommitmentsTree = (typeof COMMITMENTS_TREES)[number];

/** The tree the agency services sign from now on. */
export const CURRENT_COMMITMENTS_TREE: CommitmentsTree = "rfc6962";
