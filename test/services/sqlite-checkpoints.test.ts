// store/sqlite-tuning.ts: the service's SQLite connection does not checkpoint its WAL itself; a worker thread
// with its own connection does, every half second. What must hold: the written pages reach the database
// file without any checkpoint by the service's connection, a connection Prisma opens again after the
// store was closed (no worker with it) checkpoints on its own, and once $disconnect resolves the worker has
// closed its connection too (a test harness deletes the files next; CI once failed there with ENOTEMPTY,
// the worker's last checkpoint then being unawaited: a race this test cannot force, only the end state).
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb, type Db } from "../../services/agency/store/db";
import { migrateIfNeeded } from "../../services/agency/store/migrate-if-needed";
import { serialized } from "../../services/agency/store/serialized";
import { bulkInsert } from "../../services/agency/store/bulk-writes";
import { tuneSqlite } from "../../services/agency/store/sqlite-tuning";

const COLUMNS = ["txHash", "logIndex", "blockNumber", "blockHash", "name", "caseRef", "eventId", "blockTime", "receivedAt"] as const;

async function writeEvents(db: Db, block: number, n: number): Promise<void> {
  const at = new Date();
  await serialized(db, (tx) =>
    bulkInsert(
      tx,
      "LedgerEvent",
      [...COLUMNS],
      Array.from({ length: n }, (_, i) => ({
        txHash: "0x" + block.toString(16).padStart(64, "0"),
        logIndex: i,
        blockNumber: block,
        blockHash: "0x" + "bb".repeat(32),
        name: "StepRecorded",
        caseRef: "0x" + (i % 50).toString(16).padStart(64, "0"),
        eventId: String(block * 100_000 + i),
        blockTime: 1_700_000_000 + block,
        receivedAt: at,
      })),
    ),
  );
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const setting = async (db: Db, pragma: string): Promise<number> => Number(Object.values((await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${pragma}`))[0])[0]);

describe("SQLite checkpoints on a worker thread (store/sqlite-tuning.ts)", function () {
  let dir: string;
  let url: string;
  let db: Db | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "anker-checkpoints-"));
    url = `file:${join(dir, "agency.db")}`;
    await migrateIfNeeded(url);
  });
  afterEach(async () => {
    await db?.$disconnect();
    db = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("moves the WAL into the database file while the service's connection never checkpoints", async () => {
    db = openDb(url);
    await tuneSqlite(db, url);
    expect(await db.$queryRawUnsafe("PRAGMA journal_mode")).to.deep.equal([{ journal_mode: "wal" }]);
    expect(await setting(db, "wal_autocheckpoint")).to.equal(0);
    const file = join(dir, "agency.db");
    const before = statSync(file).size;
    for (let block = 1; block <= 20; block++) await writeEvents(db, block, 200);
    // 4,000 events are megabytes of pages: only a checkpoint puts them into the database file
    await until("the database file holds the written pages", () => statSync(file).size > before + 1_000_000);
  });

  it("leaves SQLite's own checkpoints on for a connection opened again after the store was closed", async () => {
    db = openDb(url);
    await tuneSqlite(db, url);
    expect(await setting(db, "wal_autocheckpoint")).to.equal(0);
    await db.$disconnect(); // the worker is told to close with Prisma's connection
    // Prisma opens a new connection on the next query: SQLite's default there, and no worker
    expect(await setting(db, "wal_autocheckpoint")).to.equal(1000);
  });

  it("has stopped the worker and closed every connection once $disconnect resolves", async () => {
    db = openDb(url);
    await tuneSqlite(db, url);
    // megabytes in the WAL: the worker's last checkpoint, on closing, takes a while
    for (let block = 1; block <= 20; block++) await writeEvents(db, block, 500);
    await db.$disconnect();
    db = undefined;
    // SQLite removes the WAL and its index when the last connection to the database closes
    expect(readdirSync(dir).sort()).to.deep.equal(["agency.db"]);
    expect(existsSync(join(dir, "agency.db-wal"))).to.equal(false);
  });
});
