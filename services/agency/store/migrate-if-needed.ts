// Apply the committed migrations at start, but only when one is missing. Why not always run
// `prisma migrate deploy`: it takes the SQLite file with locking_mode=EXCLUSIVE, which fails (SQLITE_BUSY,
// reported as "SocketTimeout") while any other process holds a WAL database open, e.g. a tool reading
// the store while the service restarts. With nothing to apply there is nothing to lock for.
import { mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { migrate, openDb } from "./db";
import { REPO_ROOT } from "../../shared/paths";

const MIGRATIONS_DIR = join(REPO_ROOT, "services", "agency", "prisma", "migrations");

/** Migrations in the repository that the database has not applied (all of them for a new file). */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const committed = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
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

/** `prisma migrate deploy` when a committed migration is not applied yet; returns what was pending. */
export async function migrateIfNeeded(databaseUrl: string): Promise<string[]> {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length) migrate(databaseUrl);
  return pending;
}
