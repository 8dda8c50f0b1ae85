// store/bulk-writes.ts writes the hot paths' rows either as prepared statements on the transaction's own
// SQLite connection (inside serialized()) or through Prisma's raw queries (any other transaction, as on
// another database). Both must store the same values in the same format, read back what they inserted,
// skip conflicting rows when asked, and roll back with their transaction; executeEach likewise. The same cases
// run on a real PostgreSQL server (test/support/postgres.ts): there our transactions send the rows as one
// array parameter per column (unnest), or from 32 rows on with nothing skipped or read back as COPY ... FROM
// STDIN, a plain Prisma transaction as multi-row VALUES. store/hot-reads.ts reads the same way
// (prepared statements on SQLite, $queryRaw on PostgreSQL): what it returns, converted, is what Prisma returns.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb, type Db } from "../../services/agency/store/db";
import { migrateIfNeeded } from "../../services/agency/store/migrate-if-needed";
import { freshPostgresUrl, testDatabases, type TestDatabase } from "../support/postgres";
import { readOnly, serialized, type Tx } from "../../services/agency/store/serialized";
import { bulkInsert, executeEach } from "../../services/agency/store/bulk-writes";
import { isUniqueViolation } from "../../services/agency/store/unique-violation";
import { asBoolean, asCount, asDate, selectRows } from "../../services/agency/store/hot-reads";
import { Prisma } from "../../services/agency/generated/prisma/client";

const COLUMNS = ["txHash", "logIndex", "blockNumber", "blockHash", "name", "caseRef", "eventId", "missingFlags", "stopReasons", "previousStopReasons", "originalEventId", "blockTime", "receivedAt"] as const;

function rows(txHash: string, n: number, at: Date) {
  return Array.from({ length: n }, (_, i) => ({
    txHash,
    logIndex: i,
    blockNumber: 7,
    blockHash: "0x" + "bb".repeat(32),
    name: "StepRecorded",
    caseRef: i % 2 ? null : "0x" + "cc".repeat(32),
    eventId: String(72057594037927936n + BigInt(i)),
    // the rule events' typed columns: integers, NULLs and uint64 ids beyond 2^53 as text
    missingFlags: i % 2 ? 1 << (i + 10) : null,
    stopReasons: i % 3 ? i : null,
    previousStopReasons: i % 3 ? 0 : null,
    originalEventId: i % 2 ? null : String(18446744073709551615n - BigInt(i)),
    blockTime: 1_700_000_000 + i,
    receivedAt: at,
  }));
}

const paths: [string, <T>(db: Db, fn: (tx: Tx) => Promise<T>) => Promise<T>][] = [
  ["prepared statements on the SQLite connection (serialized)", (db, fn) => serialized(db, fn)],
  ["Prisma raw queries (any other transaction)", (db, fn) => db.$transaction(fn)],
];
const postgresPaths: typeof paths = [
  ["one array parameter per column in one of our transactions (serialized)", (db, fn) => serialized(db, fn)],
  ["multi-row VALUES in a plain Prisma transaction", (db, fn) => db.$transaction(fn)],
];
/** How the database prints the stored timestamp as text: SQLite holds the adapter's ISO text. */
const TIMESTAMP_TEXT: Record<TestDatabase, string> = { sqlite: "2026-11-27T10:11:12.345+00:00", postgres: "2026-11-27 10:11:12.345" };

