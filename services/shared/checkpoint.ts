// EIP-712 checkpoints over the chain's history. Each agency service signs one every
// CHECKPOINT_EVERY_BLOCKS blocks; the audit verifies them to show that history was neither rewritten
// nor forked after an agency had seen it. The definition lives here so that signer and verifier share it.
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
  ],
};

export interface Checkpoint {
  chainId: number;
  ledger: string;
  blockNumber: number;
  blockHash: string;
  /** distinct case references with a StepRecorded event up to and including blockNumber */
  caseCount: number;
}

export function checkpointDomain(chainId: number, ledger: string): TypedDataDomain {
  return { name: CHECKPOINT_DOMAIN_NAME, version: CHECKPOINT_DOMAIN_VERSION, chainId, verifyingContract: ledger };
}

/** The EIP-712 digest an agency key signs for `cp`. */
export function checkpointDigest(cp: Checkpoint): string {
  return TypedDataEncoder.hash(checkpointDomain(cp.chainId, cp.ledger), CHECKPOINT_TYPES, cp);
}

/** The address that signed `cp` with `signature`. */
export function recoverCheckpointSigner(cp: Checkpoint, signature: string): string {
  return verifyTypedData(checkpointDomain(cp.chainId, cp.ledger), CHECKPOINT_TYPES, cp, signature);
}
