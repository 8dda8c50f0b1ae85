// The tests' PostgreSQL: one throw-away server per test process (Debian's PostgreSQL 15, installed with apt-get
// as root when missing), started on first use in a temporary folder, each test agency in a database of its own.
// The server is stopped and its folder removed when the process exits; nothing else is touched.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { POSTGRES_BIN, startLocalPostgres, type LocalPostgres } from "../../scripts/lib/local-postgres";

/**
 * ANKER_TEST_DB=postgres: the harnesses (api-harness startApi, agency.ts openTestAgency/agencyEnv, system.ts
 * startSystem) put each agency's store on the test server instead of SQLite. `npm run test:postgres` runs the
 * store and service suites chosen for it that way, with this file as a root-hook plugin (`--require`), so the
 * server is up before the first test and gone after the last.
 */
export function onPostgres(): boolean {
  return process.env.ANKER_TEST_DB === "postgres";
}

export type TestDatabase = "sqlite" | "postgres";

/** The databases a dual-database suite runs against: both, unless ANKER_TEST_DB names one. */
export function testDatabases(): TestDatabase[] {
  const only = process.env.ANKER_TEST_DB;
  if (only === "sqlite" || only === "postgres") return [only];
  return ["sqlite", "postgres"];
}

/** Root hooks (mocha --require test/support/postgres.ts). */
export const mochaHooks = {
  async beforeAll(this: unknown) {
    if (onPostgres()) await testPostgres();
  },
  async afterAll(this: unknown) {
    await stopTestPostgres();
  },
};

const databaseName = (label: string) => `${label.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 40)}_${randomBytes(4).toString("hex")}`;

let server: Promise<LocalPostgres> | undefined;
let running: LocalPostgres | undefined;
// Not a cache: which database each key (a test chain's folder and agency) was given, for this process.
const databases = new Map<string, string>();

/**
 * The PostgreSQL URL of the store behind `key` under ANKER_TEST_DB=postgres (always the same for one key, so
 * a spawned process and the test share it; the service creates the database), else undefined. Synchronous:
 * needs the server started (the root hook does).
 */
export function testDatabaseUrl(key: string): string | undefined {
  if (!onPostgres()) return undefined;
  if (!running) throw new Error("ANKER_TEST_DB=postgres: run mocha with --require test/support/postgres.ts (npm run test:postgres)");
  let name = databases.get(key);
  if (!name) databases.set(key, (name = databaseName(key.split("/").pop() ?? "t")));
  return running.url(name);
}
let started: { pg: LocalPostgres; dir: string } | undefined;

/** The process's test server (started on first call). */
export function testPostgres(): Promise<LocalPostgres> {
  if (!server) {
    const dir = mkdtempSync(join(tmpdir(), "anker-pg-"));
    server = startLocalPostgres({ dir, durable: false }).then((pg) => {
      started = { pg, dir };
      running = pg;
      return pg;
    });
    server.catch(() => rmSync(dir, { recursive: true, force: true }));
    process.once("exit", stopNow);
  }
  return server;
}

/** A new, empty database on the test server; its postgresql:// URL. */
export async function freshPostgresUrl(label = "t"): Promise<string> {
  const pg = await testPostgres();
  const name = databaseName(label);
  await pg.createDatabase(name);
  return pg.url(name);
}

/** Stop the server and remove its folder, synchronously (also from the process's exit handler). */
function stopNow(): void {
  if (!started) return;
  const { dir } = started;
  started = undefined;
  try {
    const cmd = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
    const args = [...cmd, join(POSTGRES_BIN, "pg_ctl"), "-D", join(dir, "data"), "-m", "immediate", "-w", "stop"];
    execFileSync(args[0], args.slice(1), { stdio: "ignore", timeout: 60_000 });
  } catch {
    // already stopped
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Stop the test server now (a suite that wants it gone before the process ends). */
export async function stopTestPostgres(): Promise<void> {
  if (!server) return;
  await server.catch(() => undefined);
  stopNow();
  server = undefined;
  running = undefined;
}
