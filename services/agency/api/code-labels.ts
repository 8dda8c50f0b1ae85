// Code-list lookups for answers: step, detail, stop reasons and the rule flags of OutOfOrder alerts, each
// with its German and English label.
import { CODE_LISTS, stepByCode, type Code, type CodeLists, type StepDef } from "../../shared/codelists";

export interface StepLabel {
  code: number;
  key: string;
  phase: number;
  agency: string;
  de: string;
  en: string;
}

export function stepLabel(code: number): StepLabel {
  const s = stepByCode(code);
  if (!s) return { code, key: `UNKNOWN_${code}`, phase: 0, agency: "?", de: `Unbekannter Schritt ${code}`, en: `Unknown step ${code}` };
  return { code: s.code, key: s.key, phase: s.phase, agency: s.agency, de: s.de, en: s.en };
}

type CodeListName = "outcomes" | "appealKinds" | "appealResults" | "followUpResults" | "prospects" | "cancelReasons" | "erasureReasons";

export function codeList(name: string): Code[] | undefined {
  const lists = CODE_LISTS as unknown as Record<string, unknown>;
  const l = lists[name as CodeListName & keyof CodeLists];
  return Array.isArray(l) ? (l as Code[]) : undefined;
}

export interface DetailView {
  /** the detail as recorded on chain: decimal text (uint64) */
  value: string;
  key?: string;
  de?: string;
  en?: string;
}

/** The detail of a step for display: its code-list entry, district name, or corrected event id. */
export function detailView(step: StepDef | undefined, detail: string): DetailView | null {
  if (!step || step.detail === null) return detail === "0" ? null : { value: detail };
  if (detail === "0") return null;
  if (step.detail === "eventId") return { value: detail, de: "Berichtigt Ereignis", en: "Corrects event" };
  if (step.detail === "districts") {
    const d = CODE_LISTS.distributionKey.districts.find((x) => String(x.code) === detail);
    return d ? { value: detail, key: String(d.code), de: d.de, en: d.de } : { value: detail };
  }
  const c = codeList(step.detail)?.find((x) => String(x.code) === detail);
  return c ? { value: detail, key: c.key, de: c.de, en: c.en } : { value: detail };
}

/** The open stop reasons of a bit set, as code-list entries. */
export function stopReasons(bits: number): Code[] {
  return CODE_LISTS.stopReasons.filter((r) => (bits & r.code) !== 0);
}

/** The rule flags of ProcedureRules.sol (bit -> meaning), to explain which earlier steps an alert misses. */
const RULE_FLAGS: { bit: number; key: string; de: string; en: string }[] = [
  { bit: 0, key: "REGISTERED", de: "Registrierung", en: "registration" },
  { bit: 1, key: "FILED", de: "Asylantrag", en: "asylum application" },
  { bit: 2, key: "HEARING_SCHEDULED", de: "Anhörungstermin", en: "hearing date" },
  { bit: 3, key: "HEARING_HELD", de: "Anhörung", en: "hearing" },
  { bit: 4, key: "DECIDED", de: "Entscheidung", en: "decision" },
  { bit: 5, key: "POSITIVE", de: "positive Entscheidung", en: "positive decision" },
  { bit: 6, key: "NEGATIVE", de: "ablehnende Entscheidung", en: "negative decision" },
  { bit: 7, key: "SERVED", de: "Zustellung", en: "service of the decision" },
  { bit: 8, key: "APPEAL_PENDING", de: "anhängige Klage", en: "pending appeal" },
  { bit: 9, key: "SUSPENSIVE_APPEAL", de: "Klage mit aufschiebender Wirkung", en: "suspensive appeal" },
  { bit: 10, key: "FINAL", de: "Bestandskraft", en: "final decision" },
  { bit: 11, key: "FOLLOW_UP_PENDING", de: "anhängiger Folgeantrag", en: "pending follow-up application" },
  { bit: 12, key: "DEPARTURE_OBLIGATION", de: "Ausreisepflicht", en: "departure obligation" },
  { bit: 13, key: "REPATRIATION_SCHEDULED", de: "terminierte Rückführung", en: "scheduled repatriation" },
  { bit: 14, key: "ALLOCATION_DUE", de: "fällige Zuweisung", en: "allocation due" },
  { bit: 15, key: "ALLOCATED", de: "Zuweisung", en: "allocation" },
];

export function missingFlags(bits: number): { key: string; de: string; en: string }[] {
  return RULE_FLAGS.filter((f) => (bits & (1 << f.bit)) !== 0).map(({ key, de, en }) => ({ key, de, en }));
}

/** yyyymmdd (0 = none) as YYYY-MM-DD. */
export function isoDate(yyyymmdd: number | null | undefined): string | null {
  if (!yyyymmdd) return null;
  const s = String(yyyymmdd).padStart(8, "0");
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}
