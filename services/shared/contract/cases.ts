// Cases: register (POST /api/cases), find and list (GET /api/cases).
import { z } from "zod";
import { BusinessDate, CaseRef, DateOfBirth, FileNumber, Nationality, OpenStops, QueryBool, StepRef, limitQuery, offsetQuery } from "./common";

const Name = z.string().trim().min(1).max(200);

export const CreateCaseBody = z.strictObject({
  fileNumber: FileNumber,
  person: z.strictObject({
    familyName: Name.describe("Familienname / family name"),
    givenNames: z.string().trim().max(200).describe("Vornamen (leer, wenn keine) / given names (empty if none)"),
    dateOfBirth: DateOfBirth,
    nationality: Nationality,
  }),
});

export const CaseCreated = z.object({ caseRef: CaseRef });

/**
 * How a list names a case: file number and name where this agency holds the person (clerks only), else
 * only whether it is held here ("bei einer anderen Mitgliedsbehörde erfasst" when not). One server function fills it for every
 * list (services/agency/reads/case-persons.ts).
 */
export const CasePerson = z.object({
  held: z.boolean().describe("bei dieser Behörde mit Aktenzeichen angelegt / registered with this agency"),
  erased: z.boolean().optional().describe("Personendaten gelöscht / person data erased"),
  fileNumber: z.string().optional().describe("nur für Sachbearbeitung / clerks only"),
  name: z.string().optional().describe("Familienname, Vornamen; nur für Sachbearbeitung / family name, given names; clerks only"),
});

export const CaseSummary = z.object({
  caseRef: z.string(),
  held: z.boolean().describe("bei dieser Behörde mit Aktenzeichen angelegt / registered with this agency"),
  fileNumber: z.string().optional().describe("nur für Sachbearbeitung / clerks only"),
  name: z.string().optional().describe("Familienname, Vornamen; nur für Sachbearbeitung / family name, given names; clerks only"),
  phase: z.number().int().min(0).max(3).describe("Phase des letzten Verfahrensschritts (0: noch keiner) / phase of the latest step"),
  lastStep: StepRef.nullable(),
  lastActivity: z.string().nullable().describe("Blockzeit des letzten Schritts (ISO 8601) / block time of the latest step"),
  openStops: OpenStops,
  erasedBy: z
    .array(z.string())
    .describe("Mitgliedsbehörden, die ERASED erfasst haben (Löschung je Behörde, wie erasedBy auf der Kette) / member agencies that recorded ERASED (erasure per member, as the chain's erasedBy)"),
});

export const CaseList = z.object({
  total: z.number().int().describe("Treffer insgesamt (alle Seiten) / matches on all pages"),
  limit: z.number().int(),
  offset: z.number().int(),
  cases: z.array(CaseSummary),
});

export const CASE_SORT_KEYS = ["lastActivity", "fileNumber", "name", "phase", "openStops"] as const;

export const ListCasesQuery = z.strictObject({
  fileNumber: FileNumber.optional().describe("exakte Suche nach Aktenzeichen (nur Sachbearbeitung) / exact search by file number (clerks only)"),
  q: z
    .string()
    .trim()
    .min(2)
    .max(100)
    .optional()
    .describe(
      "Suche: Teil des Aktenzeichens, des Namens oder der Fallreferenz (Groß-/Kleinschreibung egal); Prüfung: nur Fallreferenz / search: part of the file number, the name or the case reference; auditors: reference only",
    ),
  phase: z.enum(["0", "1", "2", "3"]).transform(Number).optional().describe("nur Fälle in dieser Phase / only cases in this phase"),
  openStop: QueryBool.optional().describe("true: nur mit offenem Stopp; false: nur ohne / only with (without) an open stop"),
  lastStep: z.string().regex(/^[A-Z_]{2,40}$/).optional().describe("Schlüssel des letzten Schritts / key of the latest step"),
  from: BusinessDate.optional().describe("letzte Aktivität ab (Tag, Europe/Berlin) / latest activity on or after"),
  to: BusinessDate.optional().describe("letzte Aktivität bis (Tag, Europe/Berlin) / latest activity on or before"),
  sort: z.enum(CASE_SORT_KEYS).default("lastActivity").describe("Sortierspalte / sort column"),
  order: z.enum(["asc", "desc"]).optional().describe("Standard: absteigend bei lastActivity, sonst aufsteigend / default: descending for lastActivity, else ascending"),
  limit: limitQuery(25, 500),
  offset: offsetQuery,
});

export const CaseParams = z.strictObject({ caseRef: CaseRef });

export type CreateCaseBody = z.input<typeof CreateCaseBody>;
export type CaseCreated = z.infer<typeof CaseCreated>;
export type CaseSummary = z.infer<typeof CaseSummary>;
export type CaseList = z.infer<typeof CaseList>;
export type CasePerson = z.infer<typeof CasePerson>;
export type ListCasesQuery = z.input<typeof ListCasesQuery>;
