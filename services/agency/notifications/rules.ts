// Which ledger event becomes which notification for this agency (domain.md: forward, alert, stop,
// allocation). Forwards are the partner's steps only; alerts and stops concern the case whoever recorded
// the step, so both agencies get them; allocation due goes to the ZAB, the district allocated to the BAMF.
// The payload holds only what the chain holds: case reference, codes, ids. No personal data.
import { CODE_LISTS, agencyKey, stepByCode, type AgencyKey, type Code } from "../../shared/codelists";
import type { LedgerLog } from "../chain/ledger-logs";

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

export function sourceKeyOf(log: Pick<LedgerLog, "txHash" | "logIndex">): string {
  return `${log.txHash}:${log.logIndex}`;
}

/** Stop reason bits as the code list names them (NO_NEGATIVE_DECISION, ...). */
export function stopReasonKeys(bits: number): string[] {
  return CODE_LISTS.stopReasons.filter((r) => (bits & r.code) !== 0).map((r) => r.key);
}

const DETAIL_LISTS: Record<string, Code[] | undefined> = {
  outcomes: CODE_LISTS.outcomes,
  appealKinds: CODE_LISTS.appealKinds,
  appealResults: CODE_LISTS.appealResults,
  followUpResults: CODE_LISTS.followUpResults,
  prospects: CODE_LISTS.prospects,
  cancelReasons: CODE_LISTS.cancelReasons,
  erasureReasons: CODE_LISTS.erasureReasons,
};

/** The detail code named by its code list, where it has one (district codes stay numbers: the AGS). */
export function detailKey(stepCode: number, detail: bigint): string | undefined {
  const list = stepByCode(stepCode)?.detail;
  if (!list || detail === 0n) return undefined;
  if (list === "districts") return CODE_LISTS.distributionKey.districts.find((d) => BigInt(d.code) === detail)?.de;
  return DETAIL_LISTS[list]?.find((c) => BigInt(c.code) === detail)?.key;
}

/**
 * The notification `log` raises for `me`, or undefined. `stepOf` gives the step code behind a rule event's
 * event id (the StepRecorded that raised it), where known.
 */
export function notificationFor(log: LedgerLog, me: AgencyKey, stepOf: (eventId: bigint) => number | undefined): NotificationDraft | undefined {
  if (!log.caseRef) return undefined;
  const recorder = log.agency !== undefined ? agencyKey(log.agency) : undefined;
  const stepCode = log.stepCode ?? (log.eventId !== undefined ? stepOf(log.eventId) : undefined);
  const step = stepCode !== undefined ? stepByCode(stepCode)?.key : undefined;
  const base = {
    event: log.name,
    caseRef: log.caseRef,
    ledgerEventId: log.eventId?.toString(),
    agency: recorder,
    step,
    txHash: log.txHash,
    blockNumber: log.blockNumber,
  };
  let kind: NotificationKind;
  let extra: Record<string, unknown> = {};
  switch (log.name) {
    case "StepRecorded": {
      if (recorder === me) return undefined; // our own step: the outbox confirms it
      const detail = log.detail ?? 0n;
      extra = { detail: detail.toString(), detailKey: detailKey(log.stepCode!, detail), businessDate: log.businessDate || undefined };
      // The BAMF needs the district to serve later notices there: its own kind, above a plain forward.
      kind = step === "MUNICIPAL_ALLOCATION" && me === "BAMF" ? "MUNICIPAL_ALLOCATION" : "FORWARD";
      break;
    }
    case "OutOfOrder":
      kind = "ALERT";
      extra = { missingFlags: Number(log.args.missing) };
      break;
    case "StopChanged": {
      const reasons = Number(log.args.reasons);
      kind = reasons > 0 ? "STOP" : "STOP_RESOLVED";
      extra = { reasons: stopReasonKeys(reasons), previousReasons: stopReasonKeys(Number(log.args.previousReasons)) };
      break;
    }
    case "StopIgnored":
      kind = "STOP_IGNORED";
      extra = { reasons: stopReasonKeys(Number(log.args.reasons)) };
      break;
    case "AllocationDue":
      if (me !== "ZAB") return undefined;
      kind = "ALLOCATION_DUE";
      break;
    default:
      return undefined;
  }
  return {
    sourceKey: sourceKeyOf(log),
    kind,
    priority: PRIORITY[kind],
    caseRef: log.caseRef,
    eventId: log.eventId?.toString() ?? null,
    payload: JSON.stringify({ ...base, ...extra }),
  };
}
