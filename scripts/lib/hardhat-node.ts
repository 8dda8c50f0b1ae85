// Hardhat's development node (EDR) as a second EVM implementation beside anvil: the same JSON-RPC the
// services and the audit speak, from another code base. Started from node_modules with the project's
// hardhat.config.ts (networks.hardhat: chain id 4242, cancun). It keeps no state on disk: a stopped node
// is gone, so anything that restarts the chain stays on anvil.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { CHAIN_ID, REPO_ROOT } from "../../services/shared/paths";
import { chainIdAt } from "./anvil";

export interface HardhatNodeOptions {
  port: number;
  /** where the node's output goes (it logs every JSON-RPC call) */
  logFile: string;
}

export function startHardhatNode(opts: HardhatNodeOptions): ChildProcess {
  const bootstrap = join(REPO_ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js");
  const child = spawn(process.execPath, [bootstrap, "node", "--port", String(opts.port), "--hostname", "127.0.0.1"], {
    cwd: REPO_ROOT,
    // The machines are offline: no telemetry question, and the CI flag keeps Hardhat from fetching its banner.
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: "a" });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

/** Wait until the node answers, and make sure it is the project's chain (a stale config would say 31337). */
export async function waitForHardhatNode(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`hardhat node exited before it answered at ${url} (code ${child.exitCode}, signal ${child.signalCode})`);
    const id = await chainIdAt(url);
    if (id !== undefined) {
      if (id !== CHAIN_ID) throw new Error(`hardhat node at ${url} runs chain id ${id}, expected ${CHAIN_ID} (networks.hardhat.chainId in hardhat.config.ts)`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`hardhat node did not answer at ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function stopHardhatNode(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
