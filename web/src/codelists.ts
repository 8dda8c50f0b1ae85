// The versioned code lists (codelists/codelists.json), bundled into the web app: step names, detail codes
// and districts with their German and English labels. The service checks the same file against the chain.
import lists from "../../codelists/codelists.json";
import type { AgencyKey, Code, CodeLists, District, StepDef } from "../../services/shared/codelist-types";

export type { AgencyKey, Code, District, StepDef };

export const CODE_LISTS = lists as unknown as CodeLists & Record<string, unknown>;

export const STEPS: StepDef[] = CODE_LISTS.steps;
export const DISTRICTS: District[] = CODE_LISTS.distributionKey.districts;

export function stepByKey(key: string): StepDef | undefined {
  return STEPS.find((s) => s.key === key);
}

export function stepByCode(code: number): StepDef | undefined {
  return STEPS.find((s) => s.code === code);
}

/** The entries of a detail code list ("outcomes", "appealKinds", ...); districts as codes with the name twice. */
export function detailCodes(list: string | null): Code[] {
  if (!list || list === "eventId") return [];
  if (list === "districts") return DISTRICTS.map((d) => ({ code: d.code, key: String(d.code), de: d.de, en: d.de }));
  const l = CODE_LISTS[list];
  return Array.isArray(l) ? (l as Code[]) : [];
}

export function districtName(code: number | string | null | undefined): string {
  const d = DISTRICTS.find((x) => String(x.code) === String(code));
  return d ? d.de : String(code ?? "");
}

/** Steps this agency may record (catalogue: its own and the cross-cutting ones). */
export function stepsFor(agency: AgencyKey): StepDef[] {
  return STEPS.filter((s) => s.agency === agency || s.agency === "BOTH");
}

export function stopReasonsOf(bits: number): Code[] {
  return CODE_LISTS.stopReasons.filter((r) => (bits & r.code) !== 0);
}

/** The label of a step's detail code (code-list entry, district name, or the corrected event id). */
export function detailLabel(step: StepDef, detail: unknown, detailKey: unknown, pick: (c: Code) => string): string {
  if (detail === undefined || detail === null || detail === "0" || detail === 0) return "";
  if (step.detail === "districts") return `${districtName(String(detail))} (${detail})`;
  if (step.detail === "eventId") return String(detail);
  const c = detailCodes(step.detail).find((x) => x.key === detailKey || String(x.code) === String(detail));
  return c ? pick(c) : String(detail);
}

export function yyyymmddToIso(v: unknown): string {
  const s = String(v).padStart(8, "0");
  return /^\d{8}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` : String(v);
}

/** The rule flags of ProcedureRules.sol that an alert says are missing (bit -> label). */
const RULE_FLAGS: { de: string; en: string }[] = [
  { de: "Registrierung", en: "registration" },
  { de: "Asylantrag", en: "asylum application" },
  { de: "Anhörungstermin", en: "hearing date" },
  { de: "Anhörung", en: "hearing" },
  { de: "Entscheidung", en: "decision" },
  { de: "positive Entscheidung", en: "positive decision" },
  { de: "ablehnende Entscheidung", en: "negative decision" },
  { de: "Zustellung", en: "service of the decision" },
  { de: "anhängige Klage", en: "pending appeal" },
  { de: "Klage mit aufschiebender Wirkung", en: "suspensive appeal" },
  { de: "Bestandskraft", en: "final decision" },
  { de: "anhängiger Folgeantrag", en: "pending follow-up application" },
  { de: "Ausreisepflicht", en: "departure obligation" },
  { de: "terminierte Rückführung", en: "scheduled repatriation" },
  { de: "fällige Zuweisung", en: "allocation due" },
  { de: "Zuweisung", en: "allocation" },
];

export function missingFlagLabels(bits: number, lang: "de" | "en"): string[] {
  return RULE_FLAGS.filter((_, i) => (bits & (1 << i)) !== 0).map((f) => f[lang]);
}
