// A statement sent on the writer transaction's own pool connection (db.ts, postgresWriterOf), past Prisma.
// Values go as Prisma's PostgreSQL adapter sends them where it matters here: a Date as its UTC ISO text (a
// timestamp column holds UTC, as Prisma writes it), a bigint as decimal text; a timestamp comes back as
// a Date read as UTC, a bigint (COUNT) as decimal text.
import { types, type Pool, type PoolClient } from "pg";
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

/** `sql` on a pool connection (a statement of its transaction) or on the pool (a transaction of its own). */
export async function pgQuery<T>(conn: PoolClient | Pool, sql: Prisma.Sql): Promise<{ rows: T[]; rowCount: number }> {
  const result = await conn.query({ text: sql.text, values: sql.values.map(pgValue), types: parsers });
  return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
}
