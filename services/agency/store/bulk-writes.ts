// Writing many rows on the hot paths (the API's group commit of steps, the listener's pages of ledger
// events and their notifications, the outbox's per-batch updates) inside one of our interactive
// transactions. Why not createMany: Prisma
// stringifies and compiles every request anew (its query compiler runs per call, and the plan grows with
// the rows), which cost more CPU than SQLite itself at a few hundred steps a second.
// ON CONFLICT ... DO NOTHING and RETURNING run on SQLite >= 3.35 and PostgreSQL alike.
// On SQLite it runs as one cached prepared statement per row on the transaction's own connection (see
// db.ts, sqliteOf); on PostgreSQL as one INSERT ... SELECT FROM unnest(...) with one array parameter per
// column, typed as the table's column, sent on the transaction's own connection (db.ts, postgresWriterOf:
// through Prisma the statement went through its query compiler too), or, for a page of rows with nothing
// skipped or read back (the listener's ledger events), as COPY ... FROM STDIN on that connection; in a transaction not opened by
// serialized(), on either database, as multi-row VALUES. Values are bound parameters always; Dates are
// stored exactly as Prisma stores them.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { Prisma } from "../generated/prisma/client";
import { isPostgres, postgresWriterOf, sqliteOf, type Db, type SqliteStatements } from "./db";
import { pgQuery } from "./pg-direct";
import { isSerialized, ownerOf, type Tx } from "./serialized";

export type Value = string | number | bigint | boolean | Date | null;

export interface BulkInsertOptions<Row, Ret extends keyof Row & string> {
  /** ON CONFLICT (these columns) DO NOTHING: rows that already exist are skipped, not an error */
  skipConflictsOn?: (keyof Row & string)[];
  /** columns read back of the inserted rows (RETURNING); without it nothing is read back */
  returning?: Ret[];
}

