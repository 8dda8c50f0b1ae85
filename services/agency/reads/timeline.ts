// The timeline of a case: every step of both agencies from the chain mirror in ledger order, each with the
// notices it raised; this agency's own steps merged with their off-chain record and a `verified` flag
// (the commitment recomputed from the stored salt and data equals the one on chain); partner steps only
// as the chain shows them; and this agency's steps that have not reached the chain yet.
import { agencyKeyOrCode, detailView, interpretLedgerEvent, isoDate, stepByCode, stepLabel, stopReasonLabels, type DetailView, type LedgerEventMeaning, type StepLabel } from "../../shared/vocab";
import { commitmentOf, dataDigest } from "../../shared/commitment";
import { eventIdOf, sequenceOfEventId } from "../../shared/ledger-codec";
import { isPlaceholder } from "../store/partner-case";
import { foldStops } from "./ledger-events";
import type { CommitmentCheck } from "./commitment-check";
import type { CaseFields, OwnStep, TimelineEvent } from "./timeline-page";

export interface Notice {
  name: string;
  de: string;
  en: string;
  [more: string]: unknown;
}

export interface TimelineEntry {
  ledgerEventId: string;
  agency: string;
  own: boolean;
  step: StepLabel;
  detail: DetailView | null;
  businessDate: string | null;
  commitment: string;
  blockNumber: number;
  blockTime: string;
  txHash: string;
  logIndex: number;
  notices: Notice[];
  corrects?: string;
  correctedBy?: string[];
  /** own steps only */
  eventId?: string;
  /** own steps: commitment recomputed from salt and data equals the on-chain one; null once erased */
  verified?: boolean | null;
  /** own steps: "present" | "erased" | "missing" (no off-chain record: a defect) */
  record?: "present" | "erased" | "missing";
  /** own steps, clerks only: the off-chain step data */
  data?: unknown;
}

export interface PendingStep {
  eventId: string;
  ledgerEventId: string;
  step: StepLabel;
  detail: DetailView | null;
  businessDate: string | null;
  state: string;
  failureReason: string | null;
  createdAt: string;
  data?: unknown;
}

export interface Timeline {
  caseRef: string;
  agency: string;
  held: boolean;
  person?: {
    fileNumber: string;
    familyName: string | null;
    givenNames: string | null;
    dateOfBirth: string | null;
    nationality: string | null;
    fictitious: boolean;
  } | null;
  erased: boolean;
  openStops: { bits: number; reasons: { code: number; key: string; de: string; en: string }[] };
  steps: TimelineEntry[];
  pending: PendingStep[];
  /** notices whose triggering step is not in the mirror (should not happen) */
  otherNotices: (Notice & { ledgerEventId: string | null })[];
  /** where this page stands (set by the paged read, reads/case-views.ts) */
  page?: { limit: number; totalSteps: number; nextCursor: string | null };
}

function innerData(row: Pick<OwnStep, "data">): unknown {
  if (row.data === null) return null;
  try {
    return (JSON.parse(row.data) as { data?: unknown }).data ?? null;
  } catch {
    return null;
  }
}

/** A rule event as the timeline lists it under its step: the sentence and the codes by key. */
function noticeOf(m: LedgerEventMeaning): Notice {
  const text = { name: m.name, de: m.de, en: m.en };
  switch (m.kind) {
    case "alert":
      return { ...text, missing: m.missing.map((f) => f.key) };
    case "stop-raised":
    case "stop-changed":
    case "stop-resolved":
      return { ...text, reasons: m.reasons.map((r) => r.key), previousReasons: m.previousReasons.map((r) => r.key) };
    case "stop-ignored":
      return { ...text, reasons: m.reasons.map((r) => r.key) };
    case "correction":
      return { ...text, originalEventId: m.originalEventId };
    default:
      return text;
  }
}

/** The check of shared/commitment.ts (reads/commitment-check.ts computes the same, faster). */
const checkCommitment: CommitmentCheck = (salt, canonical, commitment) => commitmentOf(salt, dataDigest(canonical)).toLowerCase() === commitment.toLowerCase();

