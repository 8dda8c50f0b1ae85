// Deploy the ledger to the chain at `url` with the agency keys from .data/keys/ (created on first use).
// Deploying twice to the same chain is a no-op that says so. Used by `npm run deploy` and `npm start`.
import { Wallet, keccak256, formatEther, parseEther, type Signer } from "ethers";
import { ProcedureLedger__factory } from "../../typechain-types";
import { CODE_LISTS, codeListHash, codeListVersionLabel, AGENCY } from "../../services/shared/codelists";
import { keystorePassword, loadOrCreateKey, ensureConsortiumKey } from "../../services/shared/keystore";
import { readDeployment, writeDeployment, Deployment } from "../../services/shared/deployment";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DATA_DIR, DEPLOYMENT_FILE, DEFAULT_RPC_URL, KEYS_DIR, REPO_ROOT } from "../../services/shared/paths";
import { providerFor } from "./anvil";

// anvil's and Hardhat's first well-known development account; only for local chains.
const DEV_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const AGENCY_FUNDS = parseEther("1000");

export interface LedgerAccounts {
  BAMF: string;
  ZAB: string;
  auditor: string;
}

/**
 * Deploy the ledger with BAMF and ZAB as the member agencies and one auditor, and describe it as a
 * deployment record. The one place that deploys: `npm run deploy`, the test chains and the benchmarks.
 */
export async function deployLedgerContract(
  deployer: Signer,
  rpcUrl: string,
  accounts: LedgerAccounts,
  opts: { codeListHash?: string; nonce?: number } = {},
): Promise<Deployment> {
  const provider = deployer.provider!;
  const hash = opts.codeListHash ?? codeListHash(CODE_LISTS);
  const ledger = await new ProcedureLedger__factory(deployer).deploy(
    [accounts.BAMF, accounts.ZAB],
    [AGENCY.BAMF, AGENCY.ZAB],
    [accounts.auditor],
    hash,
    codeListVersionLabel(CODE_LISTS),
    opts.nonce === undefined ? {} : { nonce: opts.nonce },
  );
  const receipt = await ledger.deploymentTransaction()!.wait();
  if (!receipt) throw new Error("deployment transaction was not mined");
  const address = await ledger.getAddress();
  return {
    chainId: Number((await provider.getNetwork()).chainId),
    rpcUrl,
    deployedAt: new Date().toISOString(),
    block: receipt.blockNumber,
    blockHash: receipt.blockHash,
    contracts: { ProcedureLedger: { address, codeHash: keccak256(await provider.getCode(address)), txHash: receipt.hash } },
    codeList: { hash, version: CODE_LISTS.version },
    accounts,
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
      await (await deployer.sendTransaction({ to, value: AGENCY_FUNDS, nonce: nonce++ })).wait();
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

