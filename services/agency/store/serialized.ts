// Writes of the chain side run in interactive transactions, always. Why: the SQLite driver adapter
// shares one connection, and only interactive transactions take its lock. A plain write (or even an
// array $transaction) issued while another part's interactive transaction is open runs inside that
// transaction and is rolled back with it. Reads that decide what to send run in one too, so they never
// see another part's uncommitted rows.
//
// On PostgreSQL the same transactions run one at a time as well, so the store behaves the same on both:
// the code above relies on SQLite's single writer (read, decide, write in one transaction without lost
// updates). In the process they queue (no pool connection is held while waiting); across processes (a
// tool, a second runner) a transaction-scoped advisory lock is what SQLite's write lock is. One exception,
// on PostgreSQL only: the outbox's markSubmitted and confirmSteps are single statements beside the queue
// (outbox/step-rows.ts says why that is sound); in it, each waited tens of milliseconds under load.
import { isPostgres, WRITER_LOCK_SQL, type Db } from "./db";
import type { Prisma } from "../generated/prisma/client";
import type { PrismaClient as PostgresClient } from "../generated/prisma-postgres/client";

export type Tx = Prisma.TransactionClient;

/** Generous waits: under load the API's transactions queue ahead of ours. */
const OPTIONS = { maxWait: 30_000, timeout: 60_000 };


const owners = new WeakMap<Tx, Db>();
// Not a cache: the transactions opened by serialized() (not readOnly()), for as long as each lives.
const writers = new WeakSet<Tx>();
// Not a cache: the tail of each PostgreSQL client's queue of transactions, for as long as the client lives.
const queues = new WeakMap<Db, Promise<unknown>>();

export function serialized<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!isPostgres(db)) {
    return db.$transaction((tx) => {
      owners.set(tx, db);
      writers.add(tx);
      return fn(tx);
    }, OPTIONS);
  }
  const run = () =>
    db.$transaction(async (tx) => {
      owners.set(tx, db);
      writers.add(tx);
      await tx.$executeRawUnsafe(WRITER_LOCK_SQL);
      return fn(tx);
    }, OPTIONS);
  const result = (queues.get(db) ?? Promise.resolve()).then(run, run);
  queues.set(db, result.catch(() => undefined));
  return result;
}

/**
 * A read that writes nothing. On PostgreSQL it runs on its own pool connection in one REPEATABLE READ
 * transaction (one consistent snapshot), without the writer lock and without queueing behind writes. On
 * SQLite the driver adapter has one connection, and a statement issued outside an interactive transaction
 * runs inside whichever one is open (seeing its uncommitted rows), so the read queues like a write there.
 */
export function readOnly<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!isPostgres(db)) return serialized(db, fn);
  // the SQLite client's type knows only Serializable; this client is the PostgreSQL one (store/db.ts)
  return (db as unknown as PostgresClient).$transaction(
    (pgTx) => {
      const tx = pgTx as unknown as Tx;
      owners.set(tx, db);
      return fn(tx);
    },
    { ...OPTIONS, isolationLevel: "RepeatableRead" },
  );
}

/** The client whose interactive transaction `tx` is (undefined for a transaction not opened here). */
export function ownerOf(tx: Tx): Db | undefined {
  return owners.get(tx);
}

/** Whether `tx` is a writer's transaction of serialized() (on PostgreSQL: it holds the writer lock). */
export function isSerialized(tx: Tx): boolean {
  return writers.has(tx);
}
