// The body of "record a step", checked against the code lists: the step must be one this agency records,
// the detail must be a code of the step's list (or absent where it has none), the business date present
// exactly for dated steps. The result is what goes on chain (step code, detail as uint64, yyyymmdd).
import { z } from "zod";
import { CODE_LISTS, mayRecord, type AgencyKey, type StepDef } from "../../shared/codelists";
import { codeList } from "../../shared/vocab";
import { BusinessDate, CaseRef, Uuid } from "../../shared/contract/common";
import { ProblemError } from "../problems";
import { STEP_DATA_LIMITS, STEP_DATA_LIMITS_TEXT, stepDataIssues } from "./step-data";

/** Detail lists a step may leave out (0 = no reason given). */
const OPTIONAL_DETAIL = new Set(["cancelReasons", "erasureReasons"]);

export interface ResolvedStep {
  eventId?: string;
  step: StepDef;
  /** on-chain detail (uint64) */
  detail: bigint;
  /** yyyymmdd or 0 */
  businessDate: number;
  /** this agency's off-chain data, or null */
  data: Record<string, unknown> | null;
}

type DetailResult = { ok: true; value: bigint } | { ok: false; message: string };

/** Resolve a detail given as code key, number or decimal text against the step's list. */
export function resolveDetail(step: StepDef, raw: string | number | undefined): DetailResult {
  const list = step.detail;
  if (list === null) {
    return raw === undefined
      ? { ok: true, value: 0n }
      : { ok: false, message: `${step.key} hat keinen Detailcode; Feld weglassen / ${step.key} takes no detail; leave the field out` };
  }
  if (raw === undefined) {
    return OPTIONAL_DETAIL.has(list)
      ? { ok: true, value: 0n }
      : { ok: false, message: `${step.key} braucht einen Detailcode aus der Liste ${list} / ${step.key} needs a detail code from the list ${list}` };
  }
  if (list === "eventId") {
    if (typeof raw !== "string" || !/^[1-9]\d{0,19}$/.test(raw) || BigInt(raw) >= 1n << 64n) {
      return {
        ok: false,
        message:
          "Berichtigung: Ledger-Ereignis-ID des berichtigten Schritts als Dezimaltext erwartet / Correction: the corrected step's ledger event id expected as decimal string",
      };
    }
    return { ok: true, value: BigInt(raw) };
  }
  if (list === "districts") {
    const d = CODE_LISTS.distributionKey.districts.find((x) => String(x.code) === String(raw));
    if (!d) {
      const codes = CODE_LISTS.distributionKey.districts.map((x) => x.code).join(", ");
      return { ok: false, message: `Unbekannter Kreisschlüssel (AGS); erlaubt: ${codes} / Unknown district code (AGS); allowed: ${codes}` };
    }
    return { ok: true, value: BigInt(d.code) };
  }
  const codes = codeList(list) ?? [];
  const c = codes.find((x) => x.key === raw || String(x.code) === String(raw));
  if (!c) {
    const keys = codes.map((x) => `${x.key} (${x.code})`).join(", ");
    return { ok: false, message: `Unbekannter Detailcode für ${step.key}; erlaubt: ${keys} / Unknown detail code for ${step.key}; allowed: ${keys}` };
  }
  return { ok: true, value: BigInt(c.code) };
}

function yyyymmdd(iso: string): number {
  return Number(iso.replaceAll("-", ""));
}

/** The steps `agency` records, by key. */
export function recordableSteps(agency: AgencyKey): StepDef[] {
  return CODE_LISTS.steps.filter((s) => mayRecord(agency, s));
}

/** The other agency's step (by its key in a raw body), or undefined. */
function otherAgencysStep(agency: AgencyKey, raw: unknown): StepDef | undefined {
  if (typeof raw !== "object" || raw === null || typeof (raw as { step?: unknown }).step !== "string") return undefined;
  const key = (raw as { step: string }).step;
  const step = CODE_LISTS.steps.find((s) => s.key === key);
  return step && !mayRecord(agency, step) ? step : undefined;
}

function notPermitted(agency: AgencyKey, step: StepDef, field: string): ProblemError {
  return new ProblemError(
    "step-not-permitted",
    `${step.key} („${step.de}“) wird von ${step.agency} erfasst; dieser Dienst schreibt nur Schritte von ${agency} / ${step.key} ("${step.en}") is recorded by ${step.agency}; this service writes only ${agency}'s steps`,
    [{ field, message: `Schritt der Behörde ${step.agency}, nicht ${agency} / Step of ${step.agency}, not ${agency}` }],
  );
}

/** Reject a step of the other agency before anything else is looked at. */
export function agencyBoundary(agency: AgencyKey): (raw: unknown) => void {
  return (raw) => {
    const step = otherAgencysStep(agency, raw);
    if (step) throw notPermitted(agency, step, "step");
  };
}

/** The same for each step of a bulk body ({ steps: [...] }); names the first offending one. */
export function bulkAgencyBoundary(agency: AgencyKey): (raw: unknown) => void {
  return (raw) => {
    const items = typeof raw === "object" && raw !== null ? (raw as { steps?: unknown }).steps : undefined;
    if (!Array.isArray(items)) return;
    items.forEach((item, i) => {
      const step = otherAgencysStep(agency, item);
      if (step) throw notPermitted(agency, step, `steps[${i}].step`);
    });
  };
}

