// `npm start`: the whole local system in one command. Compiles, starts the persistent local chain (or uses
// one already running), deploys if needed with BAMF and ZAB as members, has them vote Landkreis Bautzen's
// immigration authority in (the same code as `npm run agency:onboard`, scripts/onboard/), starts the three
// agency services, seeds the demo data on the first start only, and prints the URLs and demo logins. The chain and the services run supervised
// (scripts/lib/supervisor.ts): one that stops on its own is restarted with a growing delay while the others
// keep running. Ctrl-C stops everything in order (services, then the chain, which writes its state) and
// waits for each; the next start continues with the same data.
//
// Runs as `node --import tsx scripts/start.ts`: the tsx command would sit between the terminal and this
// process, relay Ctrl-C on its own terms and, under load, end it before it had stopped its children.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { startAnvil, chainIdAt, providerFor } from "./lib/anvil";
import { keepGoodCopies, keepGoodCopy } from "./lib/chain-state-file";
import { deployLedger } from "./lib/deploy-ledger";
import { startService, waitReady, SERVICE_MAIN } from "./lib/services";
import { Supervised, type SupervisorEvents } from "./lib/supervisor";
import { liveRecords, removeRunRecord, stopLeftover, writeRunRecord } from "./lib/run-files";
import { startLocalPostgres, type LocalPostgres } from "./lib/local-postgres";
import { seedDemo } from "./seed/run";
import { demoTimelineStart, BAUTZEN } from "./seed/plan";
import { onboardByVote } from "./onboard/by-vote";
import { agencyTypeOption } from "./onboard/member-kit";
import { keystorePassword } from "../services/shared/keystore";
import { CHAIN_DIR, CHAIN_ID, DATA_DIR, REPO_ROOT } from "../services/shared/paths";
import { demoApiClient, demoUsers } from "../services/agency/demo-accounts";
import { devIdpServiceEnv } from "../services/idp/dev-users";

const port = z.coerce.number().int().min(1).max(65535);
/** The ports of the local system; tests and a second local system choose others. */
const StartSettings = z.object({
  ANKER_CHAIN_PORT: port.default(8545),
  ANKER_BAMF_PORT: port.default(3001),
  ANKER_ZAB_PORT: port.default(3002),
  ANKER_BAUTZEN_PORT: port.default(3003),
  ANKER_IDP_PORT: port.default(3009),
  ANKER_POSTGRES: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
});

const USAGE = `npm start [-- options]
  --no-compile   do not compile the contracts first (the artifacts are up to date)
  --no-seed      do not seed the demo data, not even on the first start
  --postgres     the agency services on a local PostgreSQL server (state in <state folder>/postgres/)
                 instead of SQLite (also ANKER_POSTGRES=true)
  --no-idp       without the development identity provider (staff then sign in with passwords only)`;

interface StartOptions {
  compile: boolean;
  seed: boolean;
  postgres: boolean;
  idp: boolean;
}

function parseOptions(argv: string[]): StartOptions {
  const opts: StartOptions = { compile: true, seed: true, postgres: false, idp: true };
  for (const arg of argv) {
    if (arg === "--no-compile") opts.compile = false;
    else if (arg === "--no-seed") opts.seed = false;
    else if (arg === "--postgres") opts.postgres = true;
    else if (arg === "--no-idp") opts.idp = false;
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`unknown option ${arg}\n${USAGE}`);
  }
  return opts;
}

class UsageError extends Error {}

/**
 * Checkpoint interval of the demo. The local chain mines a block per transaction and none while idle, so
 * the service default (50 blocks, minutes on a consortium chain with a fixed block period) would leave the
 * seeded demo (a few dozen blocks) without a checkpoint, and `npm run audit` with nothing to check. Every
 * 10 blocks both services sign the same heights, so the seed ends with co-signed checkpoints. An operator's
 * own CHECKPOINT_EVERY_BLOCKS wins.
 */
const DEMO_CHECKPOINT_EVERY_BLOCKS = "10";
/** Seeded once per store: the PostgreSQL databases start empty even when SQLite's were seeded before. */
const seededMarker = (postgres: boolean) => join(DATA_DIR, postgres ? "demo-seeded-postgres" : "demo-seeded");
const RUN_DIR = join(DATA_DIR, "run");
const START_MARKER = join("scripts", "start.ts");
const ANVIL_MARKER = "anvil";
const IDP_MAIN = join(REPO_ROOT, "services", "idp", "main.ts");

/** One agency of the demo network: its key (config AGENCY), number on chain, port and what it is called. */
interface DemoAgency {
  key: string;
  code: number;
  port: number;
  title: string;
  url: string;
}

