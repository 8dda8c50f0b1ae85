// A decoded ledger log as the LedgerEvent row the listener stores: the step fields, and the rule events'
// arguments in their own typed columns (OutOfOrder's step is in stepCode), so that no reader parses them.
import type { LedgerLog } from "../chain/ledger-logs";
import type { LedgerEventFields } from "../../shared/vocab";

export type RuleColumns = Pick<LedgerEventFields, "missingFlags" | "stopReasons" | "previousStopReasons" | "originalEventId">;

const NONE: RuleColumns = { missingFlags: null, stopReasons: null, previousStopReasons: null, originalEventId: null };

/** The typed columns of a rule event's decoded arguments (decimal text, as the decoder gives them). */
export function ruleColumns(name: string, args: Record<string, string>): RuleColumns {
  switch (name) {
    case "OutOfOrder":
      return { ...NONE, missingFlags: Number(args.missing) };
    case "StopChanged":
      return { ...NONE, stopReasons: Number(args.reasons), previousStopReasons: Number(args.previousReasons) };
    case "StopIgnored":
      return { ...NONE, stopReasons: Number(args.reasons) };
    case "StepCorrected":
      return { ...NONE, originalEventId: BigInt(args.originalEventId).toString() };
    default:
      return NONE;
  }
}

export const EVENT_COLUMNS = [
  "txHash",
  "logIndex",
  "blockNumber",
  "blockHash",
  "name",
  "caseRef",
  "eventId",
  "agency",
  "stepCode",
  "detail",
  "businessDate",
  "commitment",
  "missingFlags",
  "stopReasons",
  "previousStopReasons",
  "originalEventId",
  "blockTime",
  "receivedAt",
] as const;

export type EventRow = LedgerEventFields & {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  caseRef: string | null;
  eventId: string | null;
  agency: number | null;
  commitment: string | null;
  blockTime: number;
  receivedAt: Date;
};

export function eventRow(l: LedgerLog, blockTime: number, receivedAt: Date): EventRow {
  return {
    txHash: l.txHash,
    logIndex: l.logIndex,
    blockNumber: l.blockNumber,
    blockHash: l.blockHash,
    name: l.name,
    caseRef: l.caseRef ?? null,
    eventId: l.eventId?.toString() ?? null,
    agency: l.agency ?? null,
    stepCode: l.stepCode ?? null,
    detail: l.detail?.toString() ?? null,
    businessDate: l.businessDate ?? null,
    commitment: l.commitment ?? null,
    ...ruleColumns(l.name, l.args),
    blockTime,
    receivedAt,
  };
}
