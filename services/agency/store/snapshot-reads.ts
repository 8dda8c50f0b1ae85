// Reads that must be fast under many concurrent callers (the case timeline's pages): plain SQL, written once
// for both databases, run in one consistent snapshot, beside the writes instead of queued behind them.
//
// Why not Prisma here: each Prisma query costs far more CPU than the indexed lookup it runs (compiling the
// query, preparing the statement anew, mapping the rows), and on SQLite every read would queue for the one
// connection Prisma shares with the writers (store/serialized.ts). Why one code path: the read is written as
// a generator that yields its queries ({sql, params}, `?` placeholders, double-quoted names, portable SQL)
// and receives their rows, so the same code and the same SQL run on
// - SQLite: a second connection to the same file (write-ahead log: readers never wait for the writer, and
//   see only committed rows), query_only, statements prepared once; the whole read runs synchronously in one
//   read transaction, a few hundred microseconds for a timeline page, so nothing interleaves with it;
// - PostgreSQL: readOnly (store/serialized.ts), one REPEATABLE READ, READ ONLY transaction on its own pool
//   connection, the queries through Prisma's raw SQL ($queryRawUnsafe, placeholders renumbered to $1, $2, …).
// Column values differ by driver (SQLite: 0/1 and ISO text; PostgreSQL: booleans and Dates, count(*) as a
// bigint): callers read them through the helpers at the end of this file.
import Database from "better-sqlite3";
import { isPostgres, sqliteFileOf, type Db } from "./db";
import { readOnly } from "./serialized";

export interface SqlQuery {
  /** portable SQL with `?` placeholders; no `?` anywhere else (string literals included) */
  sql: string;
  params: readonly (string | number | null)[];
}
export type Row = Record<string, unknown>;
/** A read: yields each query, receives its rows, returns the result. Runs inside one snapshot. */
export type SnapshotRead<T> = Generator<SqlQuery, T, Row[]>;

/** Statements kept per connection; a read with IN lists of many lengths must not grow it without end. */
const STATEMENTS_MAX = 256;

/** A prepared statement; one that returns rows gives them as arrays, `columns` their names. */
interface Prepared {
  statement: Database.Statement;
  columns?: string[];
}

class SqliteReader {
  private readonly connection: Database.Database;
  private readonly statements = new Map<string, Prepared>();
  closed = false;

  constructor(file: string) {
    this.connection = new Database(file, { fileMustExist: true });
    // a reader: any write through this connection is an error
    this.connection.pragma("query_only = ON");
  }

  private prepared(sql: string): Prepared {
    let p = this.statements.get(sql);
    if (!p) {
      if (this.statements.size >= STATEMENTS_MAX) this.statements.clear();
      const statement = this.connection.prepare(sql);
      // Rows as arrays, made into objects here: about twice as fast as better-sqlite3's own row objects.
      p = statement.reader ? { statement: statement.raw(true), columns: statement.columns().map((c) => c.name) } : { statement };
      this.statements.set(sql, p);
    }
    return p;
  }

  private rows(q: SqlQuery): Row[] {
    const { statement, columns } = this.prepared(q.sql);
    if (!columns) {
      statement.run(...q.params); // fails: query_only
      return [];
    }
    return (statement.all(...q.params) as unknown[][]).map((values) => {
      const row: Row = {};
      for (let i = 0; i < columns.length; i++) row[columns[i]] = values[i];
      return row;
    });
  }

  run<T>(read: () => SnapshotRead<T>): T {
    return this.connection.transaction(() => {
      const gen = read();
      let step = gen.next();
      while (!step.done) step = gen.next(this.rows(step.value));
      return step.value;
    })();
  }

  close(): void {
    this.closed = true;
    this.connection.close();
  }
}

// Not a cache: the reading connection beside each SQLite client, for as long as the client's own is open.
const readers = new WeakMap<Db, SqliteReader>();

function sqliteReader(db: Db, file: NonNullable<ReturnType<typeof sqliteFileOf>>): SqliteReader {
  let reader = readers.get(db);
  if (!reader || reader.closed) {
    const opened = new SqliteReader(file.file);
    readers.set(db, opened);
    file.onClose(() => {
      if (readers.get(db) === opened) readers.delete(db);
      opened.close();
    });
    reader = opened;
  }
  return reader;
}

/** `?` placeholders as PostgreSQL's $1, $2, … */
export function postgresPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Run `read` in one consistent snapshot of `db` (see the top of this file). */
export async function readSnapshot<T>(db: Db, read: () => SnapshotRead<T>): Promise<T> {
  if (isPostgres(db)) {
    return readOnly(db, async (tx) => {
      // as query_only on SQLite: the snapshot read writes nothing
      await tx.$executeRawUnsafe("SET TRANSACTION READ ONLY");
      const gen = read();
      let step = gen.next();
      while (!step.done) step = gen.next(await tx.$queryRawUnsafe<Row[]>(postgresPlaceholders(step.value.sql), ...step.value.params));
      return step.value;
    });
  }
  const file = sqliteFileOf(db);
  if (!file) throw new Error("readSnapshot: a client opened by openDb (store/db.ts) is needed");
  // Prisma opens its connection on the first query: the database file is migrated and in WAL mode by then
  if (!readers.has(db)) await db.$connect();
  return sqliteReader(db, file).run(read);
}

/** An integer column (count(*) is a bigint on PostgreSQL). */
export function int(v: unknown): number {
  return typeof v === "bigint" ? Number(v) : (v as number);
}
export function intOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : int(v);
}
/** A Boolean column (SQLite stores 0 or 1). */
export function bool(v: unknown): boolean {
  return v === true || v === 1 || v === 1n;
}
/** A DateTime column as a Date (SQLite: the ISO text Prisma wrote; PostgreSQL: a Date). */
export function date(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === "number") return new Date(v);
  const s = String(v);
  // timestamps without a zone are UTC, as Prisma writes them
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s.replace(" ", "T")}Z`);
}
export function dateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : date(v);
}