/** Landkreis Bautzen's immigration authority joins by a vote of BAMF and ZAB at the first start. */
const BAUTZEN_MEMBER = { ...BAUTZEN, type: "district", name: "Landratsamt Bautzen, Ausländerbehörde" } as const;

/** The development identity provider as a child in its own process group; it writes its log file itself. */
function spawnIdp(port: number, agencies: DemoAgency[], logFile: string): ChildProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, "a");
  try {
    return spawn(process.execPath, ["--import", "tsx", IDP_MAIN], {
      cwd: REPO_ROOT,
      env: { ...process.env, IDP_PORT: String(port), IDP_SERVICE_URLS: agencies.map((a) => `${a.key}=${a.url}`).join(",") },
      stdio: ["ignore", log, log],
      detached: true,
    });
  } finally {
    closeSync(log);
  }
}

/** Resolves once `url` answers 200; rejects when `child` exits first or it does not in time. */
async function answers(child: ChildProcess, url: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the ${what} exited (${child.signalCode ?? `exit ${child.exitCode}`})`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the ${what} did not answer at ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Compile as a child in our own process group: a Ctrl-C during the compile ends it, and then us. */
function compile(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js"), "compile", "--quiet"], {
      cwd: REPO_ROOT,
      stdio: "inherit",
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`the compile failed (${signal ?? `exit ${code}`})`))));
  });
}

/**
 * The service writes its full log itself (LOG_FILE); on standard error it sends warnings and errors, shown
 * here in short. Anything else there (a crash trace from node itself) goes to the console and the log.
 */
function echoServiceLine(agency: string, logFile: string, line: string): void {
  let entry: { level?: number; msg?: string } | undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed && typeof parsed === "object") entry = parsed as { level?: number; msg?: string };
  } catch {
    entry = undefined;
  }
  if (entry) {
    const level = entry.level ?? 0;
    if (level >= 40) console.log(`[${agency}] ${level >= 50 ? "FEHLER/ERROR" : "WARNUNG/WARNING"}: ${entry.msg}`);
    return;
  }
  if (!line.trim()) return;
  console.log(`[${agency}] ${line}`);
  try {
    appendFileSync(logFile, line + "\n");
  } catch {
    // the log folder is gone: the console has it
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

/** Resolves once a chain answers at `url`; rejects when `child` exits first or nothing answers in time. */
async function chainReady(child: ChildProcess, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`anvil exited (${child.signalCode ?? `exit ${child.exitCode}`}); see ${join(CHAIN_DIR, "anvil.log")}`);
    if ((await chainIdAt(url)) !== undefined) return;
    if (Date.now() > deadline) throw new Error(`no chain answered at ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let chain: Supervised | undefined;
const services: Supervised[] = [];
let idp: Supervised | undefined;
let postgres: LocalPostgres | undefined;
let stopKeepingCopies: (() => void) | undefined;
let ownsRunDir = false;
let stopping = false;

const markers = new Map<string, string>();
const events: SupervisorEvents = {
  say: (line) => console.log(line),
  started: (name, pid) => writeRunRecord(RUN_DIR, { name, pid, marker: markers.get(name) ?? name }),
};

/** Stop the services, then the chain (if this process started it), waiting for each, so all write their state. */
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (!chain && !services.length && !idp && !postgres) {
    // nothing started yet (a bad option, another start running, Ctrl-C during the compile): nothing to stop
    if (ownsRunDir) removeRunRecord(RUN_DIR, "start");
    if (code === 0) console.log("\nStopped before anything was running.");
    process.exit(code);
  }
  console.log("\nStopping the services and the chain ...");
  const inTime = await Promise.all(services.map((s) => s.stop()));
  if (idp) inTime.push(await idp.stop());
  if (postgres) {
    try {
      await postgres.stop();
    } catch (err) {
      console.log(`PostgreSQL did not stop cleanly: ${(err as Error).message}`);
      inTime.push(false);
    }
  }
  stopKeepingCopies?.();
  if (chain) {
    // anvil writes its state on SIGTERM; give a large state the time it needs.
    inTime.push(await chain.stop(60_000));
    try {
      keepGoodCopy(CHAIN_DIR);
    } catch (err) {
      console.log(`Could not refresh the good copy of the chain state: ${(err as Error).message}`);
    }
  }
  if (ownsRunDir) {
    for (const s of [...services, ...(idp ? [idp] : []), ...(chain ? [chain] : [])]) removeRunRecord(RUN_DIR, s.spec.name);
    removeRunRecord(RUN_DIR, "start");
  }
  const clean = inTime.every(Boolean);
  console.log(clean ? "Stopped. The next `npm start` continues with the same data." : "Stopped (not everything in time; see above).");
  process.exit(code !== 0 ? code : clean ? 0 : 1);
}

