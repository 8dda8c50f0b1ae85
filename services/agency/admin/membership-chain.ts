// The governance part of the ledger as the admin area needs it: the membership and proposal events, and
// proposing and approving with this agency's key. A minimal ABI of its own (as directory/chain-reads.ts),
// so that the admin area does not wait for the adapter's generated types.
import { Contract, Interface, type Log, type Provider, type Wallet, type HDNodeWallet } from "ethers";

export const GOVERNANCE_ABI = [
  "event ProposalCreated(uint256 indexed id, address indexed proposer, uint8 action, address account, uint8 agency, uint8 agencyType, uint32 scope, string name, bytes32 codeListHash, bytes32 codeListVersion)",
  "event ProposalApproved(uint256 indexed id, address indexed member, uint32 approvals, uint32 required)",
  "event ProposalExecuted(uint256 indexed id)",
  "event AgencyJoined(uint8 indexed agency, uint8 agencyType, uint32 scope, string name)",
  "event MemberAdded(address indexed account, uint8 indexed agency)",
  "event MemberRemoved(address indexed account, uint8 indexed agency)",
  "function proposeAddMember(address account, uint8 agency, uint8 agencyType, uint32 scope, string name) returns (uint256)",
  "function proposeRemoveMember(address account) returns (uint256)",
  "function approve(uint256 id)",
  "function agencyOf(address account) view returns (uint8)",
  "error NotAMember(address account)",
  "error AlreadyMember(address account)",
  "error AlreadyApproved(uint256 id, uint8 agency)",
  "error ProposalStale(uint256 id)",
  "error ProposalAlreadyExecuted(uint256 id)",
  "error UnknownProposal(uint256 id)",
  "error UnknownAgency(uint8 agency)",
  "error UnknownAgencyType(uint8 agencyType)",
  "error AgencyMismatch(uint8 agency)",
  "error LastMember(address account)",
  "error ZeroAccount()",
];

export const GOVERNANCE = new Interface(GOVERNANCE_ABI);

export interface ParsedLog {
  name: string;
  args: readonly unknown[];
  block: number;
  index: number;
}

/** The membership and proposal events of the ledger from `fromBlock` on, in chain order. */
export async function governanceLogs(provider: Provider, address: string, fromBlock: number): Promise<ParsedLog[]> {
  const names = ["ProposalCreated", "ProposalApproved", "ProposalExecuted", "AgencyJoined", "MemberAdded", "MemberRemoved"];
  const topics = names.map((n) => GOVERNANCE.getEvent(n)!.topicHash);
  const logs: Log[] = await provider.getLogs({ address, fromBlock, toBlock: "latest", topics: [topics] });
  const out: ParsedLog[] = [];
  for (const log of logs) {
    try {
      const p = GOVERNANCE.parseLog({ topics: [...log.topics], data: log.data });
      if (p) out.push({ name: p.name, args: [...p.args], block: log.blockNumber, index: log.index });
    } catch {
      // an event of another shape (an older build): not ours to show
    }
  }
  return out.sort((a, b) => a.block - b.block || a.index - b.index);
}

/** The custom error of a refused governance call, e.g. "AlreadyApproved(3, 2)"; the node's message otherwise. */
export function governanceRevert(err: unknown): string {
  const e = err as { data?: unknown; info?: { error?: { data?: unknown } }; shortMessage?: string; message?: string };
  for (const data of [e.data, e.info?.error?.data]) {
    if (typeof data !== "string" || data.length < 10) continue;
    try {
      const parsed = GOVERNANCE.parseError(data);
      if (parsed) return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
    } catch {
      // not one of these errors
    }
  }
  return e.shortMessage ?? e.message ?? String(err);
}

export function governanceContract(address: string, signer: Wallet | HDNodeWallet): Contract {
  return new Contract(address, GOVERNANCE_ABI, signer);
}
