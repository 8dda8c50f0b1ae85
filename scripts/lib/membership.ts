// Membership governance from scripts (npm start's set-up vote, `npm run agency:onboard`, the tests): propose
// adding or removing a member agency's account, approve a proposal, read who is a member. It talks to the
// ledger through the ABI the build compiled (artifacts/), by function and parameter NAME, so it follows the
// contract's governance functions (`propose(action, …)` or the split `proposeAddMember(…)` /
// `proposeRemoveMember(…)`) without a second copy of their signatures here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Contract, Interface, ZeroHash, type ContractRunner, type FunctionFragment, type Log, type Provider } from "ethers";
import { REPO_ROOT } from "../../services/shared/paths";
import { mined } from "../../services/shared/mined";

/** The contract's Action enum (ConsortiumGovernance.sol), in its order. */
export const ACTION = { AddMember: 0, RemoveMember: 1, AddAuditor: 2, RemoveAuditor: 3, SetCodeList: 4 } as const;

/** A member agency's account to add: the agency's number, type code, scope and name (issue 14 design). */
export interface MemberProposal {
  account: string;
  agency: number;
  agencyType: number;
  scope: number;
  name: string;
}

export interface ProposalOutcome {
  id: bigint;
  /** a majority approved it with this transaction: the change is in force */
  executed: boolean;
  txHash: string;
  blockNumber: number;
}

let cachedInterface: Interface | undefined;

/** The ledger's ABI as this repository compiled it. */
export function ledgerInterface(): Interface {
  if (!cachedInterface) {
    const artifact = JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", "ProcedureLedger.sol", "ProcedureLedger.json"), "utf8")) as { abi: unknown[] };
    cachedInterface = new Interface(artifact.abi as never);
  }
  return cachedInterface;
}

/** The ledger at `address` for governance calls, signed by `runner` (a member's wallet) or read-only (a provider). */
export function governance(address: string, runner: ContractRunner): Contract {
  return new Contract(address, ledgerInterface(), runner);
}

const norm = (name: string) => name.replace(/^_+/, "").replace(/_$/, "").replace(/^new(?=[A-Z])/, "").toLowerCase();

/** Arguments for `fn` picked by parameter name from `values` (names compared without `_`/`new` and case). */
function argsByName(fn: FunctionFragment, values: Record<string, unknown>): unknown[] {
  const byName = new Map(Object.entries(values).map(([k, v]) => [norm(k), v]));
  return fn.inputs.map((input) => {
    const key = norm(input.name);
    if (!byName.has(key)) throw new Error(`${fn.name}(): no value for its parameter "${input.name}" (this script knows ${[...byName.keys()].join(", ")})`);
    return byName.get(key);
  });
}

function hasFunction(contract: Contract, name: string): FunctionFragment | undefined {
  return contract.interface.getFunction(name) ?? undefined;
}

/** Every value a proposal of the combined `propose(...)` may ask for, by name. */
function proposalValues(action: number, fields: Partial<MemberProposal> & { account: string }): Record<string, unknown> {
  return {
    action,
    account: fields.account,
    agency: fields.agency ?? 0,
    agencyType: fields.agencyType ?? 0,
    scope: fields.scope ?? 0,
    name: fields.name ?? "",
    codeListHash: ZeroHash,
    codeListVersion: ZeroHash,
    rights: [],
  };
}

async function send(contract: Contract, fn: FunctionFragment, args: unknown[]): Promise<ProposalOutcome & { created?: bigint }> {
  const tx = await contract.getFunction(fn.name)(...args);
  const receipt = await mined(tx);
  let id: bigint | undefined;
  let executed = false;
  for (const log of receipt.logs as Log[]) {
    const parsed = safeParse(contract.interface, log);
    if (parsed?.name === "ProposalCreated") id = BigInt(parsed.args[0]);
    if (parsed?.name === "ProposalApproved" && id === undefined) id = BigInt(parsed.args[0]);
    if (parsed?.name === "ProposalExecuted") executed = true;
  }
  if (id === undefined) throw new Error(`${fn.name}: the transaction ${tx.hash} carries no proposal event`);
  return { id, executed, txHash: tx.hash, blockNumber: receipt.blockNumber };
}

function safeParse(iface: Interface, log: Log) {
  try {
    return iface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null;
  }
}

