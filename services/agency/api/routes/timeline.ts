// GET /api/cases/{caseRef}/timeline: the case's history from the chain mirror, merged with this agency's
// off-chain records. Person data only for clerks; every read is written to the access log.
import { z } from "zod";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { CaseRef, CodeLabel } from "../schemas";
import { caseEvents } from "../ledger-view";
import { buildTimeline } from "../timeline-view";
import { logAccess } from "../access-log";
import { seesPersonalData } from "../../auth/roles";
import { notFound } from "../problem";
import { serialized } from "../../store/serialized";

const StepLabelSchema = z.object({ code: z.number().int(), key: z.string(), phase: z.number().int(), agency: z.string(), de: z.string(), en: z.string() });
const Detail = z.object({ value: z.string(), key: z.string().optional(), de: z.string().optional(), en: z.string().optional() }).nullable();
const NoticeSchema = z.looseObject({ name: z.string(), de: z.string(), en: z.string() });

export const TimelineSchema = z.object({
  caseRef: z.string(),
  agency: z.string().describe("die abfragende Behörde / the agency answering"),
  held: z.boolean(),
  person: z
    .object({
      fileNumber: z.string(),
      familyName: z.string().nullable(),
      givenNames: z.string().nullable(),
      dateOfBirth: z.string().nullable(),
      nationality: z.string().nullable(),
      fictitious: z.boolean(),
    })
    .nullable()
    .optional()
    .describe("nur für Sachbearbeitung / clerks only"),
  erased: z.boolean(),
  openStops: z.object({ bits: z.number().int(), reasons: z.array(CodeLabel) }),
  steps: z.array(
    z.object({
      ledgerEventId: z.string(),
      agency: z.string(),
      own: z.boolean(),
      step: StepLabelSchema,
      detail: Detail,
      businessDate: z.string().nullable(),
      commitment: z.string(),
      blockNumber: z.number().int(),
      blockTime: z.string(),
      txHash: z.string(),
      logIndex: z.number().int(),
      notices: z.array(NoticeSchema),
      corrects: z.string().optional(),
      correctedBy: z.array(z.string()).optional(),
      eventId: z.string().optional(),
      verified: z
        .boolean()
        .nullable()
        .optional()
        .describe(
          "eigene Schritte: Verpflichtung aus Salz und Daten stimmt mit der Kette überein; null = gelöscht / own steps: commitment matches; null = erased",
        ),
      record: z.enum(["present", "erased", "missing"]).optional(),
      data: z.unknown().optional().describe("eigene Fachdaten, nur Sachbearbeitung / own off-chain data, clerks only"),
    }),
  ),
  pending: z.array(
    z.object({
      eventId: z.string(),
      ledgerEventId: z.string(),
      step: StepLabelSchema,
      detail: Detail,
      businessDate: z.string().nullable(),
      state: z.string(),
      failureReason: z.string().nullable(),
      createdAt: z.string(),
      data: z.unknown().optional(),
    }),
  ),
  otherNotices: z.array(NoticeSchema),
});

export function timelineRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/cases/:caseRef/timeline",
      operationId: "getTimeline",
      tag: "Fälle / Cases",
      summary: "Verlauf eines Falls / Timeline of a case",
      description:
        "Alle Schritte beider Behörden aus dem Ledger in Reihenfolge, eigene Schritte mit Fachdaten und Prüfvermerk `verified`, Schritte der Partnerbehörde nur so, wie die Kette sie zeigt, dazu eigene noch nicht bestätigte Schritte. Personendaten nur für die Sachbearbeitung. Jeder Abruf wird protokolliert. / All steps of both agencies in ledger order; person data for clerks only; every read is logged.",
      access: { roles: ["clerk", "auditor"] },
      params: z.strictObject({ caseRef: CaseRef }),
      responses: { 200: { description: "Verlauf / timeline", schema: TimelineSchema }, 404: { description: "Fall unbekannt / unknown case" } },
      handler: async ({ params, principal }) => {
        const { caseRef } = params;
        const { events, ownSteps, caseRow } = await serialized(ctx.db, async (tx) => {
          const read = {
            events: await caseEvents(tx, caseRef),
            ownSteps: await tx.step.findMany({ where: { caseRef } }),
            caseRow: await tx.case.findUnique({ where: { caseRef } }),
          };
          if (read.events.length || read.ownSteps.length || read.caseRow) await logAccess(tx, principal, [caseRef], "timeline");
          return read;
        });
        if (!events.length && !ownSteps.length && !caseRow)
          throw notFound("Fall weder hier angelegt noch aus dem Ledger bekannt / Case neither registered here nor known from the ledger");
        return buildTimeline({ caseRef, agencyCode: ctx.config.agencyCode, events, ownSteps, caseRow, personalData: seesPersonalData(principal) });
      },
    }),
  ];
}