for (const database of testDatabases())
describe(`bulk writes (store/bulk-writes.ts) on ${database}`, () => {
  let dir: string;
  let db: Db;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "anker-bulk-"));
    const url = database === "postgres" ? await freshPostgresUrl("bulk") : `file:${join(dir, "agency.db")}`;
    await migrateIfNeeded(url);
    db = openDb(url);
  });
  after(async () => {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("selectRows reads in one of our transactions and on the client what Prisma reads, with parameters bound", async () => {
    const refs = ["0x" + "f1".repeat(32), "0x" + "f2".repeat(32), `O'Brien "x" \\ ✓`];
    await db.caseFollow.createMany({ data: refs.map((caseRef, i) => ({ caseRef, byStep: i % 2 === 0, byAllocation: i === 1 })) });
    const sql = Prisma.sql`SELECT "caseRef", "byStep", "byAllocation", "since" FROM "CaseFollow" WHERE "caseRef" IN (${Prisma.join(refs)}) ORDER BY "caseRef"`;
    type Raw = { caseRef: string; byStep: boolean | number; byAllocation: boolean | number; since: Date | string };
    const convert = (rows: Raw[]) => rows.map((r) => ({ caseRef: r.caseRef, byStep: asBoolean(r.byStep), byAllocation: asBoolean(r.byAllocation), since: asDate(r.since) }));
    const expected = await db.caseFollow.findMany({ where: { caseRef: { in: refs } }, orderBy: { caseRef: "asc" } });
    expect(expected).to.have.length(3);
    expect(convert(await serialized(db, (tx) => selectRows<Raw>(tx, sql)))).to.deep.equal(expected);
    expect(convert(await selectRows<Raw>(db, sql))).to.deep.equal(expected);
    const [count] = await selectRows<{ n: number | bigint }>(db, Prisma.sql`SELECT COUNT(*) AS "n" FROM "CaseFollow" WHERE "byStep" = ${true}`);
    expect(asCount(count.n)).to.equal(2);
    await db.caseFollow.deleteMany({ where: { caseRef: { in: refs } } });
  });

  if (database === "postgres")
    it("selectRows in a readOnly transaction reads its own snapshot, never on the open writer's connection", async () => {
      const ref = "0x" + "f3".repeat(32);
      let inserted!: () => void;
      const rowWritten = new Promise<void>((r) => (inserted = r));
      let finish!: () => void;
      const held = new Promise<void>((r) => (finish = r));
      const writer = serialized(db, async (tx) => {
        await tx.caseFollow.create({ data: { caseRef: ref, byStep: true } });
        inserted();
        await held; // the writer's row stays uncommitted while the read runs
      });
      await rowWritten;
      const seen = await readOnly(db, (tx) => selectRows<{ caseRef: string }>(tx, Prisma.sql`SELECT "caseRef" FROM "CaseFollow" WHERE "caseRef" = ${ref}`));
      finish();
      await writer;
      expect(seen).to.deep.equal([]);
      expect(await db.caseFollow.count({ where: { caseRef: ref } })).to.equal(1);
      await db.caseFollow.deleteMany({ where: { caseRef: ref } });
    });

  for (const [label, inTx] of database === "postgres" ? postgresPaths : paths) {
    describe(label, () => {
      const first = label.includes("serialized");
      const txHash = "0x" + (first ? "a1" : "a2").repeat(32);
      const at = new Date("2026-11-27T10:11:12.345Z");

      it("stores every column as Prisma would and returns the inserted rows", async () => {
        const input = rows(txHash, 5, at);
        const back = await inTx(db, (tx) => bulkInsert(tx, "LedgerEvent", [...COLUMNS], input, { returning: ["txHash", "logIndex"] }));
        expect(back.map((r) => [r.txHash, r.logIndex])).to.deep.equal(input.map((r) => [r.txHash, r.logIndex]));
        const stored = await db.ledgerEvent.findMany({ where: { txHash }, orderBy: { logIndex: "asc" } });
        expect(stored.map((r) => ({ ...r, id: undefined, agency: undefined, stepCode: undefined, detail: undefined, businessDate: undefined, commitment: undefined }))).to.deep.equal(
          input.map((r) => ({ ...r, id: undefined, agency: undefined, stepCode: undefined, detail: undefined, businessDate: undefined, commitment: undefined })),
        );
        // The stored text of the timestamp is the Prisma adapter's own format.
        const text = await db.$queryRawUnsafe<{ t: string }[]>(`SELECT CAST("receivedAt" AS TEXT) AS t FROM "LedgerEvent" WHERE "txHash" = '${txHash}' LIMIT 1`);
        expect(text[0].t).to.equal(TIMESTAMP_TEXT[database]);
      });

      it("stores text exactly as given (quotes, backslashes, line breaks, umlauts, array syntax, the word NULL, empty) and a time on the full second", async () => {
        const odd = "0x" + (first ? "e1" : "e2").repeat(32);
        const names = [`Schritt "Anhörung" \\ O'Brien\nzweite Zeile ✓ {"a":1}`, "NULL", "", "{1,2}", " a , b ", `\\"`];
        const second = new Date("2026-11-27T10:11:12.000Z");
        const input = rows(odd, names.length, second).map((r, i) => ({ ...r, name: names[i] }));
        await inTx(db, (tx) => bulkInsert(tx, "LedgerEvent", [...COLUMNS], input));
        const stored = await db.ledgerEvent.findMany({ where: { txHash: odd }, orderBy: { logIndex: "asc" } });
        expect(stored.map((r) => [r.name, r.receivedAt])).to.deep.equal(names.map((n) => [n, second]));
        await db.ledgerEvent.deleteMany({ where: { txHash: odd } });
      });

      it("stores a page of 40 rows (on PostgreSQL in our transactions: COPY) exactly: text with tabs, backslashes, line breaks and \\N, NULLs, uint64 text, times", async () => {
        const page = "0x" + (first ? "c1" : "c2").repeat(32);
        const odd = ["a\tb", "back\\slash", "line\nbreak", "carriage\rreturn", "\\N", "\\.", "NULL", "", `"quoted" ✓ {1,2}`];
        const input = rows(page, 40, at).map((r, i) => ({ ...r, name: odd[i % odd.length] }));
        await inTx(db, (tx) => bulkInsert(tx, "LedgerEvent", [...COLUMNS], input));
        const stored = await db.ledgerEvent.findMany({ where: { txHash: page }, orderBy: { logIndex: "asc" } });
        const picked = (r: Record<string, unknown>) => Object.fromEntries(COLUMNS.map((c) => [c, r[c]]));
        expect(stored.map(picked)).to.deep.equal(input.map(picked));
        // A page that holds a stored event fails as a unique violation, which the listener's retry recognises.
        const again = await inTx(db, (tx) => bulkInsert(tx, "LedgerEvent", [...COLUMNS], rows(page, 40, at))).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(isUniqueViolation(again), String(again)).to.equal(true);
        expect(await db.ledgerEvent.count({ where: { txHash: page } })).to.equal(40);
        await db.ledgerEvent.deleteMany({ where: { txHash: page } });
      });

      it("stores a time as Prisma does (UTC) also when the process runs in another time zone", async () => {
        const zoned = "0x" + (first ? "f1" : "f2").repeat(32);
        const winter = new Date("2026-01-15T23:30:00.250Z");
        const zone = process.env.TZ;
        process.env.TZ = "Europe/Berlin"; // Node reads it anew: local time is UTC+1 now
        try {
          expect(winter.getHours()).to.equal(0);
          await inTx(db, (tx) => bulkInsert(tx, "LedgerEvent", [...COLUMNS], rows(zoned, 1, winter)));
        } finally {
          if (zone === undefined) delete process.env.TZ;
          else process.env.TZ = zone;
        }
        expect((await db.ledgerEvent.findFirstOrThrow({ where: { txHash: zoned } })).receivedAt).to.deep.equal(winter);
        await db.ledgerEvent.deleteMany({ where: { txHash: zoned } });
      });

      it("skips rows that exist and returns only the new ones", async () => {
        const input = rows(txHash, 7, at); // 0..4 exist from the test before
        const back = await inTx(db, (tx) => bulkInsert(tx, "LedgerEvent", [...COLUMNS], input, { skipConflictsOn: ["txHash", "logIndex"], returning: ["logIndex"] }));
        expect(back.map((r) => r.logIndex)).to.deep.equal([5, 6]);
        expect(await db.ledgerEvent.count({ where: { txHash } })).to.equal(7);
      });

      it("fails on a conflict without skipConflictsOn, and its transaction leaves nothing behind", async () => {
        const other = "0x" + "dd".repeat(31) + (first ? "01" : "02");
        const attempt = inTx(db, async (tx) => {
          await bulkInsert(tx, "LedgerEvent", [...COLUMNS], rows(other, 3, at));
          await bulkInsert(tx, "LedgerEvent", [...COLUMNS], rows(txHash, 1, at)); // exists
        });
        let failed = false;
        await attempt.catch(() => (failed = true));
        expect(failed).to.equal(true);
        expect(await db.ledgerEvent.count({ where: { txHash: other } })).to.equal(0);
      });

      it("executeEach runs one statement per row and counts the rows it changed", async () => {
        const changed = await inTx(db, (tx) =>
          executeEach(tx, [0, 1, 2, 99].map((i) => Prisma.sql`UPDATE "LedgerEvent" SET "blockTime" = ${i + 5}, "receivedAt" = ${at} WHERE "txHash" = ${txHash} AND "logIndex" = ${i}`)),
        );
        expect(changed).to.equal(3); // no row 99
        const stored = await db.ledgerEvent.findMany({ where: { txHash, logIndex: { lt: 3 } }, orderBy: { logIndex: "asc" }, select: { blockTime: true, receivedAt: true } });
        expect(stored).to.deep.equal([0, 1, 2].map((i) => ({ blockTime: i + 5, receivedAt: at })));
      });
    });
  }
});
