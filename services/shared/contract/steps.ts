// Recorded steps: the answer to recording one or many (202) and the status of one. The request body is
// checked against the code lists (services/agency/steps/step-input.ts); its shape for callers is RecordStepBody.
import { z } from "zod";
import { StepRef, Uuid } from "./common";

export const StepAccepted = z.object({
  eventId: z.string().describe("Idempotenzschlüssel (UUID) / idempotency key"),
  ledgerEventId: z.string().describe("Ledger-Ereignis-ID (uint64, Dezimaltext) / on-chain event id"),
  state: z.literal("queued"),
});

export const StepsAccepted = z.object({ steps: z.array(StepAccepted) });

export const StepState = z.enum(["queued", "submitted", "confirmed", "failed"]);

export const StepStatus = z.object({
  eventId: z.string(),
  ledgerEventId: z.string(),
  caseRef: z.string(),
  step: StepRef,
  state: StepState,
  failureReason: z.string().nullable(),
  txHash: z.string().nullable(),
  blockNumber: z.number().int().nullable(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  problem: z
    .looseObject({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string() })
    .optional()
    .describe("bei state failed: die Ablehnung der Kette als Problem, wie der Dienst sie vor dem Senden meldet (z. B. not-allocated-to-district) / when failed: the chain's refusal as the problem the service answers before sending"),
});

export const StepParams = z.strictObject({ eventId: Uuid });

/** What a caller sends to record a step; the service checks step, detail and date against the code lists. */
export interface RecordStepBody {
  eventId?: string;
  /** step key (APPLICATION_FILED, ...) */
  step: string;
  /** a code key or code of the step's detail list, a district code, or the corrected ledger event id */
  detail?: string | number;
  /** YYYY-MM-DD, for dated steps only */
  businessDate?: string;
  /** this agency's off-chain data */
  data?: Record<string, unknown>;
}

export type StepAccepted = z.infer<typeof StepAccepted>;
export type StepStatus = z.infer<typeof StepStatus>;
