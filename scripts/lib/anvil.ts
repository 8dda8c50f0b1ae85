// The persistent local chain: anvil from @foundry-rs/anvil, state under .data/chain/, written every
// second and on SIGTERM, loaded again at start.
import { spawn, ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { JsonRpcProvider } from "ethers";
import { CHAIN_DIR, CHAIN_ID } from "../../services/shared/paths";

export function anvilBinary(): string {
  // The platform package ships the binary; calling it directly lets signals reach anvil itself.
  const pkg = require.resolve(`@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}/package.json`);
  return join(dirname(pkg), "bin", "anvil");
}

export interface AnvilOptions {
  port?: number;
  stateDir?: string;
  /** stream anvil's own output to the console instead of .data/chain/anvil.log */
  verbose?: boolean;
  /**
   * A chain that charges nothing, as permissioned Besu networks run (zero base fee, min-gas-price 0): every
   * block's base fee 0 (anvil keeps a zero base fee constant) and eth_gasPrice 0.
   */
  zeroGasPrice?: boolean;
}

export function startAnvil(opts: AnvilOptions = {}): ChildProcess {
  const stateDir = opts.stateDir ?? CHAIN_DIR;
  mkdirSync(stateDir, { recursive: true });
  const args = [
    "--host", "127.0.0.1",
    "--port", String(opts.port ?? 8545),
    "--chain-id", String(CHAIN_ID),
    "--hardfork", "cancun",
    "--state", join(stateDir, "state.json"),
    "--state-interval", "1",
    // Not --preserve-historical-states: with it every write (once a second) holds every past block's state,
    // which grows with the chain; after a few thousand blocks anvil stalled for a good part of each second
    // (npm run bench:throughput: notification p95 about 450 ms with it, 145 ms without). After a restart only
    // the latest state is needed: services and audit read it and the blocks, which are kept either way.
    // eth_gasPrice adds a suggested tip of 1 gwei unless --disable-min-priority-fee.
    ...(opts.zeroGasPrice ? ["--base-fee", "0", "--gas-price", "0", "--disable-min-priority-fee"] : []),
  ];
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  if (opts.verbose) {
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  } else {
    const log = createWriteStream(join(stateDir, "anvil.log"), { flags: "a" });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  return child;
}

/** The chain id of the node at `url`, or undefined when nothing answers there. */
export async function chainIdAt(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number(body.result) : undefined;
  } catch {
    return undefined;
  }
}

export async function waitForChain(url: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const id = await chainIdAt(url);
    if (id !== undefined) return id;
    if (Date.now() > deadline) throw new Error(`no chain answered at ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stop anvil with SIGTERM so that it writes its state, and wait until it has. */
export function stopAnvil(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export function providerFor(url: string): JsonRpcProvider {
  return new JsonRpcProvider(url, undefined, { staticNetwork: true, batchMaxCount: 1 });
}
