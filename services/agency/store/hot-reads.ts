// Reads on the hot paths (every turn of the outbox, every page of the listener, every bulk request's
// idempotency check) as plain SQL. Why: Prisma 6 compiles every call anew in its WebAssembly query
// compiler (no plan cache), about a millisecond a call under load, more than the query itself costs; in
// the three services' bulk phase the compiler was 4-6 % of each one's profile (bench/throughput.ts,
// 2026-12-04). On SQLite a cached prepared statement on the store's one connection (as bulk-writes.ts
// writes); on PostgreSQL, in one of our transactions, on its own connection (store/pg-direct.ts), else
// $queryRaw. Either way the values are bound parameters. What comes back is the database's own types:
// SQLite gives booleans as 0/1 and dates as ISO text, PostgreSQL counts as bigint or decimal text;
// callers convert with the helpers below.
import type { Prisma } from "../generated/prisma/client";
import { sqliteOf, type Db } from "./db";
import { connectionOf, postgresWriterOfTx, sqliteValue, type Value } from "./bulk-writes";
import { pgQuery } from "./pg-direct";
import { ownerOf, type Tx } from "./serialized";

/**
 * The rows of `sql` read through `on`: one of our interactive transactions (store/serialized.ts) or the
 * client itself (a read outside any transaction, with the same visibility as a Prisma call there).
 */
export async function selectRows<T>(on: Db | Tx, sql: Prisma.Sql): Promise<T[]> {
  const ours = ownerOf(on as Tx) !== undefined;
  const conn = ours ? connectionOf(on as Tx) : sqliteOf(on as Db);
  if (conn) return conn.prepared(sql.sql).all(sql.values.map((v) => sqliteValue(v as Value))) as T[];
  const pg = ours ? postgresWriterOfTx(on as Tx) : undefined;
  if (pg) return (await pgQuery<T>(pg, sql)).rows;
  return (on as Tx).$queryRaw<T[]>(sql);
}

/** A DateTime column's value as read by selectRows. */
export const asDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/** A Boolean column's value as read by selectRows. */
export const asBoolean = (v: boolean | number): boolean => v === true || v === 1;

/** A COUNT(*) as read by selectRows. */
export const asCount = (v: number | bigint | string): number => Number(v);
