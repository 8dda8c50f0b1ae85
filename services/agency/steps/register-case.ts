// Registering a case with this agency: its file number and person stay here (never on chain); the answer
// is the pseudonymous case reference. Idempotent on the file number: a case registered already keeps its
// person data. A partner's case known so far only from the ledger (placeholder row, see
// store/partner-case.ts) gets its file number and person now.
import type { ServiceContext } from "../context";
import { caseRefOf } from "../../shared/pseudonym";
import { isUniqueViolation } from "../store/unique-violation";
import { isPlaceholder } from "../store/partner-case";
import { serialized } from "../store/serialized";

export interface Person {
  familyName: string;
  givenNames: string;
  /** YYYY-MM-DD, unknown day or month as 00 */
  dateOfBirth: string;
  nationality: string;
}

export interface Registration {
  caseRef: string;
  /** false: the case was registered already (by an earlier or a concurrent request) */
  created: boolean;
}

export async function registerCase(ctx: ServiceContext, fileNumber: string, person: Person): Promise<Registration> {
  const caseRef = caseRefOf(fileNumber, ctx.config.consortiumKey);
  try {
    const created = await serialized(ctx.db, async (tx) => {
      const existing = await tx.case.findFirst({ where: { OR: [{ fileNumber }, { caseRef }] } });
      if (existing && !isPlaceholder(existing.fileNumber)) return false;
      if (existing) await tx.case.update({ where: { id: existing.id }, data: { fileNumber, ...person } });
      else await tx.case.create({ data: { caseRef, fileNumber, ...person } });
      return true;
    });
    return { caseRef, created };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return { caseRef, created: false }; // a concurrent request registered it first
  }
}
