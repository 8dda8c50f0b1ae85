// `npm start`: the whole local system in one command. Compiles, starts the persistent local chain (or
// uses one already running), deploys if needed, starts the BAMF and ZAB services, seeds the demo data
// on the first start only, and prints the URLs and demo logins. Ctrl-C stops everything cleanly; the
// next start continues with the same data.
import { execFileSync, ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startAnvil, stopAnvil, chainIdAt, waitForChain } from "./lib/anvil";
import { deployLedger } from "./lib/deploy-ledger";
import { startService, waitReady, stopService, ServiceProcess } from "./lib/services";
import { seedDemo } from "./seed/run";
import { CHAIN_DIR, CHAIN_ID, DATA_DIR, DEFAULT_RPC_URL, REPO_ROOT } from "../services/shared/paths";
import { demoApiClient, demoUsers } from "../services/agency/demo-accounts";

const PORTS = { BAMF: 3001, ZAB: 3002 } as const;
/**
 * Checkpoint interval of the demo. The local chain mines a block per transaction and none while idle, so
 * the service default (50 blocks, minutes on a consortium chain with a fixed block period) would leave the
 * seeded demo (a few dozen blocks) without a checkpoint, and `npm run audit` with nothing to check. Every
 * 10 blocks both services sign the same heights, so the seed ends with co-signed checkpoints. An operator's
 * own CHECKPOINT_EVERY_BLOCKS wins.
 */
const DEMO_CHECKPOINT_EVERY_BLOCKS = "10";
const SEEDED_MARKER = join(DATA_DIR, "demo-seeded");

function compile(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js"), "compile", "--quiet"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
  });
}

/** The full log goes to the agency's log file; warnings and errors also to the console, in short. */
function echoWarning(agency: string, line: string): void {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string };
    if ((entry.level ?? 0) >= 40) console.log(`[${agency}] ${(entry.level ?? 0) >= 50 ? "FEHLER/ERROR" : "WARNUNG/WARNING"}: ${entry.msg}`);
  } catch {
    console.log(`[${agency}] ${line}`); // not a log entry: a crash trace, say
  }
}

/** A redrawn bar on a terminal; in a log file (no TTY) one line per 10 %, so no carriage returns land there. */
function progressReporter(): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    if (!process.stdout.isTTY) {
      const tenth = Math.floor((done / total) * 10);
      if (tenth > lastTenth) console.log(`  Demo data: ${done}/${total} steps (${tenth * 10} %)`);
      lastTenth = tenth;
      return;
    }
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stdout.write(`\r  Demo data [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} steps`);
    if (done === total) process.stdout.write("\n");
  };
}

let anvil: ChildProcess | undefined;
const services: ServiceProcess[] = [];
let stopping = false;

/** Stop the services, then the chain (if this process started it), so that both write their state. */
async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping the services and the chain ...");
  await Promise.all(services.map((s) => stopService(s)));
  if (anvil) await stopAnvil(anvil);
  console.log("Stopped. The next `npm start` continues with the same data.");
  process.exit(code);
}

async function main(): Promise<void> {
  const started = Date.now();
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  console.log("Compiling contracts ...");
  compile();

  const running = await chainIdAt(DEFAULT_RPC_URL);
  if (running !== undefined) {
    if (running !== CHAIN_ID) throw new Error(`a chain with id ${running} already runs on ${DEFAULT_RPC_URL}; expected ${CHAIN_ID}`);
    console.log(`Using the chain already running on ${DEFAULT_RPC_URL}.`);
  } else {
    anvil = startAnvil();
    await waitForChain(DEFAULT_RPC_URL);
    console.log(`Started the local chain on ${DEFAULT_RPC_URL} (state in ${CHAIN_DIR}).`);
  }
  await deployLedger(DEFAULT_RPC_URL);

  anvil?.once("exit", () => {
    if (!stopping) {
      console.error(`The chain stopped unexpectedly; see ${join(CHAIN_DIR, "anvil.log")}`);
      void stop(1);
    }
  });

  for (const agency of ["BAMF", "ZAB"] as const) {
    const logFile = join(DATA_DIR, agency.toLowerCase(), "service.log");
    mkdirSync(dirname(logFile), { recursive: true });
    const log = createWriteStream(logFile, { flags: "a" });
    console.log(`Starting the ${agency} service (log: ${logFile}) ...`);
    const svc = startService(agency, PORTS[agency], {
      DEMO_MODE: "true",
      ANKER_RPC_URL: DEFAULT_RPC_URL,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
      CHECKPOINT_EVERY_BLOCKS: process.env.CHECKPOINT_EVERY_BLOCKS ?? DEMO_CHECKPOINT_EVERY_BLOCKS,
    }, (line) => {
      log.write(line + "\n");
      echoWarning(agency, line);
    });
    svc.child.once("exit", (code) => {
      if (!stopping) {
        console.error(`The ${agency} service stopped unexpectedly (code ${code}).`);
        void stop(1);
      }
    });
    services.push(svc);
  }
  await Promise.all(services.map((s) => waitReady(s)));

  if (!existsSync(SEEDED_MARKER)) {
    console.log("First start: seeding about 40 fictitious procedures (names marked \"(fiktiv)\") ...");
    const endpoints = {
      BAMF: { url: services[0].url, token: demoApiClient("BAMF").token },
      ZAB: { url: services[1].url, token: demoApiClient("ZAB").token },
    };
    const { cases, steps } = await seedDemo(endpoints, progressReporter());
    writeFileSync(SEEDED_MARKER, new Date().toISOString() + "\n");
    console.log(`  ${cases} cases, ${steps} steps recorded.`);
  }

  console.log(`\nanker-ledger is ready (${((Date.now() - started) / 1000).toFixed(1)} s).`);
  for (const svc of services) {
    console.log(`\n  ${svc.agency}: ${svc.url}/   API docs: ${svc.url}/api/docs`);
    for (const u of demoUsers(svc.agency)) console.log(`    ${u.role.padEnd(8)} ${u.username} / ${u.password}`);
    console.log(`    API token (specialist application): ${demoApiClient(svc.agency).token}`);
  }
  console.log(`\n  Chain: ${DEFAULT_RPC_URL} (chain id ${CHAIN_ID}). Checkpoints: both agencies sign every ${process.env.CHECKPOINT_EVERY_BLOCKS ?? DEMO_CHECKPOINT_EVERY_BLOCKS} blocks (npm run audit checks them).`);
  console.log("  Ctrl-C stops everything.");
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  void stop(2);
});
