// Signs checkpoints as an agency service does (EIP-712, services/shared/checkpoint.ts), under the type of
// the tree the checkpoint names (the log tree unless the test says "sorted", as rows signed before it).
import type { Wallet } from "ethers";
import { checkpointDomain, typedDataOf, type Checkpoint } from "../../../services/shared/checkpoint";
import type { SignedCheckpoint } from "../../../services/audit/types";

export async function signCheckpoint(wallet: Wallet, input: Omit<Checkpoint, "commitmentsTree" | "stepCount"> & Partial<Pick<Checkpoint, "commitmentsTree" | "stepCount">>): Promise<SignedCheckpoint> {
  const cp: Checkpoint = { ...input, commitmentsTree: input.commitmentsTree ?? "rfc6962", stepCount: input.stepCount ?? null };
  const [types, value] = typedDataOf(cp);
  const signature = await wallet.signTypedData(checkpointDomain(cp.chainId, cp.ledger), types, value);
  return { blockNumber: cp.blockNumber, blockHash: cp.blockHash, caseCount: cp.caseCount, commitmentsRoot: cp.commitmentsRoot, commitmentsTree: cp.commitmentsTree, stepCount: cp.stepCount, signer: wallet.address, signature };
}
