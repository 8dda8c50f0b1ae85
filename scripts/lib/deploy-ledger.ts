// Deploy the ledger to the chain at `url` with the agency keys from .data/keys/ (created on first use).
// Deploying twice to the same chain is a no-op that says so. Used by `npm run deploy` and `npm start`.
import { Wallet, keccak256, formatEther, parseEther, type Signer } from "ethers";
import { ProcedureLedger__factory } from "../../typechain-types";
import type { IConsortiumGovernance } from "../../typechain-types/contracts/ProcedureLedger";
import { CODE_LISTS, codeListHash, codeListVersionLabel, typeRightsOf, PILOT_AGENCIES, type CodeLists } from "../../services/shared/codelists";
import { keystorePassword, loadOrCreateKey, ensureConsortiumKey } from "../../services/shared/keystore";
import { readDeployment, writeDeployment, Deployment } from "../../services/shared/deployment";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DATA_DIR, DEPLOYMENT_FILE, DEFAULT_RPC_URL, KEYS_DIR, REPO_ROOT } from "../../services/shared/paths";
import { providerFor } from "./anvil";
import { mined } from "../../services/shared/mined";

// anvil's and Hardhat's first well-known development account; only for local chains.
const DEV_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const AGENCY_FUNDS = parseEther("1000");

export interface LedgerAccounts {
  BAMF: string;
  ZAB: string;
  auditor: string;
  /** the demo district authority (Landkreis Bautzen, {@link DEMO_DISTRICT_AGENCY}): a member from deployment when given */
  "ABH-14625"?: string;
}

/** A member agency as the deployment sets it up (agency number, type code, scope, name). */
export interface InitialAgency {
  key: string;
  agency: number;
  agencyType: number;
  scope: number;
  name: string;
}

/** The pilot agencies as the deployment makes them members: BAMF (agency 1, type 1) and ZAB (agency 2, type 2), Saxony. */
export const PILOT_MEMBER_AGENCIES: InitialAgency[] = PILOT_AGENCIES.map((a) => ({
  key: a.key,
  agency: a.code,
  agencyType: CODE_LISTS.agencyTypes.find((t) => t.key === a.type)!.code,
  scope: a.scope,
  name: a.de,
}));

/** The demo's district immigration authority: agency 3, type 3 (district authority), Landkreis Bautzen (14625). */
export const DEMO_DISTRICT_AGENCY: InitialAgency = {
  key: "ABH-14625",
  agency: 3,
  agencyType: CODE_LISTS.agencyTypes.find((t) => t.key === "DISTRICT_AUTHORITY")!.code,
  scope: 14625,
  name: "Landratsamt Bautzen, Ausländerbehörde",
};

/** The constructor's member list for `accounts`: the pilots, and the Bautzen district authority when it has an account. */
export function initialMembers(accounts: LedgerAccounts): IConsortiumGovernance.NewMemberStruct[] {
  const agencies = [...PILOT_MEMBER_AGENCIES, ...(accounts["ABH-14625"] ? [DEMO_DISTRICT_AGENCY] : [])];
  return agencies.map((a) => ({
    account: accounts[a.key as keyof LedgerAccounts]!,
    agency: a.agency,
    agencyType: a.agencyType,
    scope: a.scope,
    name: a.name,
  }));
}

/**
 * Deploy the ledger with the step rights of the code lists' agency types, BAMF and ZAB (and, when given,
 * the Bautzen district authority) as the member agencies and one auditor, and describe it as a deployment
 * record. The one place that deploys: `npm run deploy`, the test chains and the benchmarks.
 */
