// The persistent local chain: anvil from @foundry-rs/anvil, state under .data/chain/, written every
// second and on SIGTERM, loaded again at start. anvil rewrites state.json in place, so a crash during a
// write leaves it cut off; with `keepGoodState` a verified copy is kept beside it (chain-state-file.ts).
import { spawn, ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join, dirname } from "node:path";
import { JsonRpcProvider } from "ethers";
import { CHAIN_DIR, CHAIN_ID } from "../../services/shared/paths";
import { recoverStateFile } from "./chain-state-file";

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
  /**
   * Check state.json before anvil loads it: a readable one is copied to state.good.json, a cut-off one is
   * replaced by that copy (npm start, npm run chain). `say` gets what was done; without a good copy a
   * cut-off state stops the start with an error.
   */
  keepGoodState?: { say(message: string): void };
  /** start anvil in a process group of its own (npm start signals it, not the terminal) */
  detached?: boolean;
  /**
   * The genesis block's time (unix seconds; anvil --timestamp): a fresh demo chain starts in the past so that
   * the seeded demo spreads over weeks (scripts/seed/chain-clock.ts). Only for a chain without a state yet.
   */
  startTimestamp?: number;
}

export function startAnvil(opts: AnvilOptions = {}): ChildProcess {
  const stateDir = opts.stateDir ?? CHAIN_DIR;
  mkdirSync(stateDir, { recursive: true });
  if (opts.keepGoodState) {
    const outcome = recoverStateFile(stateDir);
    if (outcome.message) opts.keepGoodState.say(outcome.message);
  }
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
    ...(opts.startTimestamp !== undefined ? ["--timestamp", String(Math.floor(opts.startTimestamp))] : []),
  ];
  if (opts.verbose) {
    const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"], detached: opts.detached ?? false });
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
    return child;
  }
  // anvil writes its log file itself: nothing of it depends on this process staying alive.
  const log = openSync(join(stateDir, "anvil.log"), "a");
  try {
    return spawn(anvilBinary(), args, { stdio: ["ignore", log, log], detached: opts.detached ?? false });
  } finally {
    closeSync(log);
  }
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
  // cacheTimeout -1: ethers otherwise answers a repeated request within 250 ms from its cache, so a
  // receipt polled right after a "not yet mined" would read "not yet mined" again (services/shared/mined.ts).
  return new JsonRpcProvider(url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
}
