// The body of "record a step", checked against the code lists: the step must be one this agency's type
// records (stepsFor(type), the rights the chain holds for the type under the code-list version in force),
// the detail must be a code of the step's list (or absent where it has none), the business date present
// exactly for dated steps. The result is what goes on chain (step code, detail as uint64, yyyymmdd).
import { z } from "zod";
import { CODE_LISTS, agencyTypeByKey, mayRecord, stepsFor, type AgencyTypeKey, type StepDef } from "../../shared/codelists";
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

/**
 * The steps an agency of `type` records, by key: the code lists' rights of the type (typeRightsOf is what
 * deployment and a code-list vote set on chain; the service writes only while its lists are the chain's).
 */
export function recordableSteps(type: AgencyTypeKey): StepDef[] {
  return stepsFor(type);
}

/** The type's name for messages: "DISTRICT_AUTHORITY (Untere Ausländerbehörde …)". */
function typeText(type: AgencyTypeKey): { de: string; en: string } {
  const t = agencyTypeByKey(type);
  return t ? { de: `${type} (${t.de})`, en: `${type} (${t.en})` } : { de: type, en: type };
}

/** Another type's step (by its key in a raw body), or undefined. */
function otherTypesStep(type: AgencyTypeKey, raw: unknown): StepDef | undefined {
  if (typeof raw !== "object" || raw === null || typeof (raw as { step?: unknown }).step !== "string") return undefined;
  const key = (raw as { step: string }).step;
  const step = CODE_LISTS.steps.find((s) => s.key === key);
  return step && !mayRecord(type, step) ? step : undefined;
}

function notPermitted(type: AgencyTypeKey, step: StepDef, field: string): ProblemError {
  const mine = typeText(type);
  const by = step.types.join(", ") || "-";
  return new ProblemError(
    "step-not-permitted",
    `${step.key} („${step.de}“) erfassen Behörden der Art ${by}; dieser Dienst ist eine Behörde der Art ${mine.de} und schreibt nur deren Schritte / ${step.key} ("${step.en}") is recorded by agencies of type ${by}; this service is of type ${mine.en} and writes only that type's steps`,
    [{ field, message: `Schritt der Behördenart ${by}, nicht ${type} / Step of agency type ${by}, not ${type}` }],
  );
}

/** Reject a step of another agency type before anything else is looked at (the type is read per request: it is known once the agency joined). */
export function agencyBoundary(self: { agencyType: AgencyTypeKey }): (raw: unknown) => void {
  return (raw) => {
    const step = otherTypesStep(self.agencyType, raw);
    if (step) throw notPermitted(self.agencyType, step, "step");
  };
}

/** The same for each step of a bulk body ({ steps: [...] }); names the first offending one. */
export function bulkAgencyBoundary(self: { agencyType: AgencyTypeKey }): (raw: unknown) => void {
  return (raw) => {
    const items = typeof raw === "object" && raw !== null ? (raw as { steps?: unknown }).steps : undefined;
    if (!Array.isArray(items)) return;
    items.forEach((item, i) => {
      const step = otherTypesStep(self.agencyType, item);
      if (step) throw notPermitted(self.agencyType, step, `steps[${i}].step`);
    });
  };
}

/** The fields of one step as the API takes it. */
function stepFields(type: AgencyTypeKey) {
  const own = recordableSteps(type).map((s) => s.key);
  // A type without steps (unknown to these lists) still gets a schema: every step is then refused above.
  const keys = (own.length ? own : CODE_LISTS.steps.map((s) => s.key)) as [string, ...string[]];
  return {
    eventId: Uuid.optional().describe("Idempotenzschlüssel (UUID); ohne Angabe vergeben / idempotency key (UUID); generated if absent"),
    step: z.enum(keys, {
      error: `Unbekannter Schrittcode; Behörden der Art ${type} erfassen: ${keys.join(", ")} / Unknown step code; agencies of type ${type} record: ${keys.join(", ")}`,
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
function checkAgainstStep() {
  const steps = CODE_LISTS.steps;
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
function resolveStep() {
  const steps = CODE_LISTS.steps;
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

/** The request body of POST /api/cases/{caseRef}/steps for an agency of `type`. */
export function recordStepBody(type: AgencyTypeKey) {
  return z.strictObject(stepFields(type)).superRefine(checkAgainstStep()).transform(resolveStep());
}

/** Steps one bulk request may carry at most (well within the default body limit of 64 KiB). */
export const MAX_BULK_STEPS = 250;

/** A step of a bulk request: its case reference plus the fields of a single step. */
export interface BulkStep {
  caseRef: string;
  step: ResolvedStep;
}

/** The request body of POST /api/steps (bulk) for an agency of `type`. */
export function recordStepsBody(type: AgencyTypeKey) {
  const resolve = resolveStep();
  const item = z
    .strictObject({ caseRef: CaseRef.describe("Fallreferenz / case reference"), ...stepFields(type) })
    .superRefine(checkAgainstStep())
    .transform((b): BulkStep => ({ caseRef: b.caseRef, step: resolve(b) }));
  return z.strictObject({
    steps: z
      .array(item)
      .min(1, { error: "Mindestens ein Schritt / At least one step" })
      .max(MAX_BULK_STEPS, { error: `Höchstens ${MAX_BULK_STEPS} Schritte je Anfrage / At most ${MAX_BULK_STEPS} steps per request` }),
  });
}
