// Signs checkpoints as an agency service does (EIP-712, services/shared/checkpoint.ts).
import type { Wallet } from "ethers";
import { checkpointDomain, typedDataOf, type Checkpoint } from "../../../services/shared/checkpoint";
import type { SignedCheckpoint } from "../../../services/audit/types";

export async function signCheckpoint(wallet: Wallet, cp: Checkpoint): Promise<SignedCheckpoint> {
  const [types, value] = typedDataOf(cp);
  const signature = await wallet.signTypedData(checkpointDomain(cp.chainId, cp.ledger), types, value);
  return { blockNumber: cp.blockNumber, blockHash: cp.blockHash, caseCount: cp.caseCount, commitmentsRoot: cp.commitmentsRoot, signer: wallet.address, signature };
}
