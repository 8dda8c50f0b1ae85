// Steps and their detail codes as answers and the web app show them, in German and English.
import { codeList, stepByCode } from "./codelists";
import { districtByCode, districtCodes } from "./districts";
import type { Code, StepDef } from "./types";

export interface StepLabel {
  code: number;
  key: string;
  phase: number;
  /** the agency types that may record the step */
  types: string[];
  de: string;
  en: string;
}

/** The step's catalogue entry, or a placeholder naming the code (answers never fail on an unknown step). */
export function stepLabel(code: number): StepLabel {
  const s = stepByCode(code);
  if (!s) return { code, key: `UNKNOWN_${code}`, phase: 0, types: [], de: `Unbekannter Schritt ${code}`, en: `Unknown step ${code}` };
  return { code: s.code, key: s.key, phase: s.phase, types: s.types, de: s.de, en: s.en };
}

export interface DetailView {
  /** the detail as recorded on chain: decimal text (uint64) */
  value: string;
  key?: string;
  de?: string;
  en?: string;
}

/** The detail of a step: its code-list entry, district (key: the AGS code), or corrected event id; null for none. */
export function detailView(step: StepDef | undefined, detail: string): DetailView | null {
  if (!step || step.detail === null) return detail === "0" ? null : { value: detail };
  if (detail === "0") return null;
  if (step.detail === "eventId") return { value: detail, de: "Berichtigt Ereignis", en: "Corrects event" };
  if (step.detail === "districts") {
    const d = districtByCode(detail);
    return d ? { value: detail, key: String(d.code), de: d.de, en: d.de } : { value: detail };
  }
  const c = codeList(step.detail)?.find((x) => String(x.code) === detail);
  return c ? { value: detail, key: c.key, de: c.de, en: c.en } : { value: detail };
}

/**
 * The detail's key as notification payloads name it: the code-list key, for a district its name (the AGS
 * code is the detail itself); undefined for none or an event id.
 */
export function detailKey(step: StepDef | undefined, detail: string): string | undefined {
  const v = detailView(step, detail);
  if (!v || step?.detail === "eventId") return undefined;
  return step?.detail === "districts" ? v.de : v.key;
}

/** One line for the detail: the entry's label (`pick` chooses the language), "name (code)" for a district, else the value. */
export function detailText(step: StepDef, detail: unknown, pick: (c: { de: string; en: string }) => string): string {
  if (detail === undefined || detail === null) return "";
  const v = detailView(step, String(detail));
  if (!v) return "";
  if (step.detail === "districts") return `${v.de ?? v.value} (${v.value})`;
  if (step.detail === "eventId" || v.de === undefined || v.en === undefined) return v.value;
  return pick({ de: v.de, en: v.en });
}

/** The entries of a step's detail list ("outcomes", ..., "districts" as codes with the name twice); none for others. */
export function detailCodes(list: string | null): Code[] {
  return list === "districts" ? districtCodes() : (codeList(list) ?? []);
}
