// Writes of the chain side run in interactive transactions, always. Why: the SQLite driver adapter
// shares one connection, and only interactive transactions take its lock. A plain write (or even an
// array $transaction) issued while another part's interactive transaction is open runs inside that
// transaction and is rolled back with it. Reads that decide what to send run in one too, so they never
// see another part's uncommitted rows.
import type { Db } from "./db";
import type { Prisma } from "../generated/prisma/client";

export type Tx = Prisma.TransactionClient;

/** Generous waits: under load the API's transactions queue ahead of ours. */
const OPTIONS = { maxWait: 30_000, timeout: 60_000 };

const owners = new WeakMap<Tx, Db>();

export function serialized<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction((tx) => {
    owners.set(tx, db);
    return fn(tx);
  }, OPTIONS);
}

/** The client whose interactive transaction `tx` is (undefined for a transaction not opened here). */
export function ownerOf(tx: Tx): Db | undefined {
  return owners.get(tx);
}
