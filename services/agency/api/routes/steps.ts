// Steps: record a step of this agency for a case (queued, then written to the chain by the outbox), or
// many at once (bulk), and ask how far a recorded step has got. HTTP only: the use cases are in steps/.
import { z } from "zod";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS, RECORDING_REFUSALS } from "../route-parts";
import { CaseRef } from "../schemas";
import { StepAccepted, StepParams, StepStatus, StepsAccepted } from "../../../shared/contract/steps";
import { MAX_BULK_STEPS, agencyBoundary, bulkAgencyBoundary, recordStepBody, recordStepsBody } from "../../steps/step-input";
import { recordStep, recordSteps } from "../../steps/record-steps";
import { stepStatus } from "../../steps/step-status";
import { notFound } from "../problem";

export function stepRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "POST",
      url: "/api/cases/:caseRef/steps",
      operationId: "recordStep",
      tag: TAG.steps,
      summary: "Schritt erfassen / Record a step",
      description:
        `Erfasst einen Schritt von ${ctx.config.agency} (Schritte anderer Behördenarten werden zuerst abgewiesen; eine untere Ausländerbehörde schreibt nur für Fälle, deren letzte Zuweisung ihren Kreis nennt). Der Schritt wird in einer Transaktion mit seiner Verpflichtung (commitment) in die Warteschlange gestellt und danach auf die Kette geschrieben. ` +
        "Für einen Fall einer anderen Mitgliedsbehörde, der hier nicht angelegt ist, genügt die Fallreferenz, wenn der Fall aus dem Ledger bekannt ist. Wiederholung mit derselben eventId liefert dieselbe Antwort; andere Daten unter derselben eventId: 409. / " +
        "Records a step of this agency (queued in one transaction, then written to the chain); steps of other agency types are refused, and a district authority writes only for cases allocated to its district. Idempotent on eventId.",
      access: ACCESS.clerks,
      params: z.strictObject({ caseRef: CaseRef }),
      body: recordStepBody(ctx.config.agencyType),
      precheck: agencyBoundary(ctx.config),
      responses: {
        202: { description: "in der Warteschlange / queued", schema: StepAccepted },
        ...RECORDING_REFUSALS,
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
      tag: TAG.steps,
      summary: "Mehrere Schritte erfassen / Record several steps (bulk)",
      description:
        `Bis zu ${MAX_BULK_STEPS} Schritte von ${ctx.config.agency}, auch verschiedener Fälle, in einer Anfrage: jeder wird wie ein einzelner geprüft; wird einer abgewiesen, wird keiner geschrieben (das Feld nennt ihn: steps[i].…). Wiederholte eventIds erhalten ihre erste Antwort. ERASED nur einzeln. Antwort in der Reihenfolge der Anfrage. / ` +
        `Up to ${MAX_BULK_STEPS} steps of ${ctx.config.agency}, of any cases, in one request: each is checked like a single one; if one is refused, none is written (the field names it: steps[i].…). Repeated eventIds get their first answer. ERASED only one at a time. Answers in request order.`,
      access: ACCESS.clerks,
      body: recordStepsBody(ctx.config.agencyType),
      precheck: bulkAgencyBoundary(ctx.config),
      responses: {
        202: { description: "in der Warteschlange / queued", schema: StepsAccepted },
        ...RECORDING_REFUSALS,
      },
      handler: async ({ body, reply }) => reply.code(202).send({ steps: await recordSteps(ctx, deps.guard, body.steps) }),
    }),
    defineRoute({
      method: "GET",
      url: "/api/steps/:eventId",
      operationId: "getStepStatus",
      tag: TAG.steps,
      summary: "Stand eines erfassten Schritts / Status of a recorded step",
      access: ACCESS.caseReaders,
      params: StepParams,
      responses: { 200: { description: "Stand / status", schema: StepStatus }, 404: { description: "unbekannt / unknown" } },
      handler: async ({ params }) => {
        const status = await stepStatus(ctx, params.eventId);
        if (!status) throw notFound("Kein Schritt mit dieser eventId / No step with this eventId");
        return status;
      },
    }),
  ];
}
