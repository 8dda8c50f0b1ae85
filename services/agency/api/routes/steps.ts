// Steps: record a step of this agency for a case (queued, then written to the chain by the outbox), or
// many at once (bulk), and ask how far a recorded step has got.
import { z } from "zod";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { CaseRef, Uuid } from "../schemas";
import { MAX_BULK_STEPS, agencyBoundary, bulkAgencyBoundary, recordStepBody, recordStepsBody } from "../step-input";
import { recordStep, recordSteps } from "../record-step";
import { eventIdOf } from "../../../shared/ledger-codec";
import { stepLabel } from "../code-labels";
import { notFound } from "../problem";

export const StepAccepted = z.object({
  eventId: z.string().describe("Idempotenzschlüssel (UUID) / idempotency key"),
  ledgerEventId: z.string().describe("Ledger-Ereignis-ID (uint64, Dezimaltext) / on-chain event id"),
  state: z.literal("queued"),
});

export const StepStatus = z.object({
  eventId: z.string(),
  ledgerEventId: z.string(),
  caseRef: z.string(),
  step: z.object({ code: z.number().int(), key: z.string() }),
  state: z.enum(["queued", "submitted", "confirmed", "failed"]),
  failureReason: z.string().nullable(),
  txHash: z.string().nullable(),
  blockNumber: z.number().int().nullable(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
});

export function stepRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "POST",
      url: "/api/cases/:caseRef/steps",
      operationId: "recordStep",
      tag: "Schritte / Steps",
      summary: "Schritt erfassen / Record a step",
      description:
        `Erfasst einen Schritt von ${ctx.config.agency} (Schritte der anderen Behörde werden zuerst abgewiesen). Der Schritt wird in einer Transaktion mit seiner Verpflichtung (commitment) in die Warteschlange gestellt und danach auf die Kette geschrieben. ` +
        "Für einen Fall der Partnerbehörde, der hier nicht angelegt ist, genügt die Fallreferenz, wenn der Fall aus dem Ledger bekannt ist. Wiederholung mit derselben eventId liefert dieselbe Antwort; andere Daten unter derselben eventId: 409. / " +
        "Records a step of this agency (queued in one transaction, then written to the chain). Idempotent on eventId.",
      access: { roles: ["clerk"] },
      params: z.strictObject({ caseRef: CaseRef }),
      body: recordStepBody(ctx.config.agency),
      precheck: agencyBoundary(ctx.config.agency),
      responses: {
        202: { description: "in der Warteschlange / queued", schema: StepAccepted },
        404: { description: "Fall unbekannt / unknown case" },
        409: { description: "eventId mit anderem Inhalt verwendet / eventId reused with a different body" },
        503: { description: "Code-Listen weichen von der Kette ab / code lists differ from the chain" },
      },
      handler: async ({ params, body, reply }) => {
        const r = await recordStep(ctx, deps.guard, params.caseRef, body);
        return reply.code(202).header("location", `/api/steps/${r.eventId}`).send(r);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/steps",
      operationId: "recordSteps",
      tag: "Schritte / Steps",
      summary: "Mehrere Schritte erfassen / Record several steps (bulk)",
      description:
        `Bis zu ${MAX_BULK_STEPS} Schritte von ${ctx.config.agency}, auch verschiedener Fälle, in einer Anfrage: jeder wird wie ein einzelner geprüft; wird einer abgewiesen, wird keiner geschrieben (das Feld nennt ihn: steps[i].…). Wiederholte eventIds erhalten ihre erste Antwort. ERASED nur einzeln. Antwort in der Reihenfolge der Anfrage. / ` +
        `Up to ${MAX_BULK_STEPS} steps of ${ctx.config.agency}, of any cases, in one request: each is checked like a single one; if one is refused, none is written (the field names it: steps[i].…). Repeated eventIds get their first answer. ERASED only one at a time. Answers in request order.`,
      access: { roles: ["clerk"] },
      body: recordStepsBody(ctx.config.agency),
      precheck: bulkAgencyBoundary(ctx.config.agency),
      responses: {
        202: { description: "in der Warteschlange / queued", schema: z.object({ steps: z.array(StepAccepted) }) },
        404: { description: "Fall unbekannt / unknown case" },
        409: { description: "eventId mit anderem Inhalt verwendet / eventId reused with a different body" },
        503: { description: "Code-Listen weichen von der Kette ab / code lists differ from the chain" },
      },
      handler: async ({ body, reply }) => reply.code(202).send({ steps: await recordSteps(ctx, deps.guard, body.steps) }),
    }),
    defineRoute({
      method: "GET",
      url: "/api/steps/:eventId",
      operationId: "getStepStatus",
      tag: "Schritte / Steps",
      summary: "Stand eines erfassten Schritts / Status of a recorded step",
      access: { roles: ["clerk", "auditor"] },
      params: z.strictObject({ eventId: Uuid }),
      responses: { 200: { description: "Stand / status", schema: StepStatus }, 404: { description: "unbekannt / unknown" } },
      handler: async ({ params }) => {
        const s = await ctx.db.step.findUnique({ where: { eventId: params.eventId.toLowerCase() } });
        if (!s) throw notFound("Kein Schritt mit dieser eventId / No step with this eventId");
        const label = stepLabel(s.stepCode);
        return {
          eventId: s.eventId,
          ledgerEventId: eventIdOf(ctx.config.agencyCode, s.id).toString(),
          caseRef: s.caseRef,
          step: { code: label.code, key: label.key },
          state: s.state,
          failureReason: s.failureReason,
          txHash: s.txHash,
          blockNumber: s.blockNumber,
          createdAt: s.createdAt.toISOString(),
          submittedAt: s.submittedAt?.toISOString() ?? null,
          confirmedAt: s.confirmedAt?.toISOString() ?? null,
        };
      },
    }),
  ];
}
