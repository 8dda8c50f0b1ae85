// The admin area's membership page (issue 14): the member agencies and proposals as the chain records them,
// and this agency's vote: propose adding or removing a member account, approve a proposal. A majority of the
// member agencies (one vote per agency) carries a proposal out on chain.
//
// The transaction is signed with this agency's key (the keystore the service opened at start, opened again
// here once). Its nonce is taken from the node's pending count; the outbox writer, which otherwise owns
// the key's nonce, reconciles with the chain when it meets the nonce taken (writer.ts "nonce out of step"),
// so a vote costs at most one retried batch. Votes are rare, steps are many: the writer stays the one path
// for steps.
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";
import { Wallet, type HDNodeWallet, type Provider, type TransactionReceipt } from "ethers";
import type { ServiceContext } from "../context";
import type { Principal } from "../auth/roles";
import { actorOf } from "../auth/roles";
import { DEV_KEYSTORE_PASSWORD } from "../../shared/keystore";
import { ProblemError } from "../problems";
import { PROPOSAL_ACTIONS, type GovernanceTxResult, type MembershipAgency, type MembershipOverview, type MembershipProposal, type ProposeMembershipBody } from "../../shared/contract/membership";
import { GOVERNANCE, governanceContract, governanceLogs, governanceRevert } from "./membership-chain";
import { mined } from "../../shared/mined";

const wallets = new WeakMap<ServiceContext, Promise<Wallet | HDNodeWallet>>();

/** This agency's signing key, from the keystore main.ts opened (keys/<agency>.json in the state folder). */
function agencyWallet(ctx: ServiceContext): Promise<Wallet | HDNodeWallet> {
  // The running service's own key where its chain adapter holds it; else the keystore.
  const own = (ctx.chain as { governanceSigner?: () => Wallet | HDNodeWallet }).governanceSigner?.();
  if (own) return Promise.resolve(own);
  let w = wallets.get(ctx);
  if (!w) {
    const file = join(dirname(ctx.config.dataDir), "keys", `${ctx.config.agency.toLowerCase()}.json`);
    w = Wallet.fromEncryptedJson(readFileSync(file, "utf8"), ctx.config.keystorePassword ?? DEV_KEYSTORE_PASSWORD);
    w.catch(() => wallets.delete(ctx));
    wallets.set(ctx, w);
  }
  return w;
}

const num = (v: unknown) => Number(v as bigint);

interface GovernanceChain {
  provider: Provider;
  ledgerAddress: string;
  deploymentBlock: number;
  address: string;
}

/** The chain adapter behind the context's port (the service's own); a port without one cannot vote. */
function chainOf(ctx: ServiceContext): GovernanceChain {
  const c = ctx.chain as Partial<GovernanceChain>;
  if (!c.provider || !c.ledgerAddress || c.deploymentBlock === undefined || !c.address) throw new ProblemError("internal", "no chain adapter for governance calls");
  return c as GovernanceChain;
}

