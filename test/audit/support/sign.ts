// Signs checkpoints as an agency service does (EIP-712, services/shared/checkpoint.ts).
import type { Wallet } from "ethers";
import { CHECKPOINT_TYPES, checkpointDomain, type Checkpoint } from "../../../services/shared/checkpoint";
import type { SignedCheckpoint } from "../../../services/audit/types";

export async function signCheckpoint(wallet: Wallet, cp: Checkpoint): Promise<SignedCheckpoint> {
  const signature = await wallet.signTypedData(checkpointDomain(cp.chainId, cp.ledger), CHECKPOINT_TYPES, { ...cp });
  return { blockNumber: cp.blockNumber, blockHash: cp.blockHash, caseCount: cp.caseCount, signer: wallet.address, signature };
}
