// PostgreSQL: pg_dump in its custom format, from a snapshot this tool exports inside a repeatable-read
// transaction, so the manifest's facts (row counts, listener checkpoint) describe exactly the dumped state
// while the service keeps writing. A restore drops the tables the backup does not have, runs pg_restore
// --clean in one transaction, then records itself and moves the Step id sequence.
import { execFile } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";
import { POSTGRES_BIN } from "../lib/local-postgres";
import { snapshotFacts, listenerCheckpointOf, TABLES_SQL, type Query, type SnapshotFacts } from "./snapshot-facts";
import { INSERT_RESTORE_SQL, RESTORE_TABLE_DDL, restoreValues, type RestoreRecord } from "./restore-record";

const run = promisify(execFile);

/** Debian's server binaries when present (the client must not be older than the server), else the PATH's. */
const bin = (name: string): string => (existsSync(join(POSTGRES_BIN, name)) ? join(POSTGRES_BIN, name) : name);

const queryOf =
  (c: Client): Query =>
  async (sql) =>
    (await c.query(sql)).rows as Record<string, unknown>[];

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export function backupPostgres(url: string, outFile: string): Promise<SnapshotFacts> {
  return withClient(url, async (c) => {
    const partial = `${outFile}.partial`;
    rmSync(partial, { force: true });
    await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
      const snapshot = String((await c.query("SELECT pg_export_snapshot() AS s")).rows[0].s);
      const facts = await snapshotFacts(queryOf(c), TABLES_SQL.postgres);
      await run(bin("pg_dump"), ["--format=custom", "--no-owner", "--no-privileges", `--snapshot=${snapshot}`, `--file=${partial}`, `--dbname=${url}`], { maxBuffer: 16 * 1024 * 1024 });
      renameSync(partial, outFile);
      return facts;
    } finally {
      await c.query("COMMIT");
    }
  });
}

/** Other sessions on the store's database (the service holds a pool of them while it runs). */
export function postgresHeldBy(url: string): Promise<string | undefined> {
  return withClient(url, async (c) => {
    const rows = (await c.query(`SELECT application_name, client_addr::text AS addr FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows;
    return rows.length ? `${rows.length} other session(s) are connected to the database` : undefined;
  });
}

export function postgresFacts(url: string): Promise<{ checkpoint: SnapshotFacts["listenerCheckpoint"]; maxStepId: number }> {
  return withClient(url, async (c) => {
    const q = queryOf(c);
    let maxStepId = 0;
    try {
      maxStepId = Number((await q(`SELECT COALESCE(MAX("id"), 0) AS m FROM "Step"`))[0].m);
    } catch {
      // no Step table: an empty store
    }
    return { checkpoint: await listenerCheckpointOf(q), maxStepId };
  });
}

export async function restorePostgres(dumpFile: string, url: string, backupTables: string[], record: RestoreRecord): Promise<void> {
  await withClient(url, async (c) => {
    // Tables of a newer schema (or an earlier restore's record) that the backup does not have: pg_restore
    // --clean drops only what the dump holds.
    const present = (await c.query(TABLES_SQL.postgres)).rows.map((r) => String(r.name));
    const extra = present.filter((t) => !backupTables.includes(t));
    if (extra.length) await c.query(`DROP TABLE IF EXISTS ${extra.map((t) => `"${t.replace(/"/g, '""')}"`).join(", ")} CASCADE`);
  });
  await run(bin("pg_restore"), ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", `--dbname=${url}`, dumpFile], { maxBuffer: 16 * 1024 * 1024 });
  await withClient(url, async (c) => {
    await c.query("BEGIN");
    try {
      await c.query(RESTORE_TABLE_DDL.postgres);
      await c.query(`${INSERT_RESTORE_SQL} ($1, $2, $3, $4, $5, $6)`, restoreValues(record));
      if (record.lostThroughStepId > 0) {
        await c.query(`SELECT setval(pg_get_serial_sequence('"Step"', 'id'), GREATEST($1::bigint, (SELECT COALESCE(MAX("id"), 0) FROM "Step"), 1))`, [record.lostThroughStepId]);
      }
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK");
      throw err;
    }
  });
}
