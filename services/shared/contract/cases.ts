// Cases: register (POST /api/cases), find and list (GET /api/cases).
import { z } from "zod";
import { CaseRef, DateOfBirth, FileNumber, Nationality, OpenStops, StepRef, limitQuery, offsetQuery } from "./common";

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

export const CaseSummary = z.object({
  caseRef: z.string(),
  held: z.boolean().describe("bei dieser Behörde mit Aktenzeichen angelegt / registered with this agency"),
  fileNumber: z.string().optional().describe("nur für Sachbearbeitung / clerks only"),
  phase: z.number().int().min(0).max(3).describe("Phase des letzten Verfahrensschritts (0: noch keiner) / phase of the latest step"),
  lastStep: StepRef.nullable(),
  lastActivity: z.string().nullable().describe("Blockzeit des letzten Schritts (ISO 8601) / block time of the latest step"),
  openStops: OpenStops,
});

export const CaseList = z.object({ total: z.number().int(), cases: z.array(CaseSummary) });

export const ListCasesQuery = z.strictObject({
  fileNumber: FileNumber.optional().describe("exakte Suche nach Aktenzeichen (nur Sachbearbeitung) / exact search by file number (clerks only)"),
  limit: limitQuery(100, 500),
  offset: offsetQuery,
});

export const CaseParams = z.strictObject({ caseRef: CaseRef });

export type CreateCaseBody = z.input<typeof CreateCaseBody>;
export type CaseCreated = z.infer<typeof CaseCreated>;
export type CaseSummary = z.infer<typeof CaseSummary>;
export type CaseList = z.infer<typeof CaseList>;
