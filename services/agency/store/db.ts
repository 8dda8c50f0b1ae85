// The agency's off-chain store: Prisma (JS engine + better-sqlite3 adapter) on .data/<agency>/agency.db.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client";
import { REPO_ROOT } from "../../shared/paths";

export type Db = PrismaClient;

/** What we use of better-sqlite3's Database (the package ships no types). */
export interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  safeIntegers(on: boolean): SqliteStatement;
}

/** Apply the committed migrations (`prisma migrate deploy`); creates the database file if needed. */
export function migrate(databaseUrl: string): void {
  mkdirSync(dirname(databaseUrl.replace(/^file:/, "")), { recursive: true });
  execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy"], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" },
    stdio: "pipe",
  });
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

  override async connect(): ReturnType<PrismaBetterSQLite3["connect"]> {
    const adapter = await super.connect();
    this.statements = new SqliteStatements((adapter as unknown as { client: SqliteConnection }).client);
    return adapter;
  }
}

// Not a cache: which adapter a client was opened with (Prisma does not tell), for as long as the client lives.
const factories = new WeakMap<Db, SqliteAdapterFactory>();

export function openDb(databaseUrl: string): Db {
  const adapter = new SqliteAdapterFactory({ url: databaseUrl });
  const db = new PrismaClient({ adapter });
  factories.set(db, adapter);
  return db;
}

/**
 * The SQLite connection under `db` once Prisma has opened it (undefined before, and for any other
 * database), with its prepared statements. Only for statements inside one of our interactive transactions
 * (store/bulk-writes.ts): it is the same connection, so they are part of that transaction.
 */
export function sqliteOf(db: Db): SqliteStatements | undefined {
  return factories.get(db)?.statements;
}
