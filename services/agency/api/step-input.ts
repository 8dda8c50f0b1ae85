// The body of "record a step", checked against the code lists: the step must be one this agency records,
// the detail must be a code of the step's list (or absent where it has none), the business date present
// exactly for dated steps. The result is what goes on chain (step code, detail as uint64, yyyymmdd).
import { z } from "zod";
import { CODE_LISTS, mayRecord, type AgencyKey, type StepDef } from "../../shared/codelists";
import { codeList } from "./code-labels";
import { BusinessDate, Uuid } from "./schemas";
import { ProblemError } from "./problem";

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

/** Reject a step of the other agency before anything else is looked at. */
export function agencyBoundary(agency: AgencyKey): (raw: unknown) => void {
  return (raw) => {
    if (typeof raw !== "object" || raw === null || typeof (raw as { step?: unknown }).step !== "string") return;
    const key = (raw as { step: string }).step;
    const step = CODE_LISTS.steps.find((s) => s.key === key);
    if (step && !mayRecord(agency, step)) {
      throw new ProblemError(
        "step-not-permitted",
        `${step.key} („${step.de}“) wird von ${step.agency} erfasst; dieser Dienst schreibt nur Schritte von ${agency} / ${step.key} ("${step.en}") is recorded by ${step.agency}; this service writes only ${agency}'s steps`,
        [{ field: "step", message: `Schritt der Behörde ${step.agency}, nicht ${agency} / Step of ${step.agency}, not ${agency}` }],
      );
    }
  };
}

/** The request body of POST /api/cases/{caseRef}/steps for `agency`. */
export function recordStepBody(agency: AgencyKey) {
  const steps = recordableSteps(agency);
  const keys = steps.map((s) => s.key) as [string, ...string[]];
  return z
    .strictObject({
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
        .optional()
        .describe(
          "Fachdaten dieser Behörde zum Schritt (bleiben außerhalb der Kette, auch Freitext) / this agency's off-chain step data (never on chain, may hold free text)",
        ),
    })
    .superRefine((b, ctx) => {
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
    })
    .transform((b): ResolvedStep => {
      const step = steps.find((s) => s.key === b.step)!;
      const d = resolveDetail(step, b.detail);
      return {
        eventId: b.eventId?.toLowerCase(),
        step,
        detail: d.ok ? d.value : 0n,
        businessDate: b.businessDate ? yyyymmdd(b.businessDate) : 0,
        data: b.data ?? null,
      };
    });
}
