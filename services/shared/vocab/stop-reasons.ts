// Repatriation stop reasons: a bit set on chain (StopChanged, StopIgnored), one code-list entry per bit.
import { CODE_LISTS } from "./codelists";
import type { Code, CodeLabel } from "./types";

/** The reasons set in `bits`, as code-list entries. */
export function stopReasons(bits: number): Code[] {
  return CODE_LISTS.stopReasons.filter((r) => (bits & r.code) !== 0);
}

/** The reasons set in `bits` as answers show them (code, key, labels). */
export function stopReasonLabels(bits: number): CodeLabel[] {
  return stopReasons(bits).map(({ code, key, de, en }) => ({ code, key, de, en }));
}

/** The reasons set in `bits` by their keys (NO_NEGATIVE_DECISION, ...). */
export function stopReasonKeys(bits: number): string[] {
  return stopReasons(bits).map((r) => r.key);
}

export function stopReasonByKey(key: string): Code | undefined {
  return CODE_LISTS.stopReasons.find((r) => r.key === key);
}
