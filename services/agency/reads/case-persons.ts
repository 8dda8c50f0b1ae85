// How every list names a case: the one join of a list of case references with this agency's Case rows.
// Clerks get file number and name where this agency holds the person; everyone else (auditors) only
// whether the case is held here. A case only the partner registered, or a placeholder row kept to record a
// step for a partner's case, is "not held": the web app says "beim Partner erfasst" and shows the reference.
import type { CasePerson } from "../../shared/contract";
import { seesPersonalData, type Principal } from "../auth/roles";
import { isPlaceholder } from "../store/partner-case";
import type { Tx } from "../store/serialized";

export interface PersonRow {
  caseRef: string;
  fileNumber: string;
  familyName: string | null;
  givenNames: string | null;
  erasedAt: Date | null;
}

export const PERSON_SELECT = { caseRef: true, fileNumber: true, familyName: true, givenNames: true, erasedAt: true } as const;

/** "Familienname, Vornamen" as the file shows it. */
export function displayName(row: Pick<PersonRow, "familyName" | "givenNames">): string {
  return [row.familyName, row.givenNames].filter((p) => p && p.trim()).join(", ");
}

/** The list view of one case from its Case row (or none), for this principal. */
export function casePersonOf(row: PersonRow | undefined, withPerson: boolean): CasePerson {
  // Erasure replaces the file number by a placeholder: the case was held here, its person is gone.
  if (row?.erasedAt) return { held: false, erased: true };
  if (!row || isPlaceholder(row.fileNumber)) return { held: false };
  if (!withPerson) return { held: true };
  const name = displayName(row);
  return { held: true, fileNumber: row.fileNumber, ...(name ? { name } : {}) };
}

/** The list view of each case reference (in one query), for this principal. */
export async function casePersons(tx: Tx, principal: Principal, caseRefs: readonly string[]): Promise<Map<string, CasePerson>> {
  const refs = [...new Set(caseRefs)];
  const rows = refs.length ? await tx.case.findMany({ where: { caseRef: { in: refs } }, select: PERSON_SELECT }) : [];
  const byRef = new Map(rows.map((r) => [r.caseRef, r]));
  const withPerson = seesPersonalData(principal);
  return new Map(refs.map((ref) => [ref, casePersonOf(byRef.get(ref), withPerson)]));
}
