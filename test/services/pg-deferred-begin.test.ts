// On PostgreSQL a transaction's BEGIN travels with its first statement when that one has no parameters
// (store/pg-deferred-begin.ts): the writer's transactions with their lock, the read-only ones with their
// isolation level. Seen from the server itself: another connection reads the open transaction's last query
// text in pg_stat_activity. A first statement with parameters gets BEGIN on its own, and such a
// transaction still rolls back as a whole.
import { expect } from "chai";
import { Client } from "pg";
import { openDb, WRITER_LOCK_SQL, type Db } from "../../services/agency/store/db";
import { migrateIfNeeded } from "../../services/agency/store/migrate-if-needed";
import { readOnly, serialized } from "../../services/agency/store/serialized";
import { freshPostgresUrl, testDatabases } from "../support/postgres";

if (testDatabases().includes("postgres"))
  describe("PostgreSQL: BEGIN sent with a transaction's first statement (store/pg-deferred-begin.ts)", () => {
    let db: Db;
    let observer: Client;

    before(async () => {
      const url = await freshPostgresUrl("begin");
      await migrateIfNeeded(url);
      db = openDb(url);
      observer = new Client({ connectionString: url });
      await observer.connect();
    });

    after(async () => {
      await observer.end();
      await db.$disconnect();
    });

    /** The last query text of every other connection to this database that is inside a transaction now. */
    const openTransactions = async () =>
      (
        await observer.query<{ query: string }>(
          `SELECT "query" FROM pg_stat_activity WHERE "datname" = current_database() AND "pid" <> pg_backend_pid() AND "state" = 'idle in transaction'`,
        )
      ).rows.map((r) => r.query);

    it("sends the writer's lock in one query with BEGIN", async () => {
      const seen = await serialized(db, () => openTransactions());
      expect(seen).to.deep.equal([`BEGIN; ${WRITER_LOCK_SQL}`]);
    });

    it("sends a read-only transaction's isolation level in one query with BEGIN", async () => {
      const seen = await readOnly(db, () => openTransactions());
      expect(seen).to.deep.equal(["BEGIN; SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"]);
    });

    it("sends BEGIN on its own before a first statement with parameters, and rolls such a transaction back whole", async () => {
      const address = "0x" + "42".repeat(20);
      const failed = await db
        .$transaction(async (tx) => {
          await tx.writerNonce.create({ data: { address, nextNonce: 7 } });
          expect(await openTransactions()).to.have.length(1);
          throw new Error("roll back");
        })
        .then(
          () => false,
          (err: Error) => err.message === "roll back",
        );
      expect(failed).to.equal(true);
      expect(await db.writerNonce.count({ where: { address } })).to.equal(0);
    });
  });
