// The versioned code lists, bundled as JSON (no file system: the browser imports this too), the lookups of
// steps and agency types, the step rights per agency type that are set on chain with a version, and the
// directory of member agencies (filled from the chain's AgencyJoined events; the pilots until then).
import lists from "../../../codelists/codelists.json";
import lists2026_1 from "../../../codelists/history/2026.1.json";
import type { AgencyKey, AgencyTypeDef, AgencyTypeKey, Code, CodeLists, StepDef } from "./types";

export const CODE_LISTS: CodeLists = lists as CodeLists;

export const STEPS: StepDef[] = CODE_LISTS.steps;

/** The agency types of the 2026.1 lists, which named the two pilot agencies instead of types. */
const PILOT_TYPE_OF: Record<string, AgencyTypeKey[]> = {
  BAMF: ["FEDERAL_OFFICE"],
  ZAB: ["CENTRAL_AUTHORITY"],
  BOTH: ["FEDERAL_OFFICE", "CENTRAL_AUTHORITY"],
};

interface CodeLists2026_1 extends Omit<CodeLists, "agencyTypes" | "parameters" | "steps"> {
  agencies: { code: number; key: string; de: string; en: string }[];
  steps: (Omit<StepDef, "types"> & { agency: string })[];
}

/** An earlier version in today's shape: its steps' agencies become the pilots' types. */
function fromVersion2026_1(old: CodeLists2026_1): CodeLists {
  const { agencies: _agencies, steps, ...rest } = old;
  return {
    ...rest,
    agencyTypes: CODE_LISTS.agencyTypes.filter((t) => t.key !== "DISTRICT_AUTHORITY"),
    parameters: CODE_LISTS.parameters,
    steps: steps.map(({ agency, ...step }) => ({ ...step, types: PILOT_TYPE_OF[agency] ?? [] })),
  };
}

/**
 * Every code-list version this build knows, oldest first: `raw` is the file as published (its canonical
 * hash is what the chain holds), `lists` the same version in today's shape.
 */
export const CODE_LIST_VERSIONS: { raw: unknown; lists: CodeLists }[] = [
  { raw: lists2026_1, lists: fromVersion2026_1(lists2026_1 as unknown as CodeLists2026_1) },
  { raw: lists, lists: CODE_LISTS },
];

export function agencyTypeByKey(key: AgencyTypeKey, lists: CodeLists = CODE_LISTS): AgencyTypeDef | undefined {
  return lists.agencyTypes.find((t) => t.key === key);
}

export function agencyTypeByCode(code: number, lists: CodeLists = CODE_LISTS): AgencyTypeDef | undefined {
  return lists.agencyTypes.find((t) => t.code === code);
}

/** The step rights of each agency type as the chain stores them (bit s of `steps`: may record step s). */
export interface TypeRights {
  agencyType: number;
  steps: bigint;
  allocationScoped: boolean;
}

/** The rights a code-list version gives each agency type: what deployment and a code-list vote set on chain. */
export function typeRightsOf(lists: CodeLists = CODE_LISTS): TypeRights[] {
  return lists.agencyTypes.map((t) => ({
    agencyType: t.code,
    allocationScoped: t.allocationScoped,
    steps: lists.steps.filter((s) => s.types.includes(t.key)).reduce((bits, s) => bits | (1n << BigInt(s.code)), 0n),
  }));
}

/** A member agency of the network: number (top byte of its event ids), key, type, scope and name. */
export interface AgencyEntry {
  code: number;
  key: AgencyKey;
  type: AgencyTypeKey;
  /** Land key (14: Saxony) for federal offices and central authorities; the district key (AGS) for districts */
  scope: number;
  de: string;
  en: string;
}

/** The pilot agencies, members from the ledger's deployment. */
export const PILOT_AGENCIES: AgencyEntry[] = [
  { code: 1, key: "BAMF", type: "FEDERAL_OFFICE", scope: 14, de: "BAMF Außenstelle Dresden", en: "BAMF branch office Dresden" },
  { code: 2, key: "ZAB", type: "CENTRAL_AUTHORITY", scope: 14, de: "Zentrale Ausländerbehörde Sachsen", en: "Central Immigration Agency of Saxony" },
];

/** The agency numbers of the pilots, for their services' default configuration. */
export const AGENCY: Record<"BAMF" | "ZAB", number> = { BAMF: 1, ZAB: 2 };

let directory: AgencyEntry[] = [...PILOT_AGENCIES];

/**
 * Replace the directory of member agencies (a service from the chain's AgencyJoined events, the web app
 * from /api/meta). The pilots stay known under their keys.
 */
export function setAgencyDirectory(entries: AgencyEntry[]): void {
  const byCode = new Map(PILOT_AGENCIES.map((a) => [a.code, a]));
  for (const e of entries) byCode.set(e.code, e);
  directory = [...byCode.values()].sort((a, b) => a.code - b.code);
}

export function agencyDirectory(): readonly AgencyEntry[] {
  return directory;
}

export function agencyByCode(code: number): AgencyEntry | undefined {
  return directory.find((a) => a.code === code);
}

export function agencyByKey(key: AgencyKey): AgencyEntry | undefined {
  return directory.find((a) => a.key === key);
}

export function agencyKey(code: number): AgencyKey {
  const a = agencyByCode(code);
  if (!a) throw new Error(`unknown agency code ${code}`);
  return a.key;
}

/** The agency's key, or AGENCY_<code> for a code the directory does not know (answers never fail on it). */
export function agencyKeyOrCode(code: number): string {
  return agencyByCode(code)?.key ?? `AGENCY_${code}`;
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

/** Whether an agency of type `type` may record the step by the catalogue. */
export function mayRecord(type: AgencyTypeKey, step: StepDef): boolean {
  return step.types.includes(type);
}

/** Steps an agency of type `type` may record (its own and the cross-cutting ones). */
export function stepsFor(type: AgencyTypeKey): StepDef[] {
  return STEPS.filter((s) => mayRecord(type, s));
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
