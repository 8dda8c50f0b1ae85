// Names from the code lists for messages and the report.
import { CODE_LISTS } from "../shared/codelists";

const agencies = new Map(CODE_LISTS.agencies.map((a) => [a.code, a.key as string]));
const steps = new Map(CODE_LISTS.steps.map((s) => [s.code, s.key]));

export function agencyName(code: number): string {
  return agencies.get(code) ?? `agency ${code}`;
}

export function agencyCodeOf(name: string): number | undefined {
  for (const [code, key] of agencies) if (key === name.toUpperCase()) return code;
  return undefined;
}

export function stepName(code: number): string {
  return steps.get(code) ?? `step ${code}`;
}
