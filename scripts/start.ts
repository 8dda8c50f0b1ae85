// `npm start`: the whole local system in one command. Compiles, starts the persistent local chain (or
// uses one already running), deploys if needed, and keeps running until Ctrl-C, which stops
// everything cleanly; the next start continues with the same data.
import { execFileSync, ChildProcess } from "node:child_process";
import { join } from "node:path";
import { startAnvil, stopAnvil, chainIdAt, waitForChain } from "./lib/anvil";
import { deployLedger } from "./lib/deploy-ledger";
import { CHAIN_ID, DEFAULT_RPC_URL, REPO_ROOT } from "../services/shared/paths";

function compile(): void {
  console.log("Compiling contracts ...");
  execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js"), "compile", "--quiet"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  compile();

  let anvil: ChildProcess | undefined;
  const running = await chainIdAt(DEFAULT_RPC_URL);
  if (running !== undefined) {
    if (running !== CHAIN_ID) throw new Error(`a chain with id ${running} already runs on ${DEFAULT_RPC_URL}; expected ${CHAIN_ID}`);
    console.log(`Using the chain already running on ${DEFAULT_RPC_URL}.`);
  } else {
    anvil = startAnvil();
    await waitForChain(DEFAULT_RPC_URL);
    console.log(`Started the local chain on ${DEFAULT_RPC_URL} (state in .data/chain).`);
  }
  await deployLedger(DEFAULT_RPC_URL);

  console.log(`\nReady in ${((Date.now() - started) / 1000).toFixed(1)} s. Chain: ${DEFAULT_RPC_URL}. Ctrl-C stops everything.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping ...");
    if (anvil) await stopAnvil(anvil);
    console.log("Stopped. The next `npm start` continues with the same data.");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  anvil?.once("exit", () => {
    if (!stopping) {
      console.error("The chain stopped unexpectedly; see .data/chain/anvil.log");
      process.exit(1);
    }
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
