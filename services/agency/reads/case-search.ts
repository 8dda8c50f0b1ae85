// The one search behind the header field, the cases list and the inbox filter: part of a file number, of a
// name, or of a case reference. Clerks search all three; auditors only references (they must not learn
// whether a name or file number exists here). Names are matched in JS, not in SQL, so "müller" finds
// "Müller" the same way on SQLite and PostgreSQL (LIKE folds case only for ASCII on SQLite).
import { Prisma } from "../generated/prisma/client";
import type { ServiceContext } from "../context";
import { FILE_NUMBER_PATTERN } from "../../shared/contract";
import { caseRefOf } from "../../shared/pseudonym";
import { seesPersonalData, type Principal } from "../auth/roles";
import { isPlaceholder } from "../store/partner-case";
import type { Tx } from "../store/serialized";

const fold = (s: string) => s.normalize("NFC").toLocaleLowerCase("de-DE");

/** The case references the query matches (known here or from the ledger). */
export async function matchingCaseRefs(tx: Tx, ctx: ServiceContext, principal: Principal, rawQuery: string): Promise<Set<string>> {
  const q = fold(rawQuery.trim());
  const out = new Set<string>();
  if (!q) return out;
  const hex = /^(0x)?[0-9a-f]+$/.test(q) ? q.replace(/^0x/, "") : undefined;
  if (hex && hex.length >= 4) {
    const like = `%${hex}%`;
    const rows = await tx.$queryRaw<{ ref: string }[]>(
      Prisma.sql`SELECT DISTINCT "caseRef" AS ref FROM "LedgerEvent" WHERE "caseRef" LIKE ${like} UNION SELECT "caseRef" AS ref FROM "Case" WHERE "caseRef" LIKE ${like}`,
    );
    for (const r of rows) if (r.ref) out.add(r.ref);
  }
  if (!seesPersonalData(principal)) return out;
  const cases = await tx.case.findMany({ where: { erasedAt: null }, select: { caseRef: true, fileNumber: true, familyName: true, givenNames: true } });
  const words = q.split(/[\s,]+/).filter(Boolean);
  for (const c of cases) {
    if (isPlaceholder(c.fileNumber)) continue;
    const hay = fold(`${c.fileNumber} ${c.familyName ?? ""} ${c.givenNames ?? ""}`);
    if (words.every((w) => hay.includes(w))) out.add(c.caseRef);
  }
  // A whole file number also finds the partner's case known only from the ledger (its reference is the HMAC).
  if (FILE_NUMBER_PATTERN.test(rawQuery.trim())) {
    const ref = caseRefOf(rawQuery.trim(), ctx.config.consortiumKey);
    const known = await tx.ledgerEvent.findFirst({ where: { caseRef: ref }, select: { caseRef: true } });
    if (known?.caseRef) out.add(known.caseRef);
  }
  return out;
}