/** The fields of one step as the API takes it. */
function stepFields(agency: AgencyKey) {
  const keys = recordableSteps(agency).map((s) => s.key) as [string, ...string[]];
  return {
    eventId: Uuid.optional().describe("Idempotenzschlüssel (UUID); ohne Angabe vergeben / idempotency key (UUID); generated if absent"),
    step: z.enum(keys, {
      error: `Unbekannter Schrittcode; ${agency} erfasst: ${keys.join(", ")} / Unknown step code; ${agency} records: ${keys.join(", ")}`,
    }),
    detail: z
      .union([z.string().max(40), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)])
      .optional()
      .describe(
        "Detailcode: Schlüssel oder Nummer aus der Liste des Schritts; Kreisschlüssel (AGS) bei MUNICIPAL_ALLOCATION; bei CORRECTION die Ledger-Ereignis-ID (Text) / detail code: key or number of the step's list; district code at MUNICIPAL_ALLOCATION; at CORRECTION the ledger event id (string)",
      ),
    businessDate: BusinessDate.optional().describe(
      "nur und immer bei HEARING_SCHEDULED, REPATRIATION_SCHEDULED / only and always for HEARING_SCHEDULED, REPATRIATION_SCHEDULED",
    ),
    data: z
      .record(z.string(), z.unknown())
      .superRefine((data, ctx) => {
        for (const i of stepDataIssues(data)) ctx.addIssue({ code: "custom", path: i.path, message: i.message });
      })
      .optional()
      .meta({
        description: `Fachdaten dieser Behörde zum Schritt (bleiben außerhalb der Kette, auch Freitext); ${STEP_DATA_LIMITS_TEXT.de} / this agency's off-chain step data (never on chain, may hold free text); ${STEP_DATA_LIMITS_TEXT.en}`,
        "x-max-depth": STEP_DATA_LIMITS.maxDepth,
        "x-max-entries": STEP_DATA_LIMITS.maxEntries,
        "x-max-string-length": STEP_DATA_LIMITS.maxStringLength,
        "x-max-bytes": STEP_DATA_LIMITS.maxBytes,
      }),
  };
}

type StepFieldValues = { eventId?: string; step: string; detail?: string | number; businessDate?: string; data?: Record<string, unknown> };

/** Detail and business date against the step's definition. */
function checkAgainstStep(agency: AgencyKey) {
  const steps = recordableSteps(agency);
  return (b: StepFieldValues, ctx: z.RefinementCtx) => {
    // Runs even when a field failed already (zod continues after refinements): guard every use.
    const step = steps.find((s) => s.key === b.step);
    if (!step) return;
    const d = resolveDetail(step, b.detail);
    if (!d.ok) ctx.addIssue({ code: "custom", path: ["detail"], message: d.message });
    if (step.businessDate && b.businessDate === undefined) {
      ctx.addIssue({ code: "custom", path: ["businessDate"], message: `${step.key} braucht ein fachliches Datum / ${step.key} needs a business date` });
    }
    if (!step.businessDate && b.businessDate !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["businessDate"],
        message: `${step.key} hat kein fachliches Datum; Feld weglassen / ${step.key} takes no business date; leave the field out`,
      });
    }
  };
}

/** What goes on chain and into the store, from the checked fields. */
function resolveStep(agency: AgencyKey) {
  const steps = recordableSteps(agency);
  return (b: StepFieldValues): ResolvedStep => {
    const step = steps.find((s) => s.key === b.step)!;
    const d = resolveDetail(step, b.detail);
    return {
      eventId: b.eventId?.toLowerCase(),
      step,
      detail: d.ok ? d.value : 0n,
      businessDate: b.businessDate ? yyyymmdd(b.businessDate) : 0,
      data: b.data ?? null,
    };
  };
}

/** The request body of POST /api/cases/{caseRef}/steps for `agency`. */
export function recordStepBody(agency: AgencyKey) {
  return z.strictObject(stepFields(agency)).superRefine(checkAgainstStep(agency)).transform(resolveStep(agency));
}

/** Steps one bulk request may carry at most (well within the default body limit of 64 KiB). */
export const MAX_BULK_STEPS = 250;

/** A step of a bulk request: its case reference plus the fields of a single step. */
export interface BulkStep {
  caseRef: string;
  step: ResolvedStep;
}

/** The request body of POST /api/steps (bulk) for `agency`. */
export function recordStepsBody(agency: AgencyKey) {
  const resolve = resolveStep(agency);
  const item = z
    .strictObject({ caseRef: CaseRef.describe("Fallreferenz / case reference"), ...stepFields(agency) })
    .superRefine(checkAgainstStep(agency))
    .transform((b): BulkStep => ({ caseRef: b.caseRef, step: resolve(b) }));
  return z.strictObject({
    steps: z
      .array(item)
      .min(1, { error: "Mindestens ein Schritt / At least one step" })
      .max(MAX_BULK_STEPS, { error: `Höchstens ${MAX_BULK_STEPS} Schritte je Anfrage / At most ${MAX_BULK_STEPS} steps per request` }),
  });
}