/** A row read back: the RETURNING columns, always present. */
export type Returned<Row, Ret extends keyof Row> = { [K in Ret]-?: Exclude<Row[K], undefined> };

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** One row's INSERT with ? placeholders (SQLite). */
function statementSql(table: string, columns: string[], opts: { skipConflictsOn?: string[]; returning?: string[] }): string {
  const conflict = opts.skipConflictsOn?.length ? ` ON CONFLICT (${opts.skipConflictsOn.map(quote).join(", ")}) DO NOTHING` : "";
  const returning = opts.returning?.length ? ` RETURNING ${opts.returning.map(quote).join(", ")}` : "";
  return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})${conflict}${returning}`;
}

/** As the Prisma adapter binds them (adapter-better-sqlite3: mapArg, ISO 8601 with +00:00). */
export function sqliteValue(v: Value | undefined): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}

/**
 * The transaction's PostgreSQL pool connection, when it is a writer's transaction of ours on PostgreSQL
 * (db.ts, postgresWriterOf). Never for a readOnly() one: it runs beside the writer, on a connection of its own.
 */
export function postgresWriterOfTx(tx: Tx) {
  const owner = ownerOf(tx);
  return owner && isPostgres(owner) && isSerialized(tx) ? postgresWriterOf(owner) : undefined;
}

/** The transaction's SQLite connection, when it is one of ours on SQLite. */
export function connectionOf(tx: Tx): SqliteStatements | undefined {
  const owner = ownerOf(tx);
  return owner && sqliteOf(owner);
}

/**
 * Run the same-shaped statements (one per row: an UPDATE by id, say) and return the rows they changed. On
 * SQLite each runs as a cached prepared statement; elsewhere through Prisma's $executeRaw.
 */
export async function executeEach(tx: Tx, statements: Prisma.Sql[]): Promise<number> {
  const conn = connectionOf(tx);
  const pg = postgresWriterOfTx(tx);
  let changes = 0;
  for (const q of statements) {
    if (conn) changes += conn.prepared(q.sql).run(q.values.map((v) => sqliteValue(v as Value))).changes;
    else if (pg) changes += (await pgQuery(pg, q)).rowCount;
    else changes += await tx.$executeRaw(q);
  }
  return changes;
}

/**
 * Insert `rows` into `table`, the columns of `columns` in that order (a missing value is NULL). `tx` must be
 * an interactive transaction of store/serialized.ts. Returns the RETURNING columns of the rows inserted.
 */
export async function bulkInsert<Row extends Record<string, Value | undefined>, Ret extends keyof Row & string = never>(
  tx: Tx,
  table: string,
  columns: (keyof Row & string)[],
  rows: Row[],
  opts: BulkInsertOptions<Row, Ret> = {},
): Promise<Returned<Row, Ret>[]> {
  const out: Returned<Row, Ret>[] = [];
  if (rows.length === 0) return out;
  const conn = connectionOf(tx);
  if (conn) {
    const stmt = conn.prepared(statementSql(table, columns, opts));
    const reads = !!opts.returning?.length;
    for (const r of rows) {
      const values = columns.map((c) => sqliteValue(r[c]));
      if (!reads) stmt.run(values);
      else {
        const back = stmt.get(values);
        if (back) out.push(back as Returned<Row, Ret>);
      }
    }
    return out;
  }
  const ident = (name: string) => Prisma.raw(quote(name));
  const conflict = opts.skipConflictsOn?.length ? Prisma.sql` ON CONFLICT (${Prisma.join(opts.skipConflictsOn.map(ident))}) DO NOTHING` : Prisma.empty;
  const returning = opts.returning?.length ? Prisma.sql` RETURNING ${Prisma.join(opts.returning.map(ident))}` : Prisma.empty;
  const cols = Prisma.join(columns.map(ident));
  const pg = postgresWriterOfTx(tx);
  if (!pg) {
    // A transaction not opened by store/serialized.ts, on either database: portable multi-row VALUES.
    const size = Math.max(1, Math.floor(4000 / columns.length));
    for (let i = 0; i < rows.length; i += size) {
      const values = rows.slice(i, i + size).map((r) => Prisma.sql`(${Prisma.join(columns.map((c) => r[c] ?? null))})`);
      out.push(...(await tx.$queryRaw<Returned<Row, Ret>[]>`INSERT INTO ${ident(table)} (${cols}) VALUES ${Prisma.join(values)}${conflict}${returning}`));
    }
    return out;
  }
  // PostgreSQL: one statement, one array parameter per column, instead of a VALUES list with a parameter
  // per value (up to 4,000 a statement, each of which the server parses) or the rows as one JSON parameter
  // (json_populate_recordset). Measured on a local server (2026-12-05, 36,000 ledger events in inserts of
  // 287 rows as the listener stores them, four runs each): the server's CPU 21.7-23.9 µs a row with arrays
  // against 25.0-26.9 with JSON; reading the rows alone took 5.6-5.8 µs against 10.0-11.9.
  if (!opts.skipConflictsOn?.length && !opts.returning?.length && rows.length >= COPY_FROM_ROWS) {
    await copyRows(pg, table, columns, rows);
    return out;
  }
  const types = await columnTypesOf(ownerOf(tx)!, pg, table);
  const arrays = columns.map((c) => Prisma.sql`${rows.map((r) => arrayValue(r[c]))}::${Prisma.raw(`${types.get(c) ?? "text"}[]`)}`);
  const insert = Prisma.sql`INSERT INTO ${ident(table)} (${cols}) SELECT * FROM unnest(${Prisma.join(arrays)})${conflict}${returning}`;
  return (await pgQuery<Returned<Row, Ret>>(pg, insert)).rows;
}

/**
 * PostgreSQL: rows inserted with nothing skipped and nothing read back, from this many on, go in as
 * `COPY … FROM STDIN` (text format): the listener's pages of ledger events, which every agency stores.
 * Measured on a server of its own (2026-12-05, 36,000 ledger events in pages of 287, as the listener
 * stores them): the server's CPU 15.0-19.4 µs a row against 20.6-24.4 with the unnest insert, the
 * service's 4.4-7.1 against 8.6-10.4. A few rows go as a statement: COPY takes a round trip more.
 */
const COPY_FROM_ROWS = 32;

async function copyRows<Row extends Record<string, Value | undefined>>(conn: PoolClient, table: string, columns: (keyof Row & string)[], rows: Row[]): Promise<void> {
  const lines = rows.map((r) => columns.map((c) => copyText(r[c])).join("\t") + "\n").join("");
  const into = conn.query(copyFrom(`COPY ${quote(table)} (${columns.map(quote).join(", ")}) FROM STDIN`));
  await pipeline(Readable.from([lines]), into);
}

/** A value in COPY's text format: NULL as \N; backslash, tab, newline and carriage return escaped. */
function copyText(v: Value | undefined): string {
  if (v === undefined || v === null) return "\\N";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "boolean") return v ? "t" : "f";
  if (typeof v !== "string") return String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : v;
}

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * A value inside an array parameter. node-postgres writes a Date in an array in the process's local time,
 * which a timestamp column would store as it reads: in UTC, as Prisma does, instead. A bigint goes as
 * decimal text.
 */
function arrayValue(v: Value | undefined): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString();
  return typeof v === "bigint" ? v.toString() : v;
}

/** Each database's column types per table (as format_type names them), read from the catalog once. */
const columnTypes = new WeakMap<Db, Map<string, Promise<Map<string, string>>>>();

function columnTypesOf(db: Db, conn: PoolClient, table: string): Promise<Map<string, string>> {
  let tables = columnTypes.get(db);
  if (!tables) columnTypes.set(db, (tables = new Map()));
  const known = tables.get(table);
  if (known) return known;
  const types = pgQuery<{ name: string; type: string }>(
    conn,
    Prisma.sql`SELECT "attname" AS "name", format_type("atttypid", "atttypmod") AS "type" FROM "pg_attribute" WHERE "attrelid" = CAST(${quote(table)} AS regclass) AND "attnum" > 0 AND NOT "attisdropped"`,
  ).then(({ rows }) => new Map(rows.map((r) => [r.name, r.type])));
  tables.set(table, types);
  types.catch(() => tables.delete(table)); // asked again next time
  return types;
}
