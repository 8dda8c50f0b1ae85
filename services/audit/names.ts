// Names of agencies and steps for messages and the report. Which agencies exist, with their type, scope
// and name, the audit reads from the chain (AgencyJoined, replay.ts); here only the short label an agency
// goes by in messages and report keys: the key its service uses where the audit knows it (the pilots' keys
// "BAMF" and "ZAB", or a key the auditor gave as KEY:NUMBER), else "AGENCY_<number>".
import { CODE_LIST_VERSIONS, agencyByKey, agencyKeyOrCode } from "../shared/codelists";

const givenKeys = new Map<number, string>();

/** Name agency `code` `key` in this audit's messages (the CLI's KEY:NUMBER). */
export function nameAgency(code: number, key: string): void {
  givenKeys.set(code, key);
}

export function agencyName(code: number): string {
  return givenKeys.get(code) ?? agencyKeyOrCode(code);
}

/** The agency number a label stands for: a key known to the audit, a number, or AGENCY_<number>. */
export function agencyCodeOf(name: string): number | undefined {
  const upper = name.toUpperCase();
  for (const [code, key] of givenKeys) if (key === upper) return code;
  const pilot = agencyByKey(upper)?.code;
  if (pilot !== undefined) return pilot;
  const m = /^(?:AGENCY_)?([0-9]{1,3})$/.exec(upper);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 255) return Number(m[1]);
  return undefined;
}

// Step codes only grow from one code-list version to the next: the newest name of each code.
const steps = new Map<number, string>();
for (const v of CODE_LIST_VERSIONS) for (const s of v.lists.steps) steps.set(s.code, s.key);

export function stepName(code: number): string {
  return steps.get(code) ?? `step ${code}`;
}
