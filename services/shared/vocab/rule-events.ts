// What a ledger event means: the one interpretation of StepRecorded and the rule events (OutOfOrder,
// StopChanged, StopIgnored, AllocationDue, StepCorrected) that the notifications, the timeline, the alerts,
// the ledger status and the web app share. It reads the event's typed fields as the listener stores them
// (LedgerEvent columns), so no reader parses arguments again.
import { stepByCode } from "./codelists";
import { isoDate } from "./dates";
import { detailView, stepLabel, type DetailView, type StepLabel } from "./labels";
import { ruleFlags } from "./rule-flags";
import { stopReasonLabels } from "./stop-reasons";
import type { CodeLabel, Label } from "./types";

/** The fields of a stored ledger event that carry its meaning (a LedgerEvent row has them all). */
export type LedgerEventFields = {
  name: string;
  /** StepRecorded: the step; OutOfOrder: the step that came out of order */
  stepCode: number | null;
  /** StepRecorded: the detail (decimal uint64) */
  detail: string | null;
  /** StepRecorded: yyyymmdd or 0 */
  businessDate: number | null;
  /** OutOfOrder: the rule flags the step lacked */
  missingFlags: number | null;
  /** StopChanged: the open reasons after the step; StopIgnored: the reasons that were open */
  stopReasons: number | null;
  /** StopChanged: the open reasons before the step */
  previousStopReasons: number | null;
  /** StepCorrected: the corrected event id (decimal uint64) */
  originalEventId: string | null;
};

interface Text {
  de: string;
  en: string;
}

export type LedgerEventMeaning = Text &
  (
    | { kind: "step"; name: "StepRecorded"; step: StepLabel; detail: DetailView | null; businessDate: string | null }
    | { kind: "alert"; name: "OutOfOrder"; step: StepLabel | null; missingBits: number; missing: Label[] }
    | {
        /** raised: no stop was open before; changed: the reasons changed; resolved: none is open any more */
        kind: "stop-raised" | "stop-changed" | "stop-resolved";
        name: "StopChanged";
        reasonBits: number;
        reasons: CodeLabel[];
        previousReasonBits: number;
        previousReasons: CodeLabel[];
      }
    | { kind: "stop-ignored"; name: "StopIgnored"; reasonBits: number; reasons: CodeLabel[] }
    | { kind: "allocation-due"; name: "AllocationDue" }
    | { kind: "correction"; name: "StepCorrected"; originalEventId: string | null }
    | { kind: "other"; name: string }
  );

export type LedgerEventKind = LedgerEventMeaning["kind"];

const joined = (labels: Text[], lang: keyof Text) => labels.map((l) => l[lang]).join(", ");

export function interpretLedgerEvent(e: LedgerEventFields): LedgerEventMeaning {
  switch (e.name) {
    case "StepRecorded": {
      const step = stepLabel(e.stepCode ?? 0);
      return {
        kind: "step",
        name: e.name,
        step,
        detail: detailView(stepByCode(step.code), e.detail ?? "0"),
        businessDate: isoDate(e.businessDate),
        de: step.de,
        en: step.en,
      };
    }
    case "OutOfOrder": {
      const missingBits = e.missingFlags ?? 0;
      const missing = ruleFlags(missingBits);
      return {
        kind: "alert",
        name: e.name,
        step: e.stepCode === null ? null : stepLabel(e.stepCode),
        missingBits,
        missing,
        de: `Warnung: Schritt außer der Reihe, es fehlt: ${joined(missing, "de")}`,
        en: `Alert: step out of order, missing: ${joined(missing, "en")}`,
      };
    }
    case "StopChanged": {
      const reasonBits = e.stopReasons ?? 0;
      const previousReasonBits = e.previousStopReasons ?? 0;
      const reasons = stopReasonLabels(reasonBits);
      const previousReasons = stopReasonLabels(previousReasonBits);
      const change = { name: e.name, reasonBits, reasons, previousReasonBits, previousReasons } as const;
      if (reasonBits === 0) return { kind: "stop-resolved", ...change, de: "Stopp aufgehoben", en: "Stop resolved" };
      return {
        kind: previousReasonBits === 0 ? "stop-raised" : "stop-changed",
        ...change,
        de: `Stopp: ${joined(reasons, "de")}`,
        en: `Stop: ${joined(reasons, "en")}`,
      };
    }
    case "StopIgnored": {
      const reasonBits = e.stopReasons ?? 0;
      const reasons = stopReasonLabels(reasonBits);
      return {
        kind: "stop-ignored",
        name: e.name,
        reasonBits,
        reasons,
        de: `Rückführung trotz offenem Stopp vollzogen: ${joined(reasons, "de")}`,
        en: `Repatriation carried out despite an open stop: ${joined(reasons, "en")}`,
      };
    }
    case "AllocationDue":
      return { kind: "allocation-due", name: e.name, de: "Zuweisung an einen Kreis fällig", en: "Allocation to a district due" };
    case "StepCorrected":
      return { kind: "correction", name: e.name, originalEventId: e.originalEventId, de: "Berichtigung eines früheren Schritts", en: "Correction of an earlier step" };
    default:
      return { kind: "other", name: e.name, de: e.name, en: e.name };
  }
}

/**
 * The open stop reasons after `events` (in ledger order): the reasons of the last StopChanged, none after a
 * StopIgnored (the repatriation was carried out: nothing is scheduled any more).
 */
export function openStopBits(events: Pick<LedgerEventFields, "name" | "stopReasons">[]): number {
  let reasons = 0;
  for (const e of events) {
    if (e.name === "StopChanged") reasons = e.stopReasons ?? reasons;
    else if (e.name === "StopIgnored") reasons = 0;
  }
  return reasons;
}

/** The rule events (all but StepRecorded and governance) by name. */
export const RULE_EVENT_NAMES = ["OutOfOrder", "StopChanged", "StopIgnored", "AllocationDue", "StepCorrected"] as const;
