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

/**
 * The steps an open stop concerns: recording one of them while the stop is open goes against it. As the
 * ledger's rules have it (contracts/ProcedureRules.sol: a repatriation completed while any stop is open is
 * recorded as StopIgnored), so every reason concerns the completion. The record-a-step form asks for an
 * explicit confirmation naming the stop before it sends such a step.
 */
export const STEPS_AGAINST_OPEN_STOP: Readonly<Record<string, readonly string[]>> = {
  NO_NEGATIVE_DECISION: ["REPATRIATION_COMPLETED"],
  POSITIVE_DECISION: ["REPATRIATION_COMPLETED"],
  SUSPENSIVE_APPEAL_PENDING: ["REPATRIATION_COMPLETED"],
  FOLLOW_UP_PENDING: ["REPATRIATION_COMPLETED"],
};

/** Of the open stop reasons `openReasonKeys`, those that recording `stepKey` goes against. */
export function stopsConcerning(stepKey: string, openReasonKeys: readonly string[]): string[] {
  return openReasonKeys.filter((r) => (STEPS_AGAINST_OPEN_STOP[r] ?? []).includes(stepKey));
}
