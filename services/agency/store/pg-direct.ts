// A statement sent on the writer transaction's own pool connection (db.ts, postgresWriterOf), past Prisma.
// Values go as Prisma's PostgreSQL adapter sends them where it matters here: a Date as its UTC ISO text (a
// timestamp column holds UTC, as Prisma writes it), a bigint as decimal text; a timestamp comes back as
// a Date read as UTC, a bigint (COUNT) as decimal text.
import { types, type PoolClient } from "pg";
import type { Prisma } from "../generated/prisma/client";

const TIMESTAMP_OID = 1114;

const parsers = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID && format !== "binary" ? (text: string) => new Date(text.replace(" ", "T") + "Z") : types.getTypeParser(oid, format ?? "text"),
} as unknown as typeof types;

function pgValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  return v;
}

// Named (prepared) statements: the server parses and plans a statement once per connection instead of on
// every call. The writer's statements are few and of fixed text (an unnest insert has one parameter per
// column, whatever the rows), so the first MAX_NAMED texts get a name, the same on every connection
// (node-postgres prepares a name on a connection the first time it is used there); any text after those
// goes unnamed, so that statements of varying text cannot make the server keep ever more of them.
const MAX_NAMED = 256;
const names = new Map<string, string>();

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) names.set(text, (name = `anker_${names.size}`));
  return name;
}

export async function pgQuery<T>(conn: PoolClient, sql: Prisma.Sql): Promise<{ rows: T[]; rowCount: number }> {
  const result = await conn.query({ name: nameOf(sql.text), text: sql.text, values: sql.values.map(pgValue), types: parsers });
  return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
}
