// Recognising a unique-constraint violation, the signal of a concurrent duplicate insert: Prisma's P2002,
// or SQLite's own code from the prepared statements of store/bulk-writes.ts.
export function isUniqueViolation(err: unknown): boolean {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === "P2002" || code === "SQLITE_CONSTRAINT_UNIQUE";
}
