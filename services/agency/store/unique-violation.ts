// Recognising a unique-constraint violation, the signal of a concurrent duplicate insert: Prisma's P2002 (model
// operations, either database), SQLite's own code from the prepared statements of store/bulk-writes.ts,
// PostgreSQL's SQLSTATE 23505 from a statement sent past Prisma (store/pg-direct.ts), or a raw query's P2010
// whose driver adapter error is a UniqueConstraintViolation (23505 again).
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const { code, meta } = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } };
  if (code === "P2002" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505") return true;
  const cause = meta?.driverAdapterError?.cause;
  return code === "P2010" && (cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505");
}
