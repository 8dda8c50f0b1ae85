// The agency's off-chain store: Prisma (JS engine + driver adapter) on SQLite (.data/<agency>/agency.db,
// better-sqlite3) or, with a postgresql:// DATABASE_URL, on PostgreSQL (pg). One code path: the PostgreSQL
// client is generated from the same models (prisma/postgres/schema.prisma, by `npm run db:migration`) and
// is used through the SQLite client's type; SameModels below makes the compiler check that this is sound.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { Client, type Pool, type PoolClient } from "pg";
import { PrismaClient, type Prisma as SqlitePrisma } from "../generated/prisma/client";
import { PrismaClient as PostgresClient, type Prisma as PostgresPrisma } from "../generated/prisma-postgres/client";
import { REPO_ROOT } from "../../shared/paths";

export type Db = PrismaClient;

/** A postgresql:// (or postgres://) URL: the store is on PostgreSQL. */
export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//.test(databaseUrl);
}

/**
 * The PostgreSQL client is used through the SQLite client's type. Sound because both are generated from the
 * same models: the compiler checks here that they have the same models, each with the same fields of the
 * same types (both ways) and the same operations. (The delegates' generic signatures themselves do not
 * compare structurally across two generated clients.)
 */
type Scalars<N, M extends string> = N extends { model: Record<M, { payload: { scalars: infer S } }> } ? S : never;
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameModels = {
  [M in SqlitePrisma.ModelName]: Mutual<Scalars<SqlitePrisma.TypeMap, M>, Scalars<PostgresPrisma.TypeMap, M>> extends true
    ? Mutual<keyof PrismaClient[Uncapitalize<M>], keyof PostgresClient[Uncapitalize<M>]>
    : false;
}[SqlitePrisma.ModelName | PostgresPrisma.ModelName];
const sameModels: SameModels = true;
void sameModels;

/** What we use of better-sqlite3's Database (the package ships no types). */
export interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
  safeIntegers(on: boolean): SqliteStatement;
}

/**
 * SQLite: apply the committed migrations (`prisma migrate deploy`); creates the database file if needed.
 * PostgreSQL goes through migrateIfNeeded (store/migrate-if-needed.ts), which works for both.
 */
export function migrate(databaseUrl: string): void {
  if (isPostgresUrl(databaseUrl)) throw new Error("migrate() is SQLite only: use migrateIfNeeded() for PostgreSQL");
  mkdirSync(dirname(databaseUrl.replace(/^file:/, "")), { recursive: true });
  execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy"], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" },
    stdio: "pipe",
  });
}

/**
 * Create the URL's PostgreSQL database if it does not exist (a developer's or test server; in production the
 * database is usually there already and the role may not create one, which is fine then).
 */
export async function ensurePostgresDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!name) return;
  url.pathname = "/postgres";
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch {
    // no maintenance database or no right to create one: migrate deploy reports a missing database itself
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** An open SQLite connection with its prepared statements, cached for as long as the connection lives. */
export class SqliteStatements {
  private readonly cache = new Map<string, SqliteStatement>();

  constructor(private readonly connection: SqliteConnection) {}

  /** The prepared statement of `sql` (integers as numbers). */
  prepared(sql: string): SqliteStatement {
    let stmt = this.cache.get(sql);
    if (!stmt) this.cache.set(sql, (stmt = this.connection.prepare(sql).safeIntegers(false)));
    return stmt;
  }
}

/** The adapter factory, keeping hold of the connection it opens (see sqliteOf). */
class SqliteAdapterFactory extends PrismaBetterSQLite3 {
  statements?: SqliteStatements;
  /** Run once when Prisma closes the connection it opened ($disconnect): see onSqliteClose. */
  readonly closing = new Set<() => void | Promise<void>>();

  constructor(readonly file: string) {
    super({ url: `file:${file}` });
  }

  override async connect(): ReturnType<PrismaBetterSQLite3["connect"]> {
    const adapter = await super.connect();
    this.statements = new SqliteStatements((adapter as unknown as { client: SqliteConnection }).client);
    const dispose = adapter.dispose.bind(adapter);
    // Waits for what the closers wait for (the checkpoint worker's last write), so that the files are
    // no longer touched once $disconnect resolves: a caller may delete them next.
    adapter.dispose = async () => {
      const closers = [...this.closing];
      this.closing.clear();
      await Promise.all(closers.map((close) => close()));
      return dispose();
    };
    return adapter;
  }
}

// Not a cache: which adapter a client was opened with (Prisma does not tell), for as long as the client lives.
const factories = new WeakMap<Db, SqliteAdapterFactory>();

/** pg_advisory_xact_lock of the store's writer lock ("anker" in ASCII): see store/serialized.ts. */
export const WRITER_LOCK_SQL = "SELECT pg_advisory_xact_lock(418581456242)";

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type PgAdapterTransaction = Awaited<ReturnType<PgAdapter["startTransaction"]>>;

/**
 * The PostgreSQL adapter factory, keeping hold of the pool connection of the transaction that holds the
 * store's writer lock while it is open (see postgresWriterOf). It is recognised by its lock statement: the
 * writer's transactions run one at a time in the process (store/serialized.ts), each taking the lock first.
 */
class PostgresAdapterFactory extends PrismaPg {
  writer?: PoolClient;
  /** the adapter's connection pool, once Prisma has connected (see postgresPoolOf) */
  pool?: Pool;

  override async connect(): Promise<PgAdapter> {
    const adapter = await super.connect();
    this.pool = (adapter as unknown as { client: Pool }).client;
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const tx: PgAdapterTransaction = await start(isolationLevel);
      const conn = (tx as unknown as { client: PoolClient }).client;
      const execute = tx.executeRaw.bind(tx);
      tx.executeRaw = async (query) => {
        const changed = await execute(query);
        if (query.sql === WRITER_LOCK_SQL) this.writer = conn;
        return changed;
      };
      const [commit, rollback] = [tx.commit.bind(tx), tx.rollback.bind(tx)];
      const release = () => {
        if (this.writer === conn) this.writer = undefined;
      };
      tx.commit = () => (release(), commit());
      tx.rollback = () => (release(), rollback());
      return tx;
    };
    return adapter;
  }
}

