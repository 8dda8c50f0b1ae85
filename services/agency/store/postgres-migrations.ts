// Applying the committed PostgreSQL migrations (prisma/postgres/migrations) ourselves, as `prisma migrate
// deploy` would. Why not the CLI: Prisma Migrate through the pg driver adapter fails on PostgreSQL's `name`
// columns (prisma/orm#27403, open for 6.19: "Column type 'name' could not be deserialized"). Each migration
// runs in a transaction and is recorded in Prisma's own `_prisma_migrations` table (same columns, checksum =
// SHA-256 of migration.sql), so `prisma migrate status` and a later switch back to the CLI see the same history.
// A session advisory lock keeps two starting services from applying the same migration twice.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** pg_advisory_lock key of the migrator ("ankermig" in ASCII, as a bigint). */
const MIGRATION_LOCK = "7020097145010203239";

/** The committed migrations (folder names, in order). */
export function committedMigrations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Apply the migrations of `dir` that the database has not applied yet; returns their names. */
export async function applyPostgresMigrations(databaseUrl: string, dir: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    await client.query(MIGRATIONS_TABLE);
    const done = new Set(
      (await client.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).rows.map(
        (r) => r.migration_name,
      ),
    );
    for (const name of committedMigrations(dir)) {
      if (done.has(name)) continue;
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      await client.query("BEGIN");
      try {
        const id = randomUUID();
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)`, [id, checksum, name]);
        await client.query(sql);
        await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed on PostgreSQL: ${(err as Error).message}`);
      }
      applied.push(name);
    }
    return applied;
  } finally {
    await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => undefined);
    await client.end();
  }
}
