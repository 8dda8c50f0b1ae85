// The steps of onboarding after the kit is prepared (member-kit.ts), shared by `npm run agency:onboard`,
// npm start's set-up vote for Landkreis Bautzen and the onboarding test, so the demo exercises the real path:
//   1. an existing member proposes AddMember (account, agency, type, scope, name) — with its key here (the
//      demo, or an operator at that member), or through its admin API (POST /api/admin/membership/proposals);
//   2. the other members approve until a majority of agencies did (admin API / web page, or here);
//   3. once the chain lists the account as a member, an existing member seals the consortium key to the new
//      member's public sealing key (never before: a key for a rejected applicant is never made);
//   4. the new member opens it with its private sealing key and stores keys/consortium.key (mode 0600).
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Wallet, parseEther, formatEther, type HDNodeWallet, type Provider } from "ethers";
import { governance, proposeAddMember, approveProposal, agencyOfAccount, revertReason, type ProposalOutcome } from "../lib/membership";
import { memberPaths, type MembershipRequest } from "./member-kit";
import { consortiumKeyFingerprint, parsePublicJwk, sealConsortiumKey, sealedKeyHeader, unsealConsortiumKey } from "./sealing";
import { mined } from "../../services/shared/mined";

/** anvil's and Hardhat's first development account: funds new members on a local chain only. */
const DEV_FUNDER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const MEMBER_FUNDS = parseEther("1000");

/** An existing member's signing key from its keystore in `root`/keys (the demo, or an operator there). */
export async function memberWallet(root: string, key: string, password: string, provider: Provider): Promise<Wallet | HDNodeWallet> {
  const file = join(root, "keys", `${key.toLowerCase()}.json`);
  if (!existsSync(file)) throw new Error(`no keystore for ${key} at ${file}`);
  try {
    return (await Wallet.fromEncryptedJson(readFileSync(file, "utf8"), password)).connect(provider);
  } catch {
    throw new Error(`keystore ${file} cannot be opened: wrong ANKER_KEYSTORE_PASSWORD?`);
  }
}

/**
 * Gas for the new member's account on a chain that charges for it (anvil): from DEPLOYER_PRIVATE_KEY or, on
 * a local chain, the development account. A zero-gas-price consortium chain (Besu) needs none.
 */
export async function fundMember(provider: Provider, account: string, say: (line: string) => void): Promise<void> {
  const fee = await provider.getFeeData();
  if ((fee.gasPrice ?? 0n) === 0n && (fee.maxFeePerGas ?? 0n) === 0n) return;
  if ((await provider.getBalance(account)) >= MEMBER_FUNDS / 2n) return;
  const funder = new Wallet(process.env.DEPLOYER_PRIVATE_KEY ?? DEV_FUNDER_KEY, provider);
  if ((await provider.getBalance(funder.address)) < MEMBER_FUNDS * 2n) {
    say(`  The account ${account} has no funds for gas and ${funder.address} cannot fund it: fund it before the service starts.`);
    return;
  }
  await mined(await funder.sendTransaction({ to: account, value: MEMBER_FUNDS }));
  say(`  Funded ${account} with ${formatEther(MEMBER_FUNDS)} ETH for gas.`);
}

/** Step 1: `proposer` (an existing member's wallet) proposes the request on chain. */
export async function proposeMembership(ledgerAddress: string, proposer: Wallet | HDNodeWallet, request: MembershipRequest): Promise<ProposalOutcome> {
  const ledger = governance(ledgerAddress, proposer);
  try {
    return await proposeAddMember(ledger, { account: request.account, agency: request.agency, agencyType: request.agencyType, scope: request.scope, name: request.name });
  } catch (err) {
    throw new Error(`the proposal to add ${request.key} was refused: ${revertReason(err)}`);
  }
}

/** Step 2: `member` approves proposal `id` for its agency. */
export async function approveMembership(ledgerAddress: string, member: Wallet | HDNodeWallet, id: bigint): Promise<ProposalOutcome> {
  try {
    return await approveProposal(governance(ledgerAddress, member), id);
  } catch (err) {
    throw new Error(`approving proposal ${id} was refused: ${revertReason(err)}`);
  }
}

/** Whether the chain lists the request's account as a member of its agency. */
export async function isMember(provider: Provider, ledgerAddress: string, request: MembershipRequest): Promise<boolean> {
  return (await agencyOfAccount(governance(ledgerAddress, provider), request.account)) === request.agency;
}

/**
 * Step 3, at an existing member: seal its consortium key (hex, from its own key store) to the new member,
 * after checking on chain that the vote admitted it. Writes the sealed key into the member's onboarding
 * folder (the demo: one machine; else the operator hands the file over) and returns its header for the record.
 */
export async function handOverConsortiumKey(opts: {
  provider: Provider;
  ledgerAddress: string;
  request: MembershipRequest;
  consortiumKeyHex: string;
  memberRoot: string;
}): Promise<{ file: string; fingerprint: string }> {
  if (!(await isMember(opts.provider, opts.ledgerAddress, opts.request))) {
    throw new Error(`${opts.request.key} (${opts.request.account}) is not a member of agency ${opts.request.agency} on chain yet: the consortium key is sealed only after the vote`);
  }
  const jwe = await sealConsortiumKey(opts.consortiumKeyHex, parsePublicJwk(opts.request.sealingPublicJwk), opts.request.key);
  const file = memberPaths(opts.memberRoot, opts.request.key).sealedConsortiumKey;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, jwe + "\n", { mode: 0o600 });
  return { file, fingerprint: sealedKeyHeader(jwe).fingerprint };
}

/**
 * Step 4, at the new member: open the sealed key and store it as keys/consortium.key. Where the folder
 * already holds a consortium key (the demo's shared folder) the two must be the same key.
 */
export async function unsealIntoKeyStore(memberRoot: string, key: string, password: string): Promise<{ file: string; fingerprint: string; written: boolean }> {
  const paths = memberPaths(memberRoot, key);
  if (!existsSync(paths.sealedConsortiumKey)) throw new Error(`${paths.sealedConsortiumKey} is missing: an existing member hands the sealed key over first`);
  const hex = await unsealConsortiumKey(readFileSync(paths.sealedConsortiumKey, "utf8").trim(), readFileSync(paths.sealingKey, "utf8").trim(), password, key);
  const fingerprint = consortiumKeyFingerprint(Buffer.from(hex, "hex"));
  if (existsSync(paths.consortiumKey)) {
    const present = Buffer.from(readFileSync(paths.consortiumKey, "utf8").trim().replace(/^0x/, ""), "hex");
    if (consortiumKeyFingerprint(present) !== fingerprint) throw new Error(`${paths.consortiumKey} holds another consortium key than the one handed over; case references would differ`);
    return { file: paths.consortiumKey, fingerprint, written: false };
  }
  mkdirSync(dirname(paths.consortiumKey), { recursive: true, mode: 0o700 });
  writeFileSync(paths.consortiumKey, hex + "\n", { mode: 0o600 });
  return { file: paths.consortiumKey, fingerprint, written: true };
}
