// EIP-712 checkpoints over the chain's history. Each agency service signs one every
// CHECKPOINT_EVERY_BLOCKS blocks (both at the same heights, so each such block is co-signed); the audit
// verifies them to show that history was neither rewritten nor forked after an agency had seen it, and
// that the commitments up to there are the ones the agencies saw (commitmentsRoot, commitments-root.ts).
// The definition lives here so that signer and verifier share it.
import { TypedDataEncoder, verifyTypedData, type TypedDataDomain, type TypedDataField } from "ethers";

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

export interface Checkpoint {
  chainId: number;
  ledger: string;
  blockNumber: number;
  blockHash: string;
  /** distinct case references with a StepRecorded event up to and including blockNumber */
  caseCount: number;
  /**
   * the StandardMerkleTree root over every StepRecorded up to and including blockNumber (commitments-root.ts);
   * null only on checkpoints signed before the root was part of the type
   */
  commitmentsRoot: string | null;
}

export function checkpointDomain(chainId: number, ledger: string): TypedDataDomain {
  return { name: CHECKPOINT_DOMAIN_NAME, version: CHECKPOINT_DOMAIN_VERSION, chainId, verifyingContract: ledger };
}

/** The EIP-712 digest an agency key signs for `cp`. */
export function checkpointDigest(cp: Checkpoint): string {
  const [types, value] = typedDataOf(cp);
  return TypedDataEncoder.hash(checkpointDomain(cp.chainId, cp.ledger), types, value);
}

/** The address that signed `cp` with `signature`. */
export function recoverCheckpointSigner(cp: Checkpoint, signature: string): string {
  const [types, value] = typedDataOf(cp);
  return verifyTypedData(checkpointDomain(cp.chainId, cp.ledger), types, value, signature);
}

/** The EIP-712 types and message of `cp`: with its root, or the type without one when it has none. */
export function typedDataOf(cp: Checkpoint): [Record<string, TypedDataField[]>, Record<string, unknown>] {
  const { chainId, ledger, blockNumber, blockHash, caseCount, commitmentsRoot } = cp;
  const base = { chainId, ledger, blockNumber, blockHash, caseCount };
  return commitmentsRoot === null ? [CHECKPOINT_TYPES_WITHOUT_ROOT, base] : [CHECKPOINT_TYPES, { ...base, commitmentsRoot }];
}
