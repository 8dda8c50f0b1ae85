// What one page of a case's timeline reads from the store, as portable SQL in one snapshot
// (store/snapshot-reads.ts): the page's steps and the rule events they raised, the open stops and the
// corrections of the whole case, the case's step count, this agency's records of the steps on the page and
// its steps the chain does not show yet. Every query is one index range (schema.prisma, LedgerEvent and
// Step indexes). The page's steps and events are read up to its end; the step count, and the stop events
// with the corrections, are two reads of the case's range of the (caseRef, blockNumber, logIndex, name)
// index, its rows read only for what they find (about 0.35 ms each for a case of 4,000 events, measured
// 2026-12-04): one index leading with the case, not three, keeps the listener's writes cheap.
import type { LedgerEventFields } from "../../shared/vocab";
import { eventIdOf, sequenceOfEventId } from "../../shared/ledger-codec";
import { bool, date, dateOrNull, int, intOrNull, type Row, type SnapshotRead, type SqlQuery } from "../store/snapshot-reads";

/** A stored ledger event with what the timeline shows of it. */
export type TimelineEvent = LedgerEventFields & {
  id: number;
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockTime: number;
  eventId: string | null;
  agency: number | null;
  commitment: string | null;
};

/** This agency's record of a step (Step row), as far as the timeline shows it. */
export interface OwnStep {
  id: number;
  eventId: string;
  caseRef: string;
  stepCode: number;
  detail: string;
  businessDate: number;
  data: string | null;
  salt: string | null;
  state: string;
  failureReason: string | null;
  createdAt: Date;
}

/** The case as this agency holds it (Case row), as far as the timeline shows it. */
export interface CaseFields {
  fileNumber: string;
  familyName: string | null;
  givenNames: string | null;
  dateOfBirth: string | null;
  nationality: string | null;
  fictitious: boolean;
  erasedAt: Date | null;
}

/** Where a page starts: after this step (block number, log index); none for the first page. */
export interface TimelinePage {
  cursor?: { block: number; logIndex: number };
  limit: number;
}

export interface TimelinePageData {
  /** the case is registered here or known from the ledger */
  known: boolean;
  events: TimelineEvent[];
  ownSteps: OwnStep[];
  caseRow: CaseFields | null;
  /** the case's last stop event (StopChanged or StopIgnored): the open stops follow from it alone */
  lastStop: Pick<LedgerEventFields, "name" | "stopReasons"> | null;
  /** the case's corrections in ledger order: the corrected ledger event id (detail) and the correction's */
  corrections: { eventId: string; detail: string }[];
  totalSteps: number;
  /** the page's last step when a next page follows */
  last?: { blockNumber: number; logIndex: number };
}

const names = (columns: readonly string[], prefix = "") => columns.map((c) => `${prefix}"${c}"`).join(", ");
const EVENT_COLUMNS = names([
  "id",
  "txHash",
  "logIndex",
  "blockNumber",
  "blockTime",
  "name",
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
]);
const STEP_COLUMNS = names(["id", "eventId", "caseRef", "stepCode", "detail", "businessDate", "data", "salt", "state", "failureReason", "createdAt"]);
const CASE_COLUMNS = names(["fileNumber", "familyName", "givenNames", "dateOfBirth", "nationality", "fictitious", "erasedAt"]);
// Ledger order as the case's index holds it (name before id: the index's own order, no sort; two events of
// one block and log index never happen on one chain, id only makes the order total).
const LEDGER_ORDER = `"blockNumber", "logIndex", "name", "id"`;

const query = (sql: string, ...params: (string | number | null)[]): SqlQuery => ({ sql, params });
const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

function eventOf(r: Row): TimelineEvent {
  return {
    id: int(r.id),
    txHash: r.txHash as string,
    logIndex: int(r.logIndex),
    blockNumber: int(r.blockNumber),
    blockTime: int(r.blockTime),
    name: r.name as string,
    eventId: (r.eventId as string | null) ?? null,
    agency: intOrNull(r.agency),
    stepCode: intOrNull(r.stepCode),
    detail: (r.detail as string | null) ?? null,
    businessDate: intOrNull(r.businessDate),
    commitment: (r.commitment as string | null) ?? null,
    missingFlags: intOrNull(r.missingFlags),
    stopReasons: intOrNull(r.stopReasons),
    previousStopReasons: intOrNull(r.previousStopReasons),
    originalEventId: (r.originalEventId as string | null) ?? null,
  };
}

