// The versioned code lists (codelists/codelists.json) and their on-chain hash.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import canonicalize from "canonicalize";
import { keccak256, toUtf8Bytes, encodeBytes32String } from "ethers";

import type { AgencyKey, CodeLists, StepDef } from "./codelist-types";

export type { AgencyKey, Code, CodeLists, District, StepDef } from "./codelist-types";

export const CODELISTS_FILE = join(__dirname, "..", "..", "codelists", "codelists.json");

export function loadCodeLists(file = CODELISTS_FILE): CodeLists {
  return JSON.parse(readFileSync(file, "utf8")) as CodeLists;
}

/** keccak-256 of the RFC 8785 canonical JSON: the value recorded on chain. */
export function codeListHash(lists: CodeLists): string {
  const canonical = canonicalize(lists);
  if (canonical === undefined) throw new Error("code lists cannot be canonicalised");
  return keccak256(toUtf8Bytes(canonical));
}

export function codeListVersionLabel(lists: CodeLists): string {
  return encodeBytes32String(lists.version);
}

export const CODE_LISTS: CodeLists = loadCodeLists();

export const AGENCY: Record<AgencyKey, number> = { BAMF: 1, ZAB: 2 };

export function agencyKey(code: number): AgencyKey {
  const a = CODE_LISTS.agencies.find((x) => x.code === code);
  if (!a) throw new Error(`unknown agency code ${code}`);
  return a.key;
}

const stepsByKey = new Map(CODE_LISTS.steps.map((s) => [s.key, s]));
const stepsByCode = new Map(CODE_LISTS.steps.map((s) => [s.code, s]));

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
