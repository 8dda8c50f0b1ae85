// The versioned code lists, bundled as JSON (no file system: the browser imports this too), and the
// lookups of steps and agencies.
import lists from "../../../codelists/codelists.json";
import type { AgencyKey, Code, CodeLists, StepDef } from "./types";

export const CODE_LISTS: CodeLists = lists as CodeLists;

export const STEPS: StepDef[] = CODE_LISTS.steps;

export const AGENCY: Record<AgencyKey, number> = { BAMF: 1, ZAB: 2 };

export function agencyKey(code: number): AgencyKey {
  const a = CODE_LISTS.agencies.find((x) => x.code === code);
  if (!a) throw new Error(`unknown agency code ${code}`);
  return a.key;
}

/** The agency's key, or AGENCY_<code> for a code the lists do not know (answers never fail on it). */
export function agencyKeyOrCode(code: number): string {
  return CODE_LISTS.agencies.find((x) => x.code === code)?.key ?? `AGENCY_${code}`;
}

const stepsByKey = new Map(STEPS.map((s) => [s.key, s]));
const stepsByCode = new Map(STEPS.map((s) => [s.code, s]));

export function findStepByKey(key: string): StepDef | undefined {
  return stepsByKey.get(key);
}

export function stepByKey(key: string): StepDef {
  const s = stepsByKey.get(key);
  if (!s) throw new Error(`unknown step ${key}`);
  return s;
}

export function stepByCode(code: number): StepDef | undefined {
  return stepsByCode.get(code);
}

/** Whether `agency` may record the step by the catalogue. */
export function mayRecord(agency: AgencyKey, step: StepDef): boolean {
  return step.agency === agency || step.agency === "BOTH";
}

/** Steps this agency may record (catalogue: its own and the cross-cutting ones). */
export function stepsFor(agency: AgencyKey): StepDef[] {
  return STEPS.filter((s) => mayRecord(agency, s));
}

/** The detail code lists by name (a step's `detail`), without districts and event ids. */
export const DETAIL_CODE_LISTS = {
  outcomes: CODE_LISTS.outcomes,
  appealKinds: CODE_LISTS.appealKinds,
  appealResults: CODE_LISTS.appealResults,
  followUpResults: CODE_LISTS.followUpResults,
  prospects: CODE_LISTS.prospects,
  cancelReasons: CODE_LISTS.cancelReasons,
  erasureReasons: CODE_LISTS.erasureReasons,
} as const satisfies Record<string, Code[]>;

export type DetailCodeListName = keyof typeof DETAIL_CODE_LISTS;

/** The entries of a detail code list by its name, or undefined for another name. */
export function codeList(name: string | null): Code[] | undefined {
  return name !== null && Object.hasOwn(DETAIL_CODE_LISTS, name) ? DETAIL_CODE_LISTS[name as DetailCodeListName] : undefined;
}