function ownStepOf(r: Row): OwnStep {
  return {
    id: int(r.id),
    eventId: r.eventId as string,
    caseRef: r.caseRef as string,
    stepCode: int(r.stepCode),
    detail: r.detail as string,
    businessDate: int(r.businessDate),
    data: (r.data as string | null) ?? null,
    salt: (r.salt as string | null) ?? null,
    state: r.state as string,
    failureReason: (r.failureReason as string | null) ?? null,
    createdAt: date(r.createdAt),
  };
}

function caseOf(r: Row): CaseFields {
  return {
    fileNumber: r.fileNumber as string,
    familyName: (r.familyName as string | null) ?? null,
    givenNames: (r.givenNames as string | null) ?? null,
    dateOfBirth: (r.dateOfBirth as string | null) ?? null,
    nationality: (r.nationality as string | null) ?? null,
    fictitious: bool(r.fictitious),
    erasedAt: dateOrNull(r.erasedAt),
  };
}

/**
 * One page of the case's timeline: `limit` steps after the cursor with the rule events up to the next page's
 * first step, and what concerns the whole case. `me` is this agency's code (its own steps' event ids).
 */
export function* timelinePageRead(caseRef: string, me: number, page: TimelinePage): SnapshotRead<TimelinePageData> {
  const { cursor, limit } = page;
  // The page's steps and the next page's first one. The plain `"blockNumber" >= ?` repeats what the OR says,
  // so that the case's index range is read from the cursor on, not from the start.
  const steps = (
    yield cursor
      ? query(
          `SELECT "blockNumber", "logIndex" FROM "LedgerEvent" WHERE "caseRef" = ? AND "name" = 'StepRecorded' AND "blockNumber" >= ? AND ("blockNumber" > ? OR "logIndex" > ?) ORDER BY ${LEDGER_ORDER} LIMIT ?`,
          caseRef,
          cursor.block,
          cursor.block,
          cursor.logIndex,
          limit + 1,
        )
      : query(`SELECT "blockNumber", "logIndex" FROM "LedgerEvent" WHERE "caseRef" = ? AND "name" = 'StepRecorded' ORDER BY ${LEDGER_ORDER} LIMIT ?`, caseRef, limit + 1)
  ).map((r) => ({ blockNumber: int(r.blockNumber), logIndex: int(r.logIndex) }));
  const next = steps.length > limit ? steps[limit] : undefined;
  const last = next ? steps[limit - 1] : undefined;

  // The page holds its steps and the rule events up to the next page's first step; the first page also the
  // rule events before the case's first step. Past the last page: nothing.
  let events: TimelineEvent[] = [];
  const from = cursor ? steps[0] : undefined;
  if (!cursor || from) {
    const where = [`"caseRef" = ?`];
    const params: (string | number)[] = [caseRef];
    if (from) {
      where.push(`"blockNumber" >= ? AND ("blockNumber" > ? OR "logIndex" >= ?)`);
      params.push(from.blockNumber, from.blockNumber, from.logIndex);
    }
    if (next) {
      where.push(`"blockNumber" <= ? AND ("blockNumber" < ? OR "logIndex" < ?)`);
      params.push(next.blockNumber, next.blockNumber, next.logIndex);
    }
    events = (yield query(`SELECT ${EVENT_COLUMNS} FROM "LedgerEvent" WHERE ${where.join(" AND ")} ORDER BY ${LEDGER_ORDER}`, ...params)).map(eventOf);
  }

  // The case's stop events and corrections, few: one read of the case's index range (the names are in the
  // index: rows are read only for these events). The open stops follow from the last stop event alone
  // (openStopBits); a StepCorrected names the correction and the step it corrects (the step's detail).
  const marked = yield query(
    `SELECT "name", "stopReasons", "eventId", "originalEventId", "blockNumber", "logIndex", "id" FROM "LedgerEvent" WHERE "caseRef" = ? AND "name" IN ('StopChanged', 'StopIgnored', 'StepCorrected') ORDER BY ${LEDGER_ORDER}`,
    caseRef,
  );
  const stops = marked
    .filter((r) => r.name !== "StepCorrected")
    .map((r) => ({ name: r.name as string, stopReasons: intOrNull(r.stopReasons), blockNumber: int(r.blockNumber), logIndex: int(r.logIndex), id: int(r.id) }));
  const lastStop = stops.at(-1) ?? null;
  const corrections = marked
    .filter((r) => r.name === "StepCorrected" && r.eventId !== null && r.originalEventId !== null)
    .map((r) => ({ eventId: r.eventId as string, detail: r.originalEventId as string }));

  const totalSteps = int((yield query(`SELECT count(*) AS "n" FROM "LedgerEvent" WHERE "caseRef" = ? AND "name" = 'StepRecorded'`, caseRef))[0].n);
  const caseRows = yield query(`SELECT ${CASE_COLUMNS} FROM "Case" WHERE "caseRef" = ?`, caseRef);
  const caseRow = caseRows.length ? caseOf(caseRows[0]) : null;

  // Own steps the mirror may not hold yet: not confirmed, or confirmed in a block the listener has not
  // stored (past its checkpoint; before its first, any); of those, the ones the mirror does hold are not
  // pending. Each part one range of the (caseRef, state, blockNumber, logIndex) index, so that the case's
  // confirmed steps are not all read: "not confirmed" as below and above it (the same in any collation).
  const checkpoint = (yield query(`SELECT "blockNumber", "logIndex" FROM "ListenerCheckpoint" WHERE "id" = 1`))[0];
  const own = `SELECT "id" FROM "Step" WHERE "caseRef" = ? AND`;
  const maybePending = (
    yield checkpoint
      ? query(
          [
            `${own} "state" < 'confirmed'`,
            `${own} "state" > 'confirmed'`,
            `${own} "state" = 'confirmed' AND "blockNumber" IS NULL`,
            `${own} "state" = 'confirmed' AND "blockNumber" > ?`,
            `${own} "state" = 'confirmed' AND "blockNumber" = ? AND "logIndex" > ?`,
          ].join(" UNION ALL "),
          caseRef,
          caseRef,
          caseRef,
          caseRef,
          int(checkpoint.blockNumber),
          caseRef,
          int(checkpoint.blockNumber),
          int(checkpoint.logIndex),
        )
      : query(`SELECT "id" FROM "Step" WHERE "caseRef" = ?`, caseRef)
  ).map((r) => int(r.id));
  let notYet = maybePending;
  if (maybePending.length) {
    const ids = maybePending.map((id) => eventIdOf(me, id).toString());
    // by the eventId index alone (with the case in the WHERE clause SQLite may read the case's steps instead)
    const mirrored = (yield query(`SELECT "eventId", "caseRef", "name" FROM "LedgerEvent" WHERE "eventId" IN (${marks(ids.length)})`, ...ids)).filter(
      (r) => r.caseRef === caseRef && r.name === "StepRecorded",
    );
    const onChain = new Set(mirrored.map((r) => Number(sequenceOfEventId(BigInt(r.eventId as string)))));
    notYet = maybePending.filter((id) => !onChain.has(id));
  }
  // This agency's records of the page's own steps and of the pending ones, by primary key.
  const onPage = events.filter((e) => e.name === "StepRecorded" && e.agency === me && e.eventId).map((e) => Number(sequenceOfEventId(BigInt(e.eventId!))));
  const wanted = [...new Set([...onPage, ...notYet])];
  const ownSteps = wanted.length
    ? (yield query(`SELECT ${STEP_COLUMNS} FROM "Step" WHERE "id" IN (${marks(wanted.length)})`, ...wanted)).map(ownStepOf).filter((s) => s.caseRef === caseRef)
    : [];
  const known =
    totalSteps > 0 ||
    events.length > 0 ||
    ownSteps.length > 0 ||
    caseRow !== null ||
    (yield query(`SELECT "id" FROM "Step" WHERE "caseRef" = ? LIMIT 1`, caseRef)).length > 0;
  return { known, events, ownSteps, caseRow, lastStop, corrections, totalSteps, last };
}
