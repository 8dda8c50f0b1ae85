// The use case "record steps": one step, several at once (bulk, all or none) or the ERASED marker. The
// checks a request must pass, then one call into the service's queued-step writer (step-writer.ts); only
// after the commit is the outbox woken. The event id (UUID) is the idempotency key: a repeat returns the
// first answer, a concurrent repeat loses on the unique constraint and returns it too; a different body is
// a conflict. Knows nothing of HTTP; refusals are ProblemErrors, which the API turns into its answers.
import { randomUUID } from "node:crypto";
import type { ServiceContext } from "../context";
import { Prisma, type Step } from "../generated/prisma/client";
import { selectRows } from "../store/hot-reads";
import { canonicalJson } from "../../shared/commitment";
import { agencyOfEventId, eventIdOf, sequenceOfEventId } from "../../shared/ledger-codec";
import { ProblemError, invalidInput, notFound } from "../problems";
import { isUniqueViolation } from "../store/unique-violation";
import type { BulkStep, ResolvedStep } from "./step-input";
import { committedData, type InsertedStep, type NewStep } from "./step-writer";
import { assertAllocatedHere } from "./allocation-scope";

/** Answers whether the code lists allow writing (api/code-list-guard.ts). */
export interface WriteGate {
  assertWritable(): Promise<void>;
}

export interface StepReceipt {
  eventId: string;
  ledgerEventId: string;
  state: "queued";
}

function receipt(ctx: ServiceContext, row: Pick<Step, "id" | "eventId">): StepReceipt {
  return { eventId: row.eventId, ledgerEventId: eventIdOf(ctx.config.agencyCode, row.id).toString(), state: "queued" };
}

/** Same request as the one stored under this event id? */
function sameRequest(row: Step, caseRef: string, s: ResolvedStep): boolean {
  if (row.caseRef !== caseRef || row.stepCode !== s.step.code || row.detail !== s.detail.toString() || row.businessDate !== s.businessDate) return false;
  return row.data === null || row.data === canonicalJson(committedData(caseRef, s)); // null: erased since
}

function repeatOrConflict(ctx: ServiceContext, row: Step, caseRef: string, s: ResolvedStep): StepReceipt {
  if (sameRequest(row, caseRef, s)) return receipt(ctx, row);
  throw new ProblemError(
    "conflict",
    `Die Ereignis-ID ${row.eventId} wurde bereits für einen anderen Schritt verwendet / The event id ${row.eventId} was already used for a different step`,
    [{ field: "eventId", message: "Bereits mit anderem Inhalt verwendet / Already used with a different body" }],
  );
}

async function checkCorrection(ctx: ServiceContext, caseRef: string, s: ResolvedStep): Promise<void> {
  if (s.step.key !== "CORRECTION") return;
  const original = s.detail;
  if (agencyOfEventId(original) !== ctx.config.agencyCode) {
    throw invalidInput([
      {
        field: "detail",
        message: `Nur eigene Schritte (${ctx.config.agency}) können berichtigt werden / Only this agency's (${ctx.config.agency}) own steps can be corrected`,
      },
    ]);
  }
  const seq = sequenceOfEventId(original);
  const row = seq > 0n && seq <= BigInt(Number.MAX_SAFE_INTEGER) ? await ctx.db.step.findUnique({ where: { id: Number(seq) } }) : null;
  if (!row || row.caseRef !== caseRef || row.state === "failed") {
    throw invalidInput([
      {
        field: "detail",
        message: "Kein eigener erfasster Schritt dieses Falls mit dieser Ledger-Ereignis-ID / No recorded step of this case with this ledger event id",
      },
    ]);
  }
}

/**
 * The checks before the write; a failing check still answers a repeated event id as before (repeat or 409).
 * Returns the case's row id, or undefined for a partner's case known only from the ledger.
 */
async function resolveCaseAndCheck(ctx: ServiceContext, gate: WriteGate, caseRef: string, s: ResolvedStep): Promise<number | undefined> {
  let caseId = ctx.steps.knownCaseId(caseRef);
  if (caseId === undefined) {
    caseId = (await ctx.db.case.findUnique({ where: { caseRef }, select: { id: true } }))?.id;
    if (caseId === undefined) {
      const known = await ctx.db.ledgerEvent.findFirst({ where: { caseRef }, select: { id: true } });
      if (!known) {
        throw notFound(
          "Fall weder hier angelegt noch aus dem Ledger bekannt; zuerst POST /api/cases / Case neither registered here nor known from the ledger; POST /api/cases first",
        );
      }
    }
  }
  await checkCorrection(ctx, caseRef, s);
  // A correction or erasure concerns only this agency's own records: the contract allows it after a re-allocation.
  if (s.step.key !== "CORRECTION" && s.step.key !== "ERASED") await assertAllocatedHere(ctx, caseRef);
  await gate.assertWritable();
  return caseId;
}

