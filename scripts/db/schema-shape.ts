// What a database's schema is, read back from the database itself (tables, columns, indexes, foreign keys),
// in a form that does not depend on how it got there: the replayed migrations and a fresh database made from
// the schema file must give the same shape. The SQL text of a table differs between the two (ALTER TABLE vs
// CREATE TABLE), so it is not compared.
import Database from "better-sqlite3";
import { Client } from "pg";

const IGNORED = new Set(["_prisma_migrations"]);

/** The shape of an SQLite database (a better-sqlite3 handle). */
export function sqliteShape(db: Database.Database): string {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all()
    .map((r) => (r as { name: string }).name)
    .filter((t) => !IGNORED.has(t));
  const out: unknown[] = [];
  for (const t of tables) {
    const q = (sql: string) => db.prepare(sql).all();
    // Column order is not compared: a column added later comes last in a migrated table, in its place in a fresh one.
    const columns = (q(`PRAGMA table_info("${t}")`) as { name: string; cid?: number }[])
      .map(({ cid: _cid, ...c }) => c)
      .sort((a, b) => a.name.localeCompare(b.name));
    const indexes = (q(`PRAGMA index_list("${t}")`) as { name: string; unique: number; origin: string }[])
      .filter((i) => i.origin !== "pk")
      .map((i) => ({ name: i.name, unique: i.unique, columns: (q(`PRAGMA index_info("${i.name}")`) as { name: string }[]).map((c) => c.name) }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const fks = q(`PRAGMA foreign_key_list("${t}")`).map((f) => {
      const { id: _id, seq: _seq, ...rest } = f as Record<string, unknown>;
      return rest;
    });
    out.push({ table: t, columns, indexes, fks });
  }
  return JSON.stringify(out, null, 1);
}

/** The shape of a PostgreSQL database (schema public). */
export async function postgresShape(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows.filter((r: { t: string }) => !IGNORED.has(r.t));
    const columns = await q(`SELECT table_name AS t, column_name, data_type, is_nullable, column_default, character_maximum_length, numeric_precision, datetime_precision
      FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`);
    const indexes = await q(`SELECT tablename AS t, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`);
    const constraints = await q(`SELECT c.conrelid::regclass::text AS t, c.conname, pg_get_constraintdef(c.oid) AS def
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY 1, 2`);
    const enums = await q(`SELECT t.typname AS t, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY t.typname, e.enumsortorder`);
    return JSON.stringify({ columns, indexes, constraints, enums }, null, 1);
  } finally {
    await client.end();
  }
}