/** Explains a revert by the contract's custom error name and arguments where the node says which. */
export function revertReason(err: unknown): string {
  const e = err as { revert?: { name?: string; args?: unknown[] }; shortMessage?: string; message?: string; data?: string };
  if (e.revert?.name) return `${e.revert.name}(${(e.revert.args ?? []).map(String).join(", ")})`;
  if (typeof e.data === "string" && e.data.length >= 10) {
    try {
      const parsed = ledgerInterface().parseError(e.data);
      if (parsed) return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
    } catch {
      // not one of the ledger's errors
    }
  }
  return e.shortMessage ?? e.message ?? String(err);
}

/** Propose adding `m.account` as a member of agency `m.agency` (joining the network if the agency is new). */
export async function proposeAddMember(contract: Contract, m: MemberProposal): Promise<ProposalOutcome> {
  const split = hasFunction(contract, "proposeAddMember");
  if (split) return send(contract, split, argsByName(split, { ...m }));
  const combined = hasFunction(contract, "propose")!;
  return send(contract, combined, argsByName(combined, proposalValues(ACTION.AddMember, m)));
}

/** Propose removing member account `account`: its writes are refused once a majority approved. */
export async function proposeRemoveMember(contract: Contract, account: string): Promise<ProposalOutcome> {
  const split = hasFunction(contract, "proposeRemoveMember");
  if (split) return send(contract, split, argsByName(split, { account }));
  const combined = hasFunction(contract, "propose")!;
  return send(contract, combined, argsByName(combined, proposalValues(ACTION.RemoveMember, { account })));
}

/** Approve proposal `id` for the signer's agency. */
export async function approveProposal(contract: Contract, id: bigint): Promise<ProposalOutcome> {
  return send(contract, contract.interface.getFunction("approve")!, [id]);
}

/** The agency an account writes for (0: none). */
export async function agencyOfAccount(contract: Contract, account: string): Promise<number> {
  return Number(await contract.getFunction("agencyOf")(account));
}

/** Type, scope and number of accounts of an agency; undefined while it has none (never joined, or left). */
export async function agencyInfo(contract: Contract, agency: number): Promise<{ agencyType: number; scope: number; accounts: number } | undefined> {
  if (!hasFunction(contract, "agencyInfo")) return undefined;
  const [agencyType, scope, accounts] = (await contract.getFunction("agencyInfo")(agency)) as [bigint, bigint, bigint];
  if (Number(accounts) === 0) return undefined;
  return { agencyType: Number(agencyType), scope: Number(scope), accounts: Number(accounts) };
}

/** One entry of the membership history: who joined or left, in which block. */
export interface MembershipEvent {
  kind: "AgencyJoined" | "MemberAdded" | "MemberRemoved";
  block: number;
  agency: number;
  account?: string;
  agencyType?: number;
  scope?: number;
  name?: string;
}

/** The membership history of the ledger from its deployment block, from the chain's events. */
export async function membershipHistory(provider: Provider, address: string, fromBlock: number): Promise<MembershipEvent[]> {
  const iface = ledgerInterface();
  const names = (["AgencyJoined", "MemberAdded", "MemberRemoved"] as const).filter((n) => iface.getEvent(n));
  const topics = names.map((n) => iface.getEvent(n)!.topicHash);
  const logs = await provider.getLogs({ address, fromBlock, toBlock: "latest", topics: [topics] });
  const out: MembershipEvent[] = [];
  for (const log of logs) {
    const p = safeParse(iface, log);
    if (!p) continue;
    const kind = p.name as MembershipEvent["kind"];
    if (kind === "AgencyJoined") out.push({ kind, block: log.blockNumber, agency: Number(p.args[0]), agencyType: Number(p.args[1]), scope: Number(p.args[2]), name: String(p.args[3]) });
    else out.push({ kind, block: log.blockNumber, account: String(p.args[0]), agency: Number(p.args[1]) });
  }
  return out;
}

/** The lowest agency number no account ever joined with (numbers are not reused: event ids carry them). */
export async function nextAgencyCode(provider: Provider, address: string, fromBlock: number): Promise<number> {
  const used = new Set((await membershipHistory(provider, address, fromBlock)).map((e) => e.agency));
  for (let code = 1; code <= 255; code++) if (!used.has(code)) return code;
  throw new Error("all 255 agency numbers are taken");
}