/** `events` in ledger order; Prisma's LedgerEvent, Step and Case rows fit the types. */
export function buildTimeline(input: {
  caseRef: string;
  agencyCode: number;
  events: TimelineEvent[];
  ownSteps: OwnStep[];
  caseRow: CaseFields | null;
  personalData: boolean;
  /** how a record is checked against its commitment; by default with shared/commitment.ts */
  verify?: CommitmentCheck;
}): Timeline {
  const { caseRef, agencyCode, events, ownSteps, caseRow, personalData, verify = checkCommitment } = input;
  const stepById = new Map(ownSteps.map((s) => [s.id, s]));
  const matched = new Set<number>();
  const entries: TimelineEntry[] = [];
  const byLedgerId = new Map<string, TimelineEntry>();
  const otherNotices: Timeline["otherNotices"] = [];

  for (const e of events) {
    const m = interpretLedgerEvent(e);
    if (m.kind !== "step") {
      const target = e.eventId ? byLedgerId.get(e.eventId) : undefined;
      const n = noticeOf(m);
      if (target) target.notices.push(n);
      else otherNotices.push({ ...n, ledgerEventId: e.eventId });
      continue;
    }
    if (!e.eventId || e.stepCode === null) continue;
    const def = stepByCode(e.stepCode);
    const agency = e.agency ?? 0;
    const entry: TimelineEntry = {
      ledgerEventId: e.eventId,
      agency: agencyKeyOrCode(agency),
      own: agency === agencyCode,
      step: m.step,
      detail: m.detail,
      businessDate: m.businessDate,
      commitment: e.commitment ?? "",
      blockNumber: e.blockNumber,
      blockTime: new Date(e.blockTime * 1000).toISOString(),
      txHash: e.txHash,
      logIndex: e.logIndex,
      notices: [],
    };
    if (def?.detail === "eventId" && e.detail) {
      entry.corrects = e.detail;
      const original = byLedgerId.get(e.detail);
      if (original) original.correctedBy = [...(original.correctedBy ?? []), e.eventId];
    }
    if (entry.own) {
      const seq = Number(sequenceOfEventId(BigInt(e.eventId)));
      const row = stepById.get(seq);
      if (row && row.caseRef === caseRef) {
        matched.add(row.id);
        entry.eventId = row.eventId;
        if (row.data === null || row.salt === null) {
          entry.record = "erased";
          entry.verified = null;
        } else {
          entry.record = "present";
          entry.verified = verify(row.salt, row.data, e.commitment ?? "");
        }
        if (personalData) entry.data = innerData(row);
      } else {
        entry.record = "missing";
        entry.verified = false;
      }
    }
    entries.push(entry);
    byLedgerId.set(e.eventId, entry);
  }

  const pending: PendingStep[] = ownSteps
    .filter((s) => !matched.has(s.id))
    .sort((a, b) => a.id - b.id)
    .map((s) => ({
      eventId: s.eventId,
      ledgerEventId: eventIdOf(agencyCode, s.id).toString(),
      step: stepLabel(s.stepCode),
      detail: detailView(stepByCode(s.stepCode), s.detail),
      businessDate: isoDate(s.businessDate),
      state: s.state,
      failureReason: s.failureReason,
      createdAt: s.createdAt.toISOString(),
      ...(personalData ? { data: innerData(s) } : {}),
    }));

  const held = !!caseRow && !isPlaceholder(caseRow.fileNumber);
  const erased = !!caseRow?.erasedAt;
  const bits = foldStops(events);
  return {
    caseRef,
    agency: agencyKeyOrCode(agencyCode),
    held,
    ...(personalData
      ? {
          person:
            held && !erased
              ? {
                  fileNumber: caseRow!.fileNumber,
                  familyName: caseRow!.familyName,
                  givenNames: caseRow!.givenNames,
                  dateOfBirth: caseRow!.dateOfBirth,
                  nationality: caseRow!.nationality,
                  fictitious: caseRow!.fictitious,
                }
              : null,
        }
      : {}),
    erased,
    openStops: { bits, reasons: stopReasonLabels(bits) },
    steps: entries,
    pending,
    otherNotices,
  };
}
