// The rule flags of a case as ProcedureRules.sol keeps them (caseState() reports them; OutOfOrder names the
// missing ones), with labels for the flags an alert can name.
import type { Label } from "./types";

export const FLAG = {
  REGISTERED: 1 << 0,
  FILED: 1 << 1,
  HEARING_SCHEDULED: 1 << 2,
  HEARING_HELD: 1 << 3,
  DECIDED: 1 << 4,
  POSITIVE: 1 << 5,
  NEGATIVE: 1 << 6,
  SERVED: 1 << 7,
  APPEAL_PENDING: 1 << 8,
  SUSPENSIVE_APPEAL: 1 << 9,
  FINAL: 1 << 10,
  FOLLOW_UP_PENDING: 1 << 11,
  DEPARTURE_OBLIGATION: 1 << 12,
  REPATRIATION_SCHEDULED: 1 << 13,
  ALLOCATION_DUE: 1 << 14,
  ALLOCATED: 1 << 15,
  DEPARTED: 1 << 16,
  TRANSFERRED: 1 << 17,
  ALLOCATION_RECEIVED: 1 << 18,
  ARRIVED: 1 << 19,
  STOP_IGNORED: 1 << 20,
  NOT_ARRIVED: 1 << 21,
} as const;

export type FlagKey = keyof typeof FLAG;

/** What an earlier step gave the case: the flags a step's precondition can ask for (bits 0-15). */
const FLAG_LABELS: { key: FlagKey; de: string; en: string }[] = [
  { key: "REGISTERED", de: "Registrierung", en: "registration" },
  { key: "FILED", de: "Asylantrag", en: "asylum application" },
  { key: "HEARING_SCHEDULED", de: "Anhörungstermin", en: "hearing date" },
  { key: "HEARING_HELD", de: "Anhörung", en: "hearing" },
  { key: "DECIDED", de: "Entscheidung", en: "decision" },
  { key: "POSITIVE", de: "positive Entscheidung", en: "positive decision" },
  { key: "NEGATIVE", de: "ablehnende Entscheidung", en: "negative decision" },
  { key: "SERVED", de: "Zustellung", en: "service of the decision" },
  { key: "APPEAL_PENDING", de: "anhängige Klage", en: "pending appeal" },
  { key: "SUSPENSIVE_APPEAL", de: "Klage mit aufschiebender Wirkung", en: "suspensive appeal" },
  { key: "FINAL", de: "Bestandskraft", en: "final decision" },
  { key: "FOLLOW_UP_PENDING", de: "anhängiger Folgeantrag", en: "pending follow-up application" },
  { key: "DEPARTURE_OBLIGATION", de: "Ausreisepflicht", en: "departure obligation" },
  { key: "REPATRIATION_SCHEDULED", de: "terminierte Rückführung", en: "scheduled repatriation" },
  { key: "ALLOCATION_DUE", de: "fällige Zuweisung", en: "allocation due" },
  { key: "ALLOCATED", de: "Zuweisung", en: "allocation" },
];

/** The labelled flags set in `bits` (an OutOfOrder event's `missing`), in bit order. */
export function ruleFlags(bits: number): Label[] {
  return FLAG_LABELS.filter((f) => (bits & FLAG[f.key]) !== 0).map(({ key, de, en }) => ({ key, de, en }));
}