/** Another start on this state folder refuses us; what a killed one left behind is stopped. */
async function clearLeftovers(): Promise<void> {
  const live = liveRecords(RUN_DIR);
  const other = live.find((r) => r.name === "start" && r.pid !== process.pid);
  if (other) throw new UsageError(`another npm start (pid ${other.pid}) runs with the state folder ${DATA_DIR}; stop it first (Ctrl-C there, or kill ${other.pid})`);
  for (const rec of live.filter((r) => r.name !== "start")) {
    console.log(`An earlier npm start did not stop cleanly: stopping what it left running, the ${rec.name} (pid ${rec.pid}).`);
    await stopLeftover(rec);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const phases: string[] = [];
  const phase = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const result = await work();
    phases.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => void stop(0));
  const opts = parseOptions(process.argv.slice(2));
  const parsed = StartSettings.safeParse({
    ANKER_CHAIN_PORT: process.env.ANKER_CHAIN_PORT || undefined,
    ANKER_BAMF_PORT: process.env.ANKER_BAMF_PORT || undefined,
    ANKER_ZAB_PORT: process.env.ANKER_ZAB_PORT || undefined,
    ANKER_BAUTZEN_PORT: process.env.ANKER_BAUTZEN_PORT || undefined,
    ANKER_IDP_PORT: process.env.ANKER_IDP_PORT || undefined,
    ANKER_POSTGRES: process.env.ANKER_POSTGRES || undefined,
  });
  if (!parsed.success) throw new UsageError(`invalid settings:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  const settings = parsed.data;
  if (settings.ANKER_POSTGRES) opts.postgres = true;
  const rpcUrl = `http://127.0.0.1:${settings.ANKER_CHAIN_PORT}`;

  await clearLeftovers();
  writeRunRecord(RUN_DIR, { name: "start", pid: process.pid, marker: START_MARKER });
  ownsRunDir = true;

  if (opts.compile) {
    console.log("Compiling contracts ...");
    await phase("compile", compile);
  }

  const running = await chainIdAt(rpcUrl);
  if (running !== undefined) {
    if (running !== CHAIN_ID) throw new Error(`a chain with id ${running} already runs on ${rpcUrl}; expected ${CHAIN_ID}`);
    console.log(`Using the chain already running on ${rpcUrl} (not supervised by this start).`);
  } else {
    markers.set("Chain", ANVIL_MARKER);
    // A chain without state that is about to be seeded begins in the past (first spawn only: a restarted
    // anvil loads its state), so that the demo data can spread over weeks (scripts/seed/chain-clock.ts).
    let startTimestamp =
      opts.seed && !existsSync(seededMarker(opts.postgres)) && !["state.json", "state.good.json"].some((f) => existsSync(join(CHAIN_DIR, f)))
        ? demoTimelineStart(Math.floor(Date.now() / 1000)) - 86_400
        : undefined;
    chain = new Supervised(
      {
        name: "Chain",
        logFile: join(CHAIN_DIR, "anvil.log"),
        spawn: () => {
          const child = startAnvil({ port: settings.ANKER_CHAIN_PORT, detached: true, keepGoodState: { say: (m) => console.log(m) }, startTimestamp });
          startTimestamp = undefined;
          return child;
        },
        ready: (child) => chainReady(child, rpcUrl),
      },
      events,
    );
    await phase("chain", () => chain!.start());
    stopKeepingCopies = keepGoodCopies(CHAIN_DIR);
    console.log(`Started the local chain on ${rpcUrl} (state in ${CHAIN_DIR}).`);
  }
  const deployment = await phase("deployment", () => deployLedger(rpcUrl));

  const agencies: DemoAgency[] = [
    { key: "BAMF", code: 1, port: settings.ANKER_BAMF_PORT, title: "BAMF Dresden" },
    { key: "ZAB", code: 2, port: settings.ANKER_ZAB_PORT, title: "ZAB Sachsen / ZAB Saxony" },
    { key: BAUTZEN_MEMBER.key, code: BAUTZEN_MEMBER.agency, port: settings.ANKER_BAUTZEN_PORT, title: BAUTZEN_MEMBER.name },
  ].map((a) => ({ ...a, url: `http://127.0.0.1:${a.port}` }));
  const bautzen = agencies[2];

  // Bautzen joins as a member by vote, as any later agency would (a repeated start finds it a member and
  // only checks its consortium key).
  await phase("membership vote", async () => {
    const { password } = keystorePassword();
    await onboardByVote({
      root: DATA_DIR,
      networkRoot: DATA_DIR,
      key: bautzen.key,
      agency: bautzen.code,
      type: agencyTypeOption(BAUTZEN_MEMBER.type),
      scope: BAUTZEN_MEMBER.district,
      name: BAUTZEN_MEMBER.name,
      port: bautzen.port,
      password,
      rpcUrl,
      deploymentFile: join(DATA_DIR, "deployment.json"),
      provider: providerFor(rpcUrl),
      ledgerAddress: deployment.contracts.ProcedureLedger.address,
      proposer: "BAMF",
      approvers: ["ZAB"],
      say: (line) => console.log(line),
    });
  });

  const databases = Object.fromEntries(agencies.map((a) => [a.key, `anker_${a.key.toLowerCase().replace(/-/g, "_")}`]));
  if (opts.postgres) {
    const dir = join(DATA_DIR, "postgres");
    console.log(`Starting PostgreSQL (cluster in ${dir}, log: ${join(dir, "server.log")}) ...`);
    postgres = await phase("PostgreSQL", () => startLocalPostgres({ dir }));
    for (const db of Object.values(databases)) await postgres.createDatabase(db);
  }

  const issuer = `http://127.0.0.1:${settings.ANKER_IDP_PORT}`;
  if (opts.idp) {
    const logFile = join(DATA_DIR, "idp", "idp.log");
    markers.set("identity provider", IDP_MAIN);
    console.log(`Starting the development identity provider (log: ${logFile}) ...`);
    idp = new Supervised(
      {
        name: "identity provider",
        logFile,
        spawn: () => spawnIdp(settings.ANKER_IDP_PORT, agencies, logFile),
        ready: (child) => answers(child, `${issuer}/.well-known/openid-configuration`, "identity provider"),
      },
      events,
    );
    await phase("identity provider", () => idp!.start());
  }
  for (const { key: agency, code, port: agencyPort, url } of agencies) {
    const logFile = join(DATA_DIR, agency.toLowerCase(), "service.log");
    mkdirSync(dirname(logFile), { recursive: true });
    const name = `${agency} service`;
    markers.set(name, SERVICE_MAIN);
    console.log(`Starting the ${name} (log: ${logFile}) ...`);
    const env = {
      AGENCY_CODE: String(code),
      DEMO_MODE: "true",
      ANKER_RPC_URL: rpcUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
      LOG_FILE: logFile,
      CHECKPOINT_EVERY_BLOCKS: process.env.CHECKPOINT_EVERY_BLOCKS ?? DEMO_CHECKPOINT_EVERY_BLOCKS,
      ...(postgres ? { DATABASE_URL: postgres.url(databases[agency]) } : {}),
      ...(opts.idp ? devIdpServiceEnv(agency, issuer, url) : {}),
    };
    services.push(
      new Supervised(
        {
          name,
          logFile,
          spawn: () => startService(agency, agencyPort, env, (line) => echoServiceLine(agency, logFile, line), { detached: true }).child,
          ready: (child) => waitReady({ agency, url, child }, 90_000),
        },
        events,
      ),
    );
  }
  await phase("services", () => Promise.all(services.map((s) => s.start())));

  if (opts.seed && !existsSync(seededMarker(opts.postgres))) {
    console.log('First start: seeding about 40 fictitious procedures (names marked "(fiktiv)") ...');
    const endpoints = Object.fromEntries(agencies.map((a) => [a.key, { url: a.url, token: demoApiClient(a.key).token }]));
    const { cases, steps } = await phase("demo data", () => seedDemo(endpoints, progressReporter(), { rpcUrl, say: (line) => console.log(line) }));
    writeFileSync(seededMarker(opts.postgres), new Date().toISOString() + "\n");
    console.log(`  ${cases} cases, ${steps} steps recorded.`);
  }

  console.log(`\nanker-ledger is ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${phases.join(", ")}).`);
  for (const { key: agency, code, url, title } of agencies) {
    console.log(`\n  ${agency} (agency ${code}, ${title}): ${url}/   API docs: ${url}/api/docs`);
    for (const u of demoUsers(agency)) console.log(`    ${u.role.padEnd(8)} ${u.username} / ${u.password}`);
    console.log(`    API token (specialist application): ${demoApiClient(agency).token}`);
  }
  if (opts.idp) console.log(`\n  Sign-on: development identity provider ${issuer} (the same demo logins; in demo mode the passwords work directly too).`);
  if (postgres) console.log(`  Databases: PostgreSQL ${agencies.map((a) => postgres!.url(databases[a.key])).join(", ")}`);
  console.log(`\n  Chain: ${rpcUrl} (chain id ${CHAIN_ID}). Checkpoints: every agency signs every ${process.env.CHECKPOINT_EVERY_BLOCKS ?? DEMO_CHECKPOINT_EVERY_BLOCKS} blocks (npm run audit checks them).`);
  console.log("  A service or the chain that stops on its own is restarted. Ctrl-C stops everything.");
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  void stop(2);
});
