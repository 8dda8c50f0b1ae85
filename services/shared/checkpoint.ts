// EIP-712 checkpoints over the chain's history. Each agency service signs one every
// CHECKPOINT_EVERY_BLOCKS blocks (both at the same heights, so each such block is co-signed); the audit
// verifies them to show that history was neither rewritten nor forked after an agency had seen it, and
// that the commitments up to there are the ones the agencies saw (the commitments root).
// The definition lives here so that signer and verifier share it.
//
// Three types, one per generation of the checkpoint; the audit verifies each row under the type its tree
// names, so checkpoints signed before a change stay verifiable:
//   CHECKPOINT_LOG_TYPES            stepCount and commitmentsLogRoot: the RFC 6962 tree in chain order
//                                   (commitments-log-root.ts) and its size; what the agencies sign from now on
//   CHECKPOINT_TYPES                commitmentsRoot: the sorted StandardMerkleTree (commitments-sorted-root.ts)
//   CHECKPOINT_TYPES_WITHOUT_ROOT   no root (before the root was part of the checkpoint)
// The log tree's field has its own name so that its type hash differs: a signature over one tree's root can
// never be read as a statement about the other tree. The log tree's size is signed with its root, as an
// RFC 6962 signed tree head signs (tree_size, root): an inclusion proof's leaf index and tree size are then
// bound by the signature, not only by the audit path's shape.
import { Signature, TypedDataEncoder, concat, getAddress, keccak256, type TypedDataDomain, type TypedDataField } from "ethers";
import { recoverSigner } from "./secp256k1-recovery";
import type { CommitmentsTree } from "./vocab/commitments-tree";

export const CHECKPOINT_DOMAIN_NAME = "AnkerLedger";
export const CHECKPOINT_DOMAIN_VERSION = "1";

export const CHECKPOINT_TYPES: Record<string, TypedDataField[]> = {
  Checkpoint: [
    { name: "chainId", type: "uint256" },
    { name: "ledger", type: "address" },
    { name: "blockNumber", type: "uint256" },
    { name: "blockHash", type: "bytes32" },
    { name: "caseCount", type: "uint256" },
    { name: "commitmentsRoot", type: "bytes32" },
  ],
};

/**
 * The type signed before commitmentsRoot was part of the checkpoint. Rows signed then have no root; the
 * audit still verifies their signature over this type (and says the root was not signed).
 */
export const CHECKPOINT_TYPES_WITHOUT_ROOT: Record<string, TypedDataField[]> = {
  Checkpoint: CHECKPOINT_TYPES.Checkpoint.filter((f) => f.name !== "commitmentsRoot"),
};

/** The type the agencies sign from now on: the root of the RFC 6962 log tree (commitments-log-root.ts). */
export const CHECKPOINT_LOG_TYPES: Record<string, TypedDataField[]> = {
  Checkpoint: [...CHECKPOINT_TYPES_WITHOUT_ROOT.Checkpoint, { name: "stepCount", type: "uint256" }, { name: "commitmentsLogRoot", type: "bytes32" }],
};

export interface Checkpoint {
  chainId: number;
  ledger: string;
  blockNumber: number;
  blockHash: string;
  /** distinct case references with a StepRecorded event up to and including blockNumber */
  caseCount: number;
  /**
   * the root of the tree `commitmentsTree` names over every StepRecorded up to and including blockNumber;
   * null only on checkpoints signed before the root was part of the type
   */
  commitmentsRoot: string | null;
  /** which tree commitmentsRoot is the root of (absent on rows signed before the log tree: "sorted") */
  commitmentsTree: CommitmentsTree;
  /** StepRecorded events up to and including blockNumber, the log tree's size: signed with its root, null (not signed) in the other types */
  stepCount: number | null;
}

/**
 * The heights the agencies sign: the multiples of `every` (CHECKPOINT_EVERY_BLOCKS) from the first at or after
 * the deployment block (never block 0) up to `through`. Both agency services sign these same heights, so each
 * is co-signed.
 */
export function checkpointHeights(deploymentBlock: number, every: number, through: number): number[] {
  const out: number[] = [];
  for (let b = firstCheckpointBlock(deploymentBlock, every); b <= through; b += every) out.push(b);
  return out;
}

/** The first height the agencies sign (checkpointHeights). */
export function firstCheckpointBlock(deploymentBlock: number, every: number): number {
  return Math.max(every, Math.ceil(deploymentBlock / every) * every);
}

export function checkpointDomain(chainId: number, ledger: string): TypedDataDomain {
  return { name: CHECKPOINT_DOMAIN_NAME, version: CHECKPOINT_DOMAIN_VERSION, chainId, verifyingContract: ledger };
}

// ethers' TypedDataEncoder.hash parses the types and hashes the domain again on every call (most of its
// 0.5 ms here); the encoder of each type and the separator of each domain are made once.
const encoders = new Map<Record<string, TypedDataField[]>, TypedDataEncoder>();
const separators = new Map<string, string>();

/** The EIP-712 digest an agency key signs for `cp`: TypedDataEncoder.hash's, keccak256(0x1901 ‖ domain separator ‖ struct hash). */
export function checkpointDigest(cp: Checkpoint): string {
  const [types, value] = typedDataOf(cp);
  let encoder = encoders.get(types);
  if (!encoder) encoders.set(types, (encoder = TypedDataEncoder.from(types)));
  const domainKey = `${cp.chainId}:${cp.ledger.toLowerCase()}`;
  let separator = separators.get(domainKey);
  if (separator === undefined) separators.set(domainKey, (separator = TypedDataEncoder.hashDomain(checkpointDomain(cp.chainId, cp.ledger))));
  return keccak256(concat(["0x1901", separator, encoder.hash(value)]));
}

/**
 * The address (checksummed) that signed `cp` with `signature`, as ethers' verifyTypedData gives it (the
 * signature read and checked by ethers), recovered by libsecp256k1 (secp256k1-recovery.ts): ethers' own
 * recovery took about 3 ms a signature, a thousand checkpoints a day in an audit.
 */
export function recoverCheckpointSigner(cp: Checkpoint, signature: string): string {
  const sig = Signature.from(signature);
  return getAddress(recoverSigner(checkpointDigest(cp), sig.r + sig.s.slice(2), sig.yParity));
}

/** The EIP-712 types and message of `cp`: the type of the tree it names, or the type without a root when it has none. */
export function typedDataOf(cp: Checkpoint): [Record<string, TypedDataField[]>, Record<string, unknown>] {
  const { chainId, ledger, blockNumber, blockHash, caseCount, commitmentsRoot } = cp;
  const base = { chainId, ledger, blockNumber, blockHash, caseCount };
  if (commitmentsRoot === null) return [CHECKPOINT_TYPES_WITHOUT_ROOT, base];
  if (cp.commitmentsTree === "sorted") return [CHECKPOINT_TYPES, { ...base, commitmentsRoot }];
  if (cp.stepCount === null) throw new Error(`a checkpoint over the log tree at block ${blockNumber} without its step count`);
  return [CHECKPOINT_LOG_TYPES, { ...base, stepCount: cp.stepCount, commitmentsLogRoot: commitmentsRoot }];
}
