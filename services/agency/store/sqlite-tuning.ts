// SQLite only: write-ahead logging. A commit costs one sync of the WAL instead of the rollback journal's
// several (measured here: about 1 ms instead of 3 ms per committed step), and readers in other processes
// (tools, tests) do not block the service's writes. synchronous stays FULL: a step the API acknowledged must
// survive a power cut, not only a crash. Keep `prisma migrate deploy` away from a WAL store that another
// process holds open (see migrate-if-needed.ts).
//
// Checkpoints (copying the WAL back into the database file) run on a worker thread with a connection of its
// own, not in the commit that happens to fill the WAL: with SQLite's automatic checkpoint, every few commits
// of the service's one connection stopped the event loop to write and sync the database file (2026-12-04,
// bench/throughput.ts: the BAMF service's commit time halved without them, 2.75 s to 1.35 s a run). Should the worker stop, the connection
// checkpoints automatically again, so the WAL never grows without bound.
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { sqliteFileOf, type Db } from "./db";

/** How often the worker checkpoints (PASSIVE: it never waits for, nor blocks, the service's writes). */
const CHECKPOINT_EVERY_MS = 500;
/** SQLite's default: a checkpoint once the WAL holds this many pages. */
const AUTO_CHECKPOINT_PAGES = 1000;

// CommonJS, evaluated in the worker: the driver is the one this process loaded (its path passed in).
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const checkpoint = () => { try { db.pragma("wal_checkpoint(PASSIVE)"); } catch { /* busy or closing: the next turn */ } };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.once("message", () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); });
`;

export async function tuneSqlite(db: Db, databaseUrl: string, log?: Pick<Logger, "warn">): Promise<void> {
  if (!databaseUrl.startsWith("file:")) return;
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  const file = sqliteFileOf(db);
  if (!file) return;
  await db.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 0");
  const worker = new Worker(WORKER, { eval: true, workerData: { driver: require.resolve("better-sqlite3"), file: file.file, everyMs: CHECKPOINT_EVERY_MS } });
  worker.unref();
  let closing = false;
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.once("error", (err) => log?.warn({ err: err.message }, "SQLite checkpoint worker failed; automatic checkpoints again"));
  void exited.then(() => {
    if (!closing) void db.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`).catch(() => undefined);
  });
  file.onClose(() => {
    closing = true;
    // referenced again: otherwise, once the service has closed everything else, the process would end
    // before the worker's exit event, in the middle of the shutdown
    worker.ref();
    worker.postMessage("close");
    return exited;
  });
}
