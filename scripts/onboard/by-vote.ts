// The whole onboarding of a member by vote on one machine, where the voting members' keystores lie in the
// same state folder: npm start's Landkreis Bautzen, `npm run agency:onboard -- --approve-as …` and the
// onboarding test. The same steps (flow.ts) an operator runs one by one across agencies.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Provider } from "ethers";
import { prepareMember, type PrepareOptions, type PreparedMember } from "./member-kit";
import { approveMembership, fundMember, handOverConsortiumKey, isMember, memberWallet, proposeMembership, unsealIntoKeyStore } from "./flow";

export interface ByVoteOptions extends PrepareOptions {
  provider: Provider;
  ledgerAddress: string;
  /** the state folder holding the voting members' keystores and the consortium key */
  networkRoot: string;
  /** the member that proposes and later seals the consortium key, e.g. "BAMF" */
  proposer: string;
  /** members that approve, in order, until the proposal is carried out, e.g. ["ZAB"] */
  approvers: string[];
  say?: (line: string) => void;
}

export interface OnboardedMember extends PreparedMember {
  /** the proposal's id; undefined when the account was a member already (a repeated start) */
  proposalId?: bigint;
  consortiumKeyFingerprint: string;
}

export async function onboardByVote(opts: ByVoteOptions): Promise<OnboardedMember> {
  const say = opts.say ?? (() => {});
  const kit = await prepareMember(opts);
  let proposalId: bigint | undefined;
  if (!(await isMember(opts.provider, opts.ledgerAddress, kit.request))) {
    await fundMember(opts.provider, kit.request.account, say);
    const proposer = await memberWallet(opts.networkRoot, opts.proposer, opts.password, opts.provider);
    let outcome = await proposeMembership(opts.ledgerAddress, proposer, kit.request);
    proposalId = outcome.id;
    say(`  ${opts.proposer} proposed ${kit.request.key} (agency ${kit.request.agency}, ${kit.request.typeKey}, scope ${kit.request.scope}) as a member: proposal ${outcome.id}.`);
    for (const approver of opts.approvers) {
      if (outcome.executed) break;
      outcome = await approveMembership(opts.ledgerAddress, await memberWallet(opts.networkRoot, approver, opts.password, opts.provider), outcome.id);
      say(`  ${approver} approved proposal ${outcome.id}${outcome.executed ? ": carried out, " + kit.request.key + " is a member" : ""}.`);
    }
    if (!outcome.executed) throw new Error(`proposal ${outcome.id} to add ${kit.request.key} has no majority after ${[opts.proposer, ...opts.approvers].join(", ")}`);
  }
  const consortiumKeyHex = readFileSync(join(opts.networkRoot, "keys", "consortium.key"), "utf8").trim();
  await handOverConsortiumKey({ provider: opts.provider, ledgerAddress: opts.ledgerAddress, request: kit.request, consortiumKeyHex, memberRoot: kit.paths.root });
  const opened = await unsealIntoKeyStore(kit.paths.root, kit.request.key, opts.password);
  say(`  ${opts.proposer} sealed the consortium key to ${kit.request.key}; ${kit.request.key} opened it (fingerprint ${opened.fingerprint}${opened.written ? ", stored" : ", same key as on file"}).`);
  return { ...kit, proposalId, consortiumKeyFingerprint: opened.fingerprint };
}
