// Recognising Prisma's unique-constraint violation (P2002), the signal of a concurrent duplicate insert.
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}