/** Record one step (ERASED included: it erases the case's off-chain data in the same transaction). */
export async function recordStep(ctx: ServiceContext, gate: WriteGate, caseRef: string, s: ResolvedStep): Promise<StepReceipt> {
  const eventId = s.eventId ?? randomUUID();
  // No look-up of the event id up front: a repeat is caught by the unique constraint on insert, or, when a
  // check refuses the request, looked up then, so a repeat gets the same answer as before.
  let caseId: number | undefined;
  try {
    caseId = await resolveCaseAndCheck(ctx, gate, caseRef, s);
  } catch (err) {
    if (!(err instanceof ProblemError) || s.eventId === undefined) throw err;
    const earlier = await ctx.db.step.findUnique({ where: { eventId } });
    if (earlier) return repeatOrConflict(ctx, earlier, caseRef, s);
    throw err;
  }

  // Two attempts: a concurrent first step on the same partner case may win the insert of its Case row.
  for (let attempt = 1; ; attempt++) {
    try {
      const [row] = await ctx.steps.write({ steps: [{ eventId, caseRef, caseId, step: s }], erase: s.step.key === "ERASED" });
      ctx.outbox.wake();
      return receipt(ctx, row);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const winner = await ctx.db.step.findUnique({ where: { eventId } });
      if (winner) return repeatOrConflict(ctx, winner, caseRef, s);
      if (attempt >= 2) throw err;
    }
  }
}

/** A refusal of one step of a bulk request, its fields named as steps[i].<field>. */
function ofStep(i: number, err: unknown): unknown {
  if (!(err instanceof ProblemError)) return err;
  const errors = err.errors?.length ? err.errors.map((e) => ({ ...e, field: `steps[${i}].${e.field}` })) : [{ field: `steps[${i}].caseRef`, message: err.detail }];
  return new ProblemError(err.kind, `Schritt ${i} / step ${i}: ${err.detail}`, errors, err.extensions, err.headers);
}

/**
 * Record several steps at once (bulk). Every step is checked first, exactly as a single one; a repeated
 * event id with the same body gets its first answer. Then all new steps are written in one transaction:
 * when one step is refused, nothing is written. ERASED is taken one at a time only (it erases data).
 */
/** The steps already stored under any of these event ids: first which (plain SQL, store/hot-reads.ts: on every bulk request), then those rows. */
async function earlierSteps(ctx: ServiceContext, eventIds: string[]) {
  if (eventIds.length === 0) return [];
  const known = await selectRows<{ eventId: string }>(ctx.db, Prisma.sql`SELECT "eventId" FROM "Step" WHERE "eventId" IN (${Prisma.join(eventIds)})`);
  return known.length ? ctx.db.step.findMany({ where: { eventId: { in: known.map((k) => k.eventId) } } }) : [];
}

export async function recordSteps(ctx: ServiceContext, gate: WriteGate, items: BulkStep[], attempt = 1): Promise<StepReceipt[]> {
  const firstAt = new Map<string, number>();
  items.forEach(({ step: s }, i) => {
    if (s.step.key === "ERASED") {
      throw invalidInput([{ field: `steps[${i}].step`, message: "ERASED nur einzeln: POST /api/cases/{caseRef}/steps / ERASED only one at a time: POST /api/cases/{caseRef}/steps" }]);
    }
    if (s.eventId === undefined) return;
    const j = firstAt.get(s.eventId);
    if (j !== undefined) throw invalidInput([{ field: `steps[${i}].eventId`, message: `Schon bei Schritt ${j} dieser Anfrage / Already used by step ${j} of this request` }]);
    firstAt.set(s.eventId, i);
  });
  const given = [...firstAt.keys()];
  const earlier = new Map((await earlierSteps(ctx, given)).map((r) => [r.eventId, r]));

  const receipts = new Array<StepReceipt>(items.length);
  const fresh: { i: number; step: NewStep }[] = [];
  for (let i = 0; i < items.length; i++) {
    const { caseRef, step: s } = items[i];
    const row = s.eventId === undefined ? undefined : earlier.get(s.eventId);
    try {
      if (row) receipts[i] = repeatOrConflict(ctx, row, caseRef, s);
      else fresh.push({ i, step: { eventId: s.eventId ?? randomUUID(), caseRef, caseId: await resolveCaseAndCheck(ctx, gate, caseRef, s), step: s } });
    } catch (err) {
      throw ofStep(i, err);
    }
  }
  if (fresh.length === 0) return receipts;

  let created: InsertedStep[];
  try {
    created = await ctx.steps.write({ steps: fresh.map((f) => f.step) });
  } catch (err) {
    // A concurrent request took one of the event ids first: nothing was written; once more, as repeats.
    if (attempt < 2 && isUniqueViolation(err)) return recordSteps(ctx, gate, items, attempt + 1);
    throw err;
  }
  fresh.forEach((f, k) => (receipts[f.i] = receipt(ctx, created[k])));
  ctx.outbox.wake();
  return receipts;
}