// Not a cache: which clients are on PostgreSQL (with their adapter factory), for as long as the client lives.
const postgresClients = new WeakMap<Db, PostgresAdapterFactory>();

export function openDb(databaseUrl: string): Db {
  if (isPostgresUrl(databaseUrl)) {
    // Same models, same generated API (SameModels): only the provider differs.
    const adapter = new PostgresAdapterFactory({ connectionString: databaseUrl, max: 10 });
    const db = new PostgresClient({ adapter }) as unknown as Db;
    postgresClients.set(db, adapter);
    return db;
  }
  // as the adapter itself reads the URL: the path after "file:", relative to the working directory
  const adapter = new SqliteAdapterFactory(databaseUrl.replace(/^file:/, ""));
  const db = new PrismaClient({ adapter });
  factories.set(db, adapter);
  return db;
}

/**
 * On PostgreSQL, the pool connection of `db`'s transaction that holds the writer lock, while it is open:
 * statements on it are part of that transaction. Only for the hot paths inside one of our serialized
 * transactions (store/bulk-writes.ts, store/hot-reads.ts), which send their SQL there directly instead of
 * through Prisma: Prisma passes every raw query with its parameters through its WebAssembly query compiler,
 * and for a page of rows as one JSON parameter (tens of KB) that took milliseconds a call.
 */
export function postgresWriterOf(db: Db): PoolClient | undefined {
  return postgresClients.get(db)?.writer;
}

/**
 * On PostgreSQL, the connection pool under `db` (Prisma connects first if it has not yet); undefined on
 * SQLite. Only for a single statement that is a transaction of its own, sent past Prisma and beside the
 * store's write queue: the outbox's own transitions of its steps (outbox/step-rows.ts).
 */
export async function postgresPoolOf(db: Db): Promise<Pool | undefined> {
  const factory = postgresClients.get(db);
  if (!factory) return undefined;
  // not yet connected, or disconnected since ($disconnect ends the pool; Prisma opens a new one on connect)
  if (!factory.pool || factory.pool.ending) await db.$connect();
  return factory.pool;
}

/** Whether `db` was opened on PostgreSQL. */
export function isPostgres(db: Db): boolean {
  return postgresClients.has(db);
}

/**
 * The SQLite connection under `db` once Prisma has opened it (undefined before, and for any other
 * database), with its prepared statements. Only for statements inside one of our interactive transactions
 * (store/bulk-writes.ts): it is the same connection, so they are part of that transaction.
 */
export function sqliteOf(db: Db): SqliteStatements | undefined {
  return factories.get(db)?.statements;
}

/**
 * The SQLite database file under `db` (undefined on PostgreSQL), for a second connection that only reads
 * (store/snapshot-reads.ts), and a way to close that connection when Prisma closes its own ($disconnect).
 */
export function sqliteFileOf(db: Db): { file: string; onClose(close: () => void | Promise<void>): void } | undefined {
  const factory = factories.get(db);
  return factory && { file: factory.file, onClose: (close) => factory.closing.add(close) };
}
