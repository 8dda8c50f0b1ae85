// GET /api/allocation/proposals (central authority): due cases with the proposed district and every
// district's standing; GET /api/allocation/received (district authority): the cases allocated to it.
import { z } from "zod";
import { Bilingual, limitQuery, offsetQuery } from "./common";
import { CasePerson } from "./cases";

export const DistrictStanding = z.object({
  code: z.number().int(),
  name: z.string(),
  population: z.number(),
  share: z.number(),
  quota: z.number(),
  allocated: z.number().int(),
  lag: z.number().describe("Soll − zugewiesen: positiv = unter dem Soll, negativ = darüber / quota − allocated: positive = below, negative = above"),
  lagText: Bilingual.describe("der Stand in Worten / the standing in words"),
});

export const AllocationProposals = z.object({
  distributionKey: z.object({ version: z.string(), source: z.string() }),
  allocatedSoFar: z.number().int().describe("Zuweisungen bisher (Kette und eigene noch nicht bestätigte) / allocations so far (on chain and own pending)"),
  total: z.number().int().describe("fällige Fälle insgesamt (alle Seiten) / due cases on all pages"),
  limit: z.number().int(),
  offset: z.number().int(),
  standings: z
    .array(DistrictStanding)
    .describe("Stand je Kreis vor allen Vorschlägen (Soll für die nächste Zuweisung), nach Kreisschlüssel / per district before any proposal, by district code"),
  proposals: z.array(
    z.object({
      caseRef: z.string(),
      held: z.boolean().describe("Fall hier mit Aktenzeichen angelegt / case registered here with its file number"),
      fileNumber: z.string().optional().describe("nur für die Sachbearbeitung dieser Behörde / only for this agency's clerks"),
      name: z.string().optional().describe("Familienname, Vornamen; nur für die Sachbearbeitung / family name, given names; clerks only"),
      dueSince: z.object({ ledgerEventId: z.string().nullable(), blockNumber: z.number().int(), blockTime: z.string() }),
      proposed: z.object({ code: z.number().int(), name: z.string() }),
      explanation: Bilingual,
      districts: z
        .array(DistrictStanding)
        .describe(
          "Stand je Kreis, größter Rückstand zuerst; berücksichtigt die Vorschläge davor in dieser Liste / per district, largest lag first; counts the proposals before it in this list",
        ),
    }),
  ),
});

export const AllocationProposalsQuery = z.strictObject({ limit: limitQuery(10, 1000), offset: offsetQuery });

export type DistrictStanding = z.infer<typeof DistrictStanding>;
export type AllocationProposals = z.infer<typeof AllocationProposals>;

/** GET /api/allocation/received (district authorities): the cases allocated to this district and where each stands. */
export const ReceivedAllocationsQuery = z.strictObject({
  status: z.enum(["due", "overdue", "received", "arrived", "not-arrived"]).optional().describe("nur Fälle mit diesem Stand / only cases in this state"),
  limit: limitQuery(25, 1000),
  offset: offsetQuery,
});

export const ReceivedAllocation = z.object({
  caseRef: z.string(),
  case: CasePerson,
  district: z.object({ code: z.number().int(), name: z.string() }),
  allocatedAt: z.object({ ledgerEventId: z.string().nullable(), blockNumber: z.number().int(), blockTime: z.string() }),
  arrivalDueBy: z.string().describe("letzter Tag bis zur Ankunft (Zuweisungstag + arrivalOverdueDays, Europe/Berlin) / last day to arrive"),
  status: z
    .enum(["due", "overdue", "received", "arrived", "not-arrived"])
    .describe(
      "due: Ankunft ausstehend; overdue: Frist vorbei ohne Ankunft; received: Zuweisung bestätigt, Ankunft ausstehend; arrived / not-arrived: erfasst / due: arrival pending; overdue: past the day without arrival; received: allocation confirmed, arrival pending; arrived / not-arrived: recorded",
    ),
  overdue: z.boolean(),
  received: z
    .boolean()
    .describe("ALLOCATION_RECEIVED seit der Zuweisung erfasst (auch bei überfällig) / ALLOCATION_RECEIVED recorded since the allocation (also when overdue)"),
});

export const ReceivedAllocations = z.object({
  district: z.object({ code: z.number().int(), name: z.string() }),
  arrivalOverdueDays: z.number().int(),
  today: z.string(),
  total: z.number().int(),
  overdue: z.number().int().describe("überfällige Ankünfte insgesamt / overdue arrivals on all pages"),
  limit: z.number().int(),
  offset: z.number().int(),
  allocations: z.array(ReceivedAllocation),
});

export type ReceivedAllocations = z.infer<typeof ReceivedAllocations>;
