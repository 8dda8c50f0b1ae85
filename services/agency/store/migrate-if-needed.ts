// Apply the committed migrations at start, but only when one is missing. Why not always run
// `prisma migrate deploy`: it takes the SQLite file with locking_mode=EXCLUSIVE, which fails (SQLITE_BUSY,
// reported as "SocketTimeout") while any other process holds a WAL database open, e.g. a tool reading
// the store while the service restarts. With nothing to apply there is nothing to lock for.
// PostgreSQL: the database is created if missing and its migrations applied by postgres-migrations.ts.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensurePostgresDatabase, isPostgresUrl, migrate, openDb } from "./db";
import { applyPostgresMigrations, committedMigrations } from "./postgres-migrations";
import { REPO_ROOT } from "../../shared/paths";

const PRISMA_DIR = join(REPO_ROOT, "services", "agency", "prisma");
/** Each provider's committed migrations (both written by `npm run db:migration`). */
export const SQLITE_MIGRATIONS_DIR = join(PRISMA_DIR, "migrations");
export const POSTGRES_MIGRATIONS_DIR = join(PRISMA_DIR, "postgres", "migrations");

/** SQLite migrations in the repository that the database has not applied (all of them for a new file). */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const committed = committedMigrations(SQLITE_MIGRATIONS_DIR);
  mkdirSync(dirname(databaseUrl.replace(/^file:/, "")), { recursive: true });
  const db = openDb(databaseUrl);
  try {
    const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return committed.filter((m) => !applied.has(m));
  } catch {
    return committed; // no migrations table yet
  } finally {
    await db.$disconnect();
  }
}

/** Bring the store to the committed schema; returns the migrations applied. */
export async function migrateIfNeeded(databaseUrl: string): Promise<string[]> {
  if (isPostgresUrl(databaseUrl)) {
    await ensurePostgresDatabase(databaseUrl);
    return applyPostgresMigrations(databaseUrl, POSTGRES_MIGRATIONS_DIR);
  }
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length) migrate(databaseUrl);
  return pending;
}
