// One agency's store and chain adapter against a test chain, as main.ts wires them, for the chain-side
// tests: real SQLite (migrated) or, with ANKER_TEST_DB=postgres, real PostgreSQL; real anvil, nothing mocked.
import { join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";
import { loadConfig, type Config } from "../../services/agency/config";
import { openDb, type Db } from "../../services/agency/store/db";
import { migrateIfNeeded } from "../../services/agency/store/migrate-if-needed";
import { tuneSqlite } from "../../services/agency/store/sqlite-tuning";
import { ChainAdapter } from "../../services/agency/chain/adapter";
import { StepWriter } from "../../services/agency/steps/step-writer";
import { MembershipReads } from "../../services/agency/directory/chain-reads";
import { resolveIdentity } from "../../services/agency/directory/identity";
import { caseRefOf } from "../../services/shared/pseudonym";
import { CODE_LISTS, codeListHash, stepByKey, type AgencyKey } from "../../services/shared/codelists";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { REPO_ROOT } from "../../services/shared/paths";
import type { TestChain } from "./chain";
import { testDatabaseUrl } from "./postgres";

export const LOCAL_CODE_LIST_HASH = codeListHash(CODE_LISTS);

export interface TestAgency {
  agency: AgencyKey;
  code: number;
  config: Config;
  env: NodeJS.ProcessEnv;
  db: Db;
  chain: ChainAdapter;
  log: Logger;
  /** the service's queued-step writer, as main.ts gives it to the API */
  steps: StepWriter;
  close(): Promise<void>;
}

/**
 * The test chain's agencies beyond the pilots (test/support/chain.ts `districtAgency`): number and port, as
 * their onboarding would set them (AGENCY_CODE, PORT).
 */
export const TEST_MEMBERS: Record<string, { code: number; type: string; scope: number; port: number }> = {
  "ABH-14625": { code: 3, type: "DISTRICT_AUTHORITY", scope: 14625, port: 3003 },
};

/** The environment a service process of `agency` gets for this test chain. */
export function agencyEnv(chain: TestChain, agency: AgencyKey, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const member = TEST_MEMBERS[agency];
  return {
    ...process.env,
    AGENCY: agency,
    ...(member ? { AGENCY_CODE: String(member.code), PORT: String(member.port) } : {}),
    ANKER_DATA_DIR: chain.dataDir,
    ANKER_DEPLOYMENT: chain.deploymentFile,
    ANKER_CONSORTIUM_KEY: chain.consortiumKeyHex,
    ANKER_RPC_URL: chain.rpcUrl,
    OUTBOX_POLL_MS: "20",
    LISTENER_POLL_MS: "50",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    // SQLite in the chain's folder, or this agency's database on the test PostgreSQL (ANKER_TEST_DB=postgres);
    // never a DATABASE_URL the shell happens to have.
    DATABASE_URL: testDatabaseUrl(`${chain.dataDir}/${agency}`) ?? "",
    ...extra,
  };
}

export function testLogger(name: string): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? "silent", base: { test: name } });
}

export async function openTestAgency(chain: TestChain, agency: AgencyKey, extra: Record<string, string> = {}): Promise<TestAgency> {
  const env = agencyEnv(chain, agency, extra);
  const config = loadConfig(env);
  await migrateIfNeeded(config.databaseUrl);
  const db = openDb(config.databaseUrl);
  await tuneSqlite(db, config.databaseUrl);
  const adapter = new ChainAdapter({
    rpcUrl: config.rpcUrl ?? chain.rpcUrl,
    chainId: chain.deployment.chainId,
    ledgerAddress: chain.deployment.contracts.ProcedureLedger.address,
    deploymentBlock: chain.deployment.block,
    wallet: walletOf(chain, agency),
    maxBlockRange: config.logsMaxBlockRange,
  });
  const log = testLogger(agency);
  // Type and scope from the chain, as main.ts does.
  await resolveIdentity(config, new MembershipReads(adapter.provider, adapter.ledgerAddress), adapter.address, log);
  return {
    agency,
    code: config.agencyCode,
    config,
    env,
    db,
    chain: adapter,
    log,
    steps: new StepWriter(db),
    async close() {
      adapter.destroy();
      await db.$disconnect();
    },
  };
}

/** The test chain's wallet of `agency` (the pilots always; ABH-14625 with `districtAgency`). */
export function walletOf(chain: TestChain, agency: AgencyKey): TestChain["wallets"]["BAMF"] {
  const w = chain.wallets[agency as keyof TestChain["wallets"]];
  if (!w) throw new Error(`the test chain has no wallet for ${agency} (start it with districtAgency for ABH-14625)`);
  return w;
}

/** A case of this agency (fictitious file number). */
export async function addCase(a: TestAgency, label: string = randomUUID()): Promise<{ id: number; caseRef: string; fileNumber: string }> {
  const fileNumber = `TEST-${label}`;
  const caseRef = caseRefOf(fileNumber, a.config.consortiumKey);
  const row = await a.db.case.upsert({ where: { caseRef }, create: { caseRef, fileNumber, fictitious: true }, update: {} });
  return { id: row.id, caseRef, fileNumber };
}

/**
 * Queue a step through the API's own writer, without the API's checks: the chain-side tests also queue
 * steps the chain must refuse (another agency's step, an impossible date). Returns the row id and its
 * ledger event id.
 */
export async function queueStep(
  a: TestAgency,
  c: { id: number; caseRef: string },
  key: string,
  detail = 0n,
  businessDate = 0,
): Promise<{ id: number; ledgerEventId: bigint }> {
  const [row] = await a.steps.write({
    steps: [{ eventId: randomUUID(), caseRef: c.caseRef, caseId: c.id, step: { step: stepByKey(key), detail, businessDate, data: { note: "test" } } }],
  });
  return { id: row.id, ledgerEventId: eventIdOf(a.code, row.id) };
}

/** Wait until `check` returns a truthy value (polling); fail with `what` after timeoutMs. */
export async function waitFor<T>(check: () => Promise<T> | T, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function stateCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.step.groupBy({ by: ["state"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.state, r._count._all]));
}

/** How often each of our event ids was recorded on chain (StepRecorded logs). */
export async function recordedCounts(a: TestAgency): Promise<Map<bigint, number>> {
  const head = await a.chain.blockNumber();
  const logs = await a.chain.getLedgerLogs(a.chain.deploymentBlock, head);
  const counts = new Map<bigint, number>();
  for (const l of logs) if (l.name === "StepRecorded" && l.agency === a.code) counts.set(l.eventId!, (counts.get(l.eventId!) ?? 0) + 1);
  return counts;
}

/** Start the chain side alone (no HTTP API) in a child process: the process the kill -9 tests kill. */
export function spawnChainSide(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ["--require", "tsx/cjs", join(REPO_ROOT, "test", "support", "chain-side-runner.ts")], {
    env,
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // TEST_CHILD_LOG=1 shows the child's log lines (set TEST_LOG_LEVEL too).
  if (process.env.TEST_CHILD_LOG) child.stdout?.pipe(process.stderr);
  else child.stdout?.resume();
  let err = "";
  child.stderr?.on("data", (d) => (err = (err + String(d)).slice(-4000)));
  child.once("exit", (code, signal) => {
    if (code && code !== 0 && signal === null) console.error(`chain-side runner exited with ${code}: ${err}`);
  });
  return child;
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
