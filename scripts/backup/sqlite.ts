// SQLite: SQLite's online backup API (better-sqlite3's db.backup) copies the database page by page while
// the service keeps writing; all pages go in one step, so the copy is one consistent state (a write between
// steps would make SQLite start the copy again). The copy is switched to a rollback journal, so the backup
// is one self-contained file. A restore copies the backup back with the same API into the store's file
// (which also settles a write-ahead log left there), then records itself and moves the Step id sequence.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { snapshotFacts, listenerCheckpointOf, TABLES_SQL, type Query, type SnapshotFacts } from "./snapshot-facts";
import { INSERT_RESTORE_SQL, RESTORE_TABLE_DDL, restoreValues, type RestoreRecord } from "./restore-record";

const ALL_PAGES = 0x7fffffff;

const queryOf =
  (db: Database.Database): Query =>
  async (sql) =>
    db.prepare(sql).all() as Record<string, unknown>[];

export async function backupSqlite(dbFile: string, outFile: string): Promise<SnapshotFacts> {
  if (!existsSync(dbFile)) throw new Error(`the store ${dbFile} does not exist`);
  const partial = `${outFile}.partial`;
  rmSync(partial, { force: true });
  const src = new Database(dbFile, { fileMustExist: true, timeout: 10_000 });
  try {
    await src.backup(partial, { progress: () => ALL_PAGES });
  } finally {
    src.close();
  }
  const copy = new Database(partial, { fileMustExist: true });
  let facts: SnapshotFacts;
  try {
    copy.pragma("journal_mode = DELETE");
    facts = await snapshotFacts(queryOf(copy), TABLES_SQL.sqlite);
  } finally {
    copy.close();
  }
  renameSync(partial, outFile);
  return facts;
}

/**
 * Whether another process holds the store open: an exclusive lock on a database in write-ahead-log mode
 * needs every other connection closed (the service keeps one open while it runs).
 */
export function sqliteHeldBy(dbFile: string): string | undefined {
  if (!existsSync(dbFile)) return undefined;
  const db = new Database(dbFile, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE; COMMIT");
    return undefined;
  } catch (err) {
    return `another process holds ${dbFile} open (${(err as Error).message})`;
  } finally {
    db.close();
  }
}

export async function sqliteFacts(dbFile: string): Promise<{ checkpoint: SnapshotFacts["listenerCheckpoint"]; maxStepId: number } | undefined> {
  if (!existsSync(dbFile)) return undefined;
  const db = new Database(dbFile, { fileMustExist: true, readonly: true });
  try {
    const q = queryOf(db);
    let maxStepId = 0;
    try {
      maxStepId = Number((await q(`SELECT COALESCE(MAX("id"), 0) AS m FROM "Step"`))[0].m);
    } catch {
      // no Step table: an empty store
    }
    return { checkpoint: await listenerCheckpointOf(q), maxStepId };
  } finally {
    db.close();
  }
}

export async function restoreSqlite(dumpFile: string, dbFile: string, record: RestoreRecord): Promise<void> {
  mkdirSync(dirname(dbFile), { recursive: true });
  const src = new Database(dumpFile, { fileMustExist: true, readonly: true });
  try {
    await src.backup(dbFile, { progress: () => ALL_PAGES });
  } finally {
    src.close();
  }
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    db.transaction(() => {
      db.exec(RESTORE_TABLE_DDL.sqlite);
      db.prepare(`${INSERT_RESTORE_SQL} (?, ?, ?, ?, ?, ?)`).run(...restoreValues(record));
      // Step ids continue above every id the chain holds of this agency (sqlite_sequence: AUTOINCREMENT's counter).
      db.prepare(`INSERT INTO sqlite_sequence (name, seq) SELECT 'Step', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'Step')`).run();
      db.prepare(`UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'Step'`).run(record.lostThroughStepId);
    })();
  } finally {
    db.close();
  }
}
