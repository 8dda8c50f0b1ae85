// The Saxon districts of the distribution key (allocation steps name them by their AGS code).
import { CODE_LISTS } from "./codelists";
import type { Code, District } from "./types";

export const DISTRICTS: District[] = CODE_LISTS.distributionKey.districts;

const byCode = new Map(DISTRICTS.map((d) => [String(d.code), d]));

/** The district of a code (number, decimal text or bigint). */
export function districtByCode(code: number | string | bigint | null | undefined): District | undefined {
  return code === null || code === undefined ? undefined : byCode.get(String(code));
}

/** The district's name, or the code as text when unknown. */
export function districtName(code: number | string | bigint | null | undefined): string {
  return districtByCode(code)?.de ?? String(code ?? "");
}

/** Districts as code-list entries: the code as key, the (German) name in both languages. */
export function districtCodes(): Code[] {
  return DISTRICTS.map((d) => ({ code: d.code, key: String(d.code), de: d.de, en: d.de }));
}
