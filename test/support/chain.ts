// A throwaway local chain for the service tests: anvil (or Hardhat's node, a second EVM implementation) on
// a free port with its own state directory, the ledger deployed with the typechain factory, agency
// keystores and a deployment record written into a temporary ANKER_DATA_DIR. Nothing here touches .data/
// or port 8545.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { Wallet, parseEther, encryptKeystoreJsonSync, type JsonRpcProvider } from "ethers";
import { startAnvil, stopAnvil, waitForChain, providerFor } from "../../scripts/lib/anvil";
import { startHardhatNode, stopHardhatNode, waitForHardhatNode } from "../../scripts/lib/hardhat-node";
import { deployLedgerContract } from "../../scripts/lib/deploy-ledger";
import { writeDeployment, type Deployment } from "../../services/shared/deployment";
import type { CodeLists } from "../../services/shared/codelists";
import { DEV_KEYSTORE_PASSWORD } from "../../services/shared/keystore";
import { mined } from "../../services/shared/mined";

// The first well-known development account (anvil and Hardhat derive it from the same mnemonic): funds
// the agency keys and deploys.
const DEV_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** anvil persists its state and knows anvil_ and evm_ calls; Hardhat's node keeps no state across a restart. */
export type TestNode = "anvil" | "hardhat";

export interface TestChain {
  node: TestNode;
  port: number;
  rpcUrl: string;
  /** the temporary ANKER_DATA_DIR: keys/, deployment.json, chain/ */
  dataDir: string;
  deploymentFile: string;
  deployment: Deployment;
  /** "ABH-14625" (agency 3, district authority Bautzen 14625) only with the option `districtAgency` */
  wallets: { BAMF: Wallet; ZAB: Wallet; auditor: Wallet; "ABH-14625"?: Wallet };
  consortiumKeyHex: string;
  provider: JsonRpcProvider;
  /** the node's process id (benches read its CPU time) */
  pid(): number | undefined;
  /** SIGTERM: anvil writes its state and stops */
  stop(): Promise<void>;
  /** start anvil again on the same port and state (anvil only: Hardhat's node would start empty) */
  restart(): Promise<void>;
  /** stop and remove the data directory */
  dispose(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestChainOptions {
  /** the code-list hash to record on chain (default: the hash of `codeLists`) */
  codeListHash?: string;
  /** the code lists whose step rights and version the ledger starts with (default: the current ones) */
  codeLists?: CodeLists;
  /** deploy the demo district authority (ABH-14625: agency 3, type 3, Landkreis Bautzen 14625) as a third member */
  districtAgency?: boolean;
  /** which EVM implementation runs the chain (default: anvil) */
  node?: TestNode;
  /** anvil only: a chain that charges nothing (startAnvil's zeroGasPrice: base fee and gas price 0) */
  zeroGasPrice?: boolean;
  /** anvil only: the genesis block's time in unix seconds (startAnvil's startTimestamp; a restart keeps the state's time) */
  startTimestamp?: number;
}

/** How to start, await and stop one kind of node; `start` again only where the node keeps its state. */
interface NodeControl {
  child: ChildProcess;
  start(): ChildProcess;
  ready(): Promise<void>;
  stop(child: ChildProcess): Promise<void>;
  restartable: boolean;
}

function nodeControl(node: TestNode, port: number, stateDir: string, zeroGasPrice = false, startTimestamp?: number): NodeControl {
  const rpcUrl = `http://127.0.0.1:${port}`;
  if (node === "hardhat") {
    const start = () => startHardhatNode({ port, logFile: join(stateDir, "hardhat-node.log") });
    const control: NodeControl = { child: start(), start, ready: () => waitForHardhatNode(rpcUrl, control.child), stop: stopHardhatNode, restartable: false };
    return control;
  }
  let genesisTime = startTimestamp;
  const start = () => {
    const child = startAnvil({ port, stateDir, zeroGasPrice, startTimestamp: genesisTime });
    genesisTime = undefined;
    return child;
  };
  return { child: start(), start, ready: () => waitForChain(rpcUrl).then(() => undefined), stop: stopAnvil, restartable: true };
}

export async function startTestChain(opts: TestChainOptions = {}): Promise<TestChain> {
  const dataDir = mkdtempSync(join(tmpdir(), "anker-test-"));
  const stateDir = join(dataDir, "chain");
  const port = await freePort();
  const node = opts.node ?? "anvil";
  const control = nodeControl(node, port, stateDir, opts.zeroGasPrice, opts.startTimestamp);
  try {
    return await deployTestLedger(dataDir, port, node, control, opts);
  } catch (err) {
    // Leave no node behind when the set-up fails.
    await control.stop(control.child);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function deployTestLedger(dataDir: string, port: number, node: TestNode, control: NodeControl, opts: TestChainOptions): Promise<TestChain> {
  const keysDir = join(dataDir, "keys");
  mkdirSync(keysDir, { recursive: true });
  const rpcUrl = `http://127.0.0.1:${port}`;
  await control.ready();
  const provider = providerFor(rpcUrl);

  const wallets: TestChain["wallets"] = { BAMF: Wallet.createRandom() as unknown as Wallet, ZAB: Wallet.createRandom() as unknown as Wallet, auditor: Wallet.createRandom() as unknown as Wallet };
  if (opts.districtAgency) wallets["ABH-14625"] = Wallet.createRandom() as unknown as Wallet;
  // Cheap scrypt parameters: the tests only need a keystore the service can open, not a strong one.
  for (const [name, w] of Object.entries(wallets)) {
    if (!w) continue;
    const json = encryptKeystoreJsonSync({ address: w.address, privateKey: w.privateKey }, DEV_KEYSTORE_PASSWORD, { scrypt: { N: 1 << 10 } });
    writeFileSync(join(keysDir, `${name.toLowerCase()}.json`), json, { mode: 0o600 });
  }
  const consortiumKeyHex = randomBytes(32).toString("hex");
  writeFileSync(join(keysDir, "consortium.key"), consortiumKeyHex + "\n", { mode: 0o600 });

  const deployer = new Wallet(DEV_DEPLOYER_KEY, provider);
  let nonce = await provider.getTransactionCount(deployer.address, "pending");
  for (const w of [wallets.BAMF, wallets.ZAB, wallets["ABH-14625"]]) {
    if (!w) continue;
    await mined(await deployer.sendTransaction({ to: w.address, value: parseEther("1000"), nonce: nonce++ }));
  }
  const deployment = await deployLedgerContract(
    deployer,
    rpcUrl,
    { BAMF: wallets.BAMF.address, ZAB: wallets.ZAB.address, auditor: wallets.auditor.address, ...(wallets["ABH-14625"] ? { "ABH-14625": wallets["ABH-14625"].address } : {}) },
    { codeListHash: opts.codeListHash, codeLists: opts.codeLists, nonce: nonce++ },
  );
  const deploymentFile = join(dataDir, "deployment.json");
  writeDeployment(deployment, deploymentFile);

  return {
    node,
    port,
    rpcUrl,
    dataDir,
    deploymentFile,
    deployment,
    wallets,
    consortiumKeyHex,
    provider,
    pid: () => control.child.pid,
    async stop() {
      await control.stop(control.child);
    },
    async restart() {
      if (!control.restartable) throw new Error(`a restart needs a node that keeps its state (anvil); this chain runs on ${node}`);
      control.child = control.start();
      await control.ready();
    },
    async dispose() {
      provider.destroy();
      await control.stop(control.child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
