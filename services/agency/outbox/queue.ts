// Committing a step locally: the first half of the outbox; the writer later submits the row. Nothing here
// talks to the chain. (The API's record-step.ts writes the same row with its own checks; this is the
// bare form for the chain-side tests, seeding and tools.)
import type { Db } from "../store/db";
import type { Step } from "../generated/prisma/client";
import { commit } from "../../shared/commitment";
import { eventIdOf } from "../../shared/ledger-codec";
import { serialized } from "../store/serialized";

export interface StepToQueue {
  /** the caller's idempotency key; a repeated key returns the step already queued */
  eventId: string;
  caseId: number;
  caseRef: string;
  stepCode: number;
  detail?: bigint;
  businessDate?: number;
  /** the off-chain step data the commitment covers (canonical JSON of it is kept with its salt) */
  data: unknown;
}

export interface QueuedStep {
  step: Step;
  /** false when the idempotency key was known: nothing new was written */
  created: boolean;
  /** agency << 56 | step.id, the id the chain records */
  ledgerEventId: bigint;
}

/**
 * Commit `input` in state queued (one insert: the row id is the sequence of its ledger event id, so it
 * is fixed before anything is sent). Idempotent on `input.eventId`, also under concurrent calls.
 */
export async function enqueueStep(db: Db, agencyCode: number, input: StepToQueue): Promise<QueuedStep> {
  const existing = await db.step.findUnique({ where: { eventId: input.eventId } });
  if (existing) return { step: existing, created: false, ledgerEventId: eventIdOf(agencyCode, existing.id) };
  const c = commit(input.data);
  try {
    const step = await serialized(db, (tx) => tx.step.create({
      data: {
        eventId: input.eventId,
        caseId: input.caseId,
        caseRef: input.caseRef.toLowerCase(),
        stepCode: input.stepCode,
        detail: (input.detail ?? 0n).toString(),
        businessDate: input.businessDate ?? 0,
        data: c.canonical,
        salt: c.salt,
        commitment: c.commitment,
        state: "queued",
      },
    }));
    return { step, created: true, ledgerEventId: eventIdOf(agencyCode, step.id) };
  } catch (err) {
    // A concurrent request with the same key won the insert: answer with its row.
    if ((err as { code?: string }).code === "P2002") {
      const step = await db.step.findUnique({ where: { eventId: input.eventId } });
      if (step) return { step, created: false, ledgerEventId: eventIdOf(agencyCode, step.id) };
    }
    throw err;
  }
}