export async function membershipOverview(ctx: ServiceContext): Promise<MembershipOverview> {
  const chain = chainOf(ctx);
  const logs = await governanceLogs(chain.provider, chain.ledgerAddress, chain.deploymentBlock);
  const agencies = new Map<number, MembershipAgency>();
  const agencyOfAccount = new Map<string, number>();
  const proposals = new Map<number, MembershipProposal>();
  const self = chain.address.toLowerCase();
  let selfAgency = 0;
  for (const l of logs) {
    const a = l.args;
    if (l.name === "AgencyJoined") {
      agencies.set(num(a[0]), { agency: num(a[0]), agencyType: num(a[1]), scope: num(a[2]), name: String(a[3]), joinedBlock: l.block, accounts: [], active: false });
    } else if (l.name === "MemberAdded") {
      const account = String(a[0]);
      const agency = num(a[1]);
      agencyOfAccount.set(account.toLowerCase(), agency);
      if (account.toLowerCase() === self) selfAgency = agency;
      // A build without AgencyJoined (or a member added before it was emitted) still shows its agency.
      if (!agencies.has(agency)) agencies.set(agency, { agency, agencyType: 0, scope: 0, name: "", joinedBlock: l.block, accounts: [], active: false });
      agencies.get(agency)!.accounts.push({ agency, account, addedBlock: l.block, removedBlock: null });
    } else if (l.name === "MemberRemoved") {
      const entry = agencies.get(num(a[1]))?.accounts.find((x) => x.account.toLowerCase() === String(a[0]).toLowerCase() && x.removedBlock === null);
      if (entry) entry.removedBlock = l.block;
    } else if (l.name === "ProposalCreated") {
      const action = PROPOSAL_ACTIONS[num(a[2])] ?? "AddMember";
      proposals.set(num(a[0]), {
        id: num(a[0]),
        action,
        proposer: String(a[1]),
        account: String(a[3]),
        agency: num(a[4]),
        agencyType: num(a[5]),
        scope: num(a[6]),
        name: String(a[7]),
        block: l.block,
        approvals: 0,
        required: 0,
        approvedBy: [],
        executed: false,
        approvedByUs: false,
      });
    } else if (l.name === "ProposalApproved") {
      const p = proposals.get(num(a[0]));
      if (!p) continue;
      p.approvals = num(a[2]);
      p.required = num(a[3]);
      const agency = agencyOfAccount.get(String(a[1]).toLowerCase()) ?? 0;
      if (!p.approvedBy.includes(agency)) p.approvedBy.push(agency);
      if (agency === selfAgency && selfAgency !== 0) p.approvedByUs = true;
    } else if (l.name === "ProposalExecuted") {
      const p = proposals.get(num(a[0]));
      if (p) p.executed = true;
    }
  }
  for (const ag of agencies.values()) ag.active = ag.accounts.some((x) => x.removedBlock === null);
  return {
    self: { agency: selfAgency || ctx.config.agencyCode, account: chain.address },
    agencies: [...agencies.values()].sort((x, y) => x.agency - y.agency),
    proposals: [...proposals.values()].sort((x, y) => y.id - x.id),
  };
}

/** Send a governance call with this agency's key; a refusal becomes 409 naming the contract's error. */
async function sendGovernance(ctx: ServiceContext, principal: Principal, what: string, call: (c: ReturnType<typeof governanceContract>) => Promise<{ hash: string; provider: Provider }>): Promise<GovernanceTxResult> {
  const chain = chainOf(ctx);
  const wallet = (await agencyWallet(ctx)).connect(chain.provider);
  const contract = governanceContract(chain.ledgerAddress, wallet);
  let receipt: TransactionReceipt;
  try {
    receipt = await mined(await call(contract));
  } catch (err) {
    const reason = governanceRevert(err);
    ctx.log.warn({ by: actorOf(principal), what, reason }, "governance call refused");
    throw new ProblemError("conflict", `Vom Ledger abgelehnt / refused by the ledger: ${reason}`, undefined, { reason });
  }
  let id = -1;
  let executed = false;
  for (const log of receipt.logs) {
    let parsed;
    try {
      parsed = GOVERNANCE.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      continue;
    }
    if (!parsed) continue;
    if ((parsed.name === "ProposalCreated" || parsed.name === "ProposalApproved") && id < 0) id = Number(parsed.args[0]);
    if (parsed.name === "ProposalExecuted") executed = true;
  }
  // Who voted is on chain (the agency's account); the log names the staff member, as the admin trail would.
  ctx.log.info({ by: actorOf(principal), what, proposal: id, executed }, "governance vote sent");
  return { id, executed, txHash: receipt.hash, block: receipt.blockNumber };
}

export function proposeMembership(ctx: ServiceContext, principal: Principal, body: ProposeMembershipBody): Promise<GovernanceTxResult> {
  if (body.action === "AddMember") {
    return sendGovernance(ctx, principal, `propose AddMember agency ${body.agency}`, (c) =>
      c.getFunction("proposeAddMember")(body.account, body.agency, body.agencyType, body.scope, body.name),
    );
  }
  return sendGovernance(ctx, principal, "propose RemoveMember", (c) => c.getFunction("proposeRemoveMember")(body.account));
}

export function approveProposal(ctx: ServiceContext, principal: Principal, id: number): Promise<GovernanceTxResult> {
  return sendGovernance(ctx, principal, `approve proposal ${id}`, (c) => c.getFunction("approve")(id));
}
