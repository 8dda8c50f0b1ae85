// The commitments root a checkpoint signs, in either tree (services/shared/vocab/commitments-tree.ts), from
// the ledger's logs as a node returns them: what an agency's mirror gives, computed independently of the
// agency service.
import { isStepRecorded, LedgerLogDecoder, type StepRecorded } from "../../../services/audit/events";
import { CommitmentRoots } from "../../../services/audit/commitment-roots";
import { ethersKeccak } from "../../../services/shared/commitments-sorted-root";
import type { CommitmentsTree } from "../../../services/shared/vocab/commitments-tree";
import type { RpcLog } from "../../../services/audit/types";

export function commitmentsRootFromLogs(logs: RpcLog[], ledger: string, block: number, tree: CommitmentsTree = "rfc6962"): string {
  const decoder = new LedgerLogDecoder(ledger);
  const steps = logs.map((l) => decoder.decode(l)).filter((e): e is StepRecorded => isStepRecorded(e));
  const roots = new CommitmentRoots(steps, ethersKeccak);
  return tree === "rfc6962" ? roots.logRootAt(block) : roots.sortedRootAt(block);
}

/** StepRecorded events up to and including `block` (the log tree's size there), from the ledger's logs. */
export function stepCountFromLogs(logs: RpcLog[], ledger: string, block: number): number {
  const decoder = new LedgerLogDecoder(ledger);
  return logs.map((l) => decoder.decode(l)).filter((e): e is StepRecorded => isStepRecorded(e) && e.block <= block).length;
}

/** What a checkpoint over the log tree signs of the ledger's events at `block`, from a node's eth_getLogs. */
export async function logTreeOnChain(provider: { send(method: string, params: unknown[]): Promise<unknown> }, ledger: string, block: number): Promise<{ commitmentsRoot: string; stepCount: number; commitmentsTree: "rfc6962" }> {
  const logs = (await provider.send("eth_getLogs", [{ address: ledger, fromBlock: "0x0", toBlock: "0x" + block.toString(16) }])) as RpcLog[];
  return { commitmentsRoot: commitmentsRootFromLogs(logs, ledger, block, "rfc6962"), stepCount: stepCountFromLogs(logs, ledger, block), commitmentsTree: "rfc6962" };
}
