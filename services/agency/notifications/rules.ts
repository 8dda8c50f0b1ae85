// Which ledger event becomes which notification for this agency (domain.md: forward, alert, stop,
// allocation), among any number of members. Only the followers of a case are told (listener/followers.ts:
// an agency follows a case once it recorded a step on it, the case is registered with it, or an allocation
// names its district; a central immigration authority follows every case). Forwards are the other members'
// steps; alerts and stops concern the case whoever recorded the step (stops at priority 0 everywhere);
// allocation due goes to the central authorities; the district allocated is the federal office's own kind
// and the named district authority's, which follows the case from then on.
// The payload holds only what the chain holds: case reference, codes, ids. No personal data.
import { agencyKeyOrCode, detailKey, interpretLedgerEvent, stepByCode, stopReasonKeys } from "../../shared/vocab";
import type { EventRow } from "../listener/event-row";
import { allocationNamesMe, type Follower } from "../listener/followers";

export type NotificationKind =
  | "STOP"
  | "STOP_RESOLVED"
  | "STOP_IGNORED"
  | "ALERT"
  | "FORWARD"
  | "ALLOCATION_DUE"
  | "MUNICIPAL_ALLOCATION"
  | "DEADLINE";

/** 0 is the highest: repatriation warnings come first everywhere. */
export const PRIORITY: Record<NotificationKind, number> = {
  STOP: 0,
  STOP_IGNORED: 0,
  STOP_RESOLVED: 1,
  ALLOCATION_DUE: 1,
  MUNICIPAL_ALLOCATION: 1,
  ALERT: 2,
  DEADLINE: 2,
  FORWARD: 3,
};

export interface NotificationDraft {
  sourceKey: string;
  kind: NotificationKind;
  priority: number;
  caseRef: string;
  eventId: string | null;
  payload: string;
}

export function sourceKeyOf(event: Pick<EventRow, "txHash" | "logIndex">): string {
  return `${event.txHash}:${event.logIndex}`;
}

/**
 * The notification the stored `event` raises for `me`, or undefined. `follows` says whether `me` follows the
 * event's case; `stepOf` gives the step code behind a rule event's event id (the StepRecorded that raised
 * it), where known.
 */
export function notificationFor(
  event: EventRow,
  me: Follower,
  follows: (caseRef: string) => boolean,
  stepOf: (eventId: string) => number | undefined,
): NotificationDraft | undefined {
  if (!event.caseRef) return undefined;
  if (event.name === "StepRecorded" && event.agency === me.agencyCode) return undefined; // our own step: the outbox confirms it
  if (!follows(event.caseRef)) return undefined;
  const recorder = event.agency !== null ? agencyKeyOrCode(event.agency) : undefined;
  const stepCode = event.stepCode ?? (event.eventId !== null ? stepOf(event.eventId) : undefined);
  const step = stepCode !== undefined ? stepByCode(stepCode)?.key : undefined;
  const base = {
    event: event.name,
    caseRef: event.caseRef,
    ledgerEventId: event.eventId ?? undefined,
    agency: recorder,
    step,
    txHash: event.txHash,
    blockNumber: event.blockNumber,
  };
  let kind: NotificationKind;
  let extra: Record<string, unknown> = {};
  const meaning = interpretLedgerEvent(event);
  switch (meaning.kind) {
    case "step": {
      const detail = event.detail ?? "0";
      extra = { detail, detailKey: detailKey(stepByCode(meaning.step.code), detail), businessDate: event.businessDate || undefined };
      // The federal office needs the district to serve later notices there, the district named takes the
      // person over: their own kind, above a plain forward.
      kind = step === "MUNICIPAL_ALLOCATION" && (me.agencyType === "FEDERAL_OFFICE" || allocationNamesMe(me, event.detail)) ? "MUNICIPAL_ALLOCATION" : "FORWARD";
      break;
    }
    case "alert":
      kind = "ALERT";
      extra = { missingFlags: meaning.missingBits };
      break;
    case "stop-raised":
    case "stop-changed":
    case "stop-resolved":
      kind = meaning.kind === "stop-resolved" ? "STOP_RESOLVED" : "STOP";
      extra = { reasons: stopReasonKeys(meaning.reasonBits), previousReasons: stopReasonKeys(meaning.previousReasonBits) };
      break;
    case "stop-ignored":
      kind = "STOP_IGNORED";
      extra = { reasons: stopReasonKeys(meaning.reasonBits) };
      break;
    case "allocation-due":
      if (me.agencyType !== "CENTRAL_AUTHORITY") return undefined;
      kind = "ALLOCATION_DUE";
      break;
    default:
      return undefined;
  }
  return {
    sourceKey: sourceKeyOf(event),
    kind,
    priority: PRIORITY[kind],
    caseRef: event.caseRef,
    eventId: event.eventId,
    payload: JSON.stringify({ ...base, ...extra }),
  };
}