export async function deployLedgerContract(
  deployer: Signer,
  rpcUrl: string,
  accounts: LedgerAccounts,
  opts: { codeListHash?: string; nonce?: number; codeLists?: CodeLists } = {},
): Promise<Deployment> {
  const provider = deployer.provider!;
  // The rights and the version label come from the same lists whose hash goes on chain (by default the current ones).
  const lists = opts.codeLists ?? CODE_LISTS;
  const hash = opts.codeListHash ?? codeListHash(lists);
  const ledger = await new ProcedureLedger__factory(deployer).deploy(
    typeRightsOf(lists),
    initialMembers(accounts),
    [accounts.auditor],
    hash,
    codeListVersionLabel(lists),
    opts.nonce === undefined ? {} : { nonce: opts.nonce },
  );
  const receipt = await mined(ledger.deploymentTransaction()!);
  const address = await ledger.getAddress();
  return {
    chainId: Number((await provider.getNetwork()).chainId),
    rpcUrl,
    deployedAt: new Date().toISOString(),
    block: receipt.blockNumber,
    blockHash: receipt.blockHash,
    contracts: { ProcedureLedger: { address, codeHash: keccak256(await provider.getCode(address)), txHash: receipt.hash } },
    codeList: { hash, version: lists.version },
    // a copy: the record lists the first members' accounts by agency key
    accounts: { ...accounts },
  };
}

/** The runtime code of the ledger as this repository compiles it. */
function deployedBytecode(): string {
  const artifact = JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", "ProcedureLedger.sol", "ProcedureLedger.json"), "utf8"));
  return artifact.deployedBytecode as string;
}

export async function deployLedger(url: string = DEFAULT_RPC_URL): Promise<Deployment> {
  const provider = providerFor(url);
  const chainId = Number((await provider.getNetwork()).chainId);

  if (ensureConsortiumKey()) console.log(`created the consortium key for case references (${join(KEYS_DIR, "consortium.key")})`);
  const existing = readDeployment();
  if (existing && existing.chainId === chainId) {
    const code = await provider.getCode(existing.contracts.ProcedureLedger.address);
    if (code !== "0x" && keccak256(code) === existing.contracts.ProcedureLedger.codeHash) {
      console.log(`Already deployed on chain ${chainId}: ProcedureLedger at ${existing.contracts.ProcedureLedger.address} (block ${existing.block}). Nothing to do.`);
      if (code.toLowerCase() !== deployedBytecode().toLowerCase()) {
        console.warn(
          "WARNING: the deployed ledger runs other code than this build (contracts changed since). The audit will report it. " +
            `For a fresh local system with the new build, stop it and delete ${DATA_DIR}.`,
        );
      }
      return existing;
    }
    console.warn(`${DEPLOYMENT_FILE} names a ledger that chain ${chainId} does not have (a new chain?); deploying anew.`);
  }

  const { password, isDevDefault } = keystorePassword();
  if (isDevDefault) console.warn("WARNING: ANKER_KEYSTORE_PASSWORD is not set; the agency keystores use the development default password.");
  const keys = {
    BAMF: await loadOrCreateKey("bamf", password),
    ZAB: await loadOrCreateKey("zab", password),
    auditor: await loadOrCreateKey("auditor", password),
  };
  for (const [name, k] of Object.entries(keys)) {
    console.log(`${name} key ${k.wallet.address} (${k.created ? "new keystore" : "existing keystore"})`);
  }

  const deployer = new Wallet(process.env.DEPLOYER_PRIVATE_KEY ?? DEV_DEPLOYER_KEY, provider);
  let nonce = await provider.getTransactionCount(deployer.address, "pending");
  for (const agency of ["BAMF", "ZAB"] as const) {
    const to = keys[agency].wallet.address;
    if ((await provider.getBalance(to)) < AGENCY_FUNDS / 2n) {
      await mined(await deployer.sendTransaction({ to, value: AGENCY_FUNDS, nonce: nonce++ }));
      console.log(`funded ${agency} with ${formatEther(AGENCY_FUNDS)} ETH`);
    }
  }

  const deployment = await deployLedgerContract(deployer, url, {
    BAMF: keys.BAMF.wallet.address,
    ZAB: keys.ZAB.wallet.address,
    auditor: keys.auditor.wallet.address,
  }, { nonce });
  writeDeployment(deployment);
  console.log(
    `Deployed ProcedureLedger at ${deployment.contracts.ProcedureLedger.address} on chain ${chainId} (block ${deployment.block}); code lists ${CODE_LISTS.version}. Written to ${DEPLOYMENT_FILE}.`,
  );
  return deployment;
}

