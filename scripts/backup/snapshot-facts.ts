// What a manifest says about one consistent state of a store, read with the same SQL on SQLite and
// PostgreSQL (the caller runs it inside the snapshot it dumps, so the facts and the dump agree).
import type { Manifest } from "./manifest";

export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

export const TABLES_SQL = {
  sqlite: `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
  postgres: `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
};

export type SnapshotFacts = Pick<Manifest, "listenerCheckpoint" | "maxStepId" | "rowCounts" | "migrations">;

export async function snapshotFacts(query: Query, tablesSql: string): Promise<SnapshotFacts> {
  const tables = (await query(tablesSql)).map((r) => String(r.name));
  const rowCounts: Record<string, number> = {};
  for (const t of tables) rowCounts[t] = Number((await query(`SELECT COUNT(*) AS n FROM "${t.replace(/"/g, '""')}"`))[0].n);
  return {
    listenerCheckpoint: await listenerCheckpointOf(query),
    maxStepId: tables.includes("Step") ? Number((await query(`SELECT COALESCE(MAX("id"), 0) AS m FROM "Step"`))[0].m) : 0,
    rowCounts,
    migrations: tables.includes("_prisma_migrations")
      ? (await query(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`)).map((r) => String(r.migration_name))
      : [],
  };
}

/** The listener's stored position (null when the store has none, or no such table: a new store). */
export async function listenerCheckpointOf(query: Query): Promise<Manifest["listenerCheckpoint"]> {
  let rows: Record<string, unknown>[];
  try {
    rows = await query(`SELECT "blockNumber", "logIndex", "blockHash" FROM "ListenerCheckpoint" WHERE "id" = 1`);
  } catch {
    return null;
  }
  const r = rows[0];
  return r ? { blockNumber: Number(r.blockNumber), logIndex: Number(r.logIndex), blockHash: String(r.blockHash) } : null;
}
