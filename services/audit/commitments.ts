// Every on-chain commitment against its agency's audit export (ledger event id, salt, data digest: no
// personal data). Tells apart: matched, erased (intentional), missing from the export, in the export but
// not on chain, and forged or altered (commitment mismatch). Pure, no I/O.
import { fastCommitmentOf } from "./keccak";
import type { Precomputed } from "./commitment-worker";
import { eventKeyOf } from "./events";
import { STEP } from "./rules";
import { agencyName } from "./names";
import type { EventReplayer } from "./replay";
import type { AgencyExport, ExportLine, FindingSink } from "./types";

export interface CommitmentCounts {
  /** on-chain steps of the agencies whose exports were given */
  onChain: number;
  matched: number;
  erased: number;
  missing: number;
  mismatched: number;
  notOnChain: number;
  /** export lines above the agency's highest on-chain event: submitted after the audited block */
  pending: number;
}

interface IndexedLine {
  line: ExportLine;
  source: string;
  /** keccak256(salt ‖ dataDigest) as 64 hex digits (no 0x), when the line has both and is not marked erased */
  computedHex?: string;
  used: boolean;
}

/**
 * One agency's export lines by event id, with each line's commitment computed. Built in slices
 * (add(x, from, to)), so that the audit can hash the exports while it waits for the chain.
 */
export class ExportIndex {
  readonly byKey = new Map<string, IndexedLine>();
  readonly duplicates: IndexedLine[] = [];
  readonly foreign: IndexedLine[] = [];
  readonly sources: string[] = [];
  lines = 0;

  constructor(readonly agency: number) {}

  /**
   * Index lines [from, to) of `x`; returns the position after the last one indexed. `precomputed`: the
   * lines' commitments by line index where already computed (commitment-worker.ts).
   */
  add(x: AgencyExport, from = 0, to = x.lines.length, precomputed?: Precomputed): number {
    if (from === 0) this.sources.push(x.source);
    const end = Math.min(to, x.lines.length);
    for (let i = from; i < end; i++) {
      const line = x.lines[i];
      this.lines++;
      const key = precomputed?.keys ? precomputed.keys(i) : eventKeyOf(BigInt(line.ledgerEventId));
      const entry: IndexedLine = { line, source: x.source, used: false };
      if (!line.erased && line.salt && line.dataDigest) entry.computedHex = precomputed?.commitments[i] ?? fastCommitmentOf(line.salt, line.dataDigest).slice(2);
      if (parseInt(key.slice(0, 2), 16) !== this.agency) this.foreign.push(entry);
      else if (this.byKey.has(key)) this.duplicates.push(entry);
      else this.byKey.set(key, entry);
    }
    return end;
  }
}

/** Index every export (all at once). */
export function indexExports(exports: AgencyExport[]): Map<number, ExportIndex> {
  const m = new Map<number, ExportIndex>();
  for (const x of exports) {
    let idx = m.get(x.agency);
    if (!idx) m.set(x.agency, (idx = new ExportIndex(x.agency)));
    idx.add(x);
  }
  return m;
}

/**
 * Match the on-chain steps of one agency against its export. Lines above the agency's highest on-chain
 * event id were handed to the chain after the audited block (the export is read after it is fixed):
 * counted as pending, not as findings; the next audit checks them.
 */
export function matchCommitments(replayer: EventReplayer, index: ExportIndex, sink: FindingSink): CommitmentCounts {
  const counts: CommitmentCounts = { onChain: 0, matched: 0, erased: 0, missing: 0, mismatched: 0, notOnChain: 0, pending: 0 };
  const agency = index.agency;
  const name = agencyName(agency);
  for (const e of index.foreign) {
    counts.notOnChain++;
    const otherAgency = Number(BigInt(e.line.ledgerEventId) >> 56n);
    sink.add({ check: "commitments", kind: "export-line-of-other-agency", severity: "error", agency: name, eventId: e.line.ledgerEventId, caseRef: e.line.caseRef, message: `${name}'s export (${e.source}) lists event ${e.line.ledgerEventId}, an event id of ${agencyName(otherAgency)}` });
  }
  for (const e of index.duplicates) {
    sink.add({ check: "commitments", kind: "export-duplicate-line", severity: "error", agency: name, eventId: e.line.ledgerEventId, caseRef: e.line.caseRef, message: `${name}'s export lists event ${e.line.ledgerEventId} more than once` });
  }

  for (const s of replayer.steps) {
    if (s.agency !== agency) continue;
    counts.onChain++;
    const entry = index.byKey.get(s.eventKey);
    if (entry === undefined) {
      if (replayer.erasedBy(s.caseRef, agency) !== undefined) {
        counts.erased++;
      } else {
        counts.missing++;
        const eventId = s.eventId.toString();
        sink.add({ check: "commitments", kind: "missing-from-export", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `event ${eventId} (${name}, block ${s.block}) is on chain but not in ${name}'s export, and ${name} recorded no erasure for the case` });
      }
      continue;
    }
    entry.used = true;
    if (entry.computedHex === s.commitmentHex && entry.line.caseRef === s.caseRef) {
      counts.matched++;
      const erasedAt = replayer.erasedBy(s.caseRef, agency);
      if (erasedAt !== undefined && s.block < erasedAt && s.step !== STEP.ERASED) {
        sink.add({ check: "commitments", kind: "data-kept-after-erasure", severity: "warning", agency: name, eventId: s.eventId.toString(), caseRef: s.caseRef, blockNumber: s.block, message: `${name} recorded an erasure for case ${s.caseRef} (block ${erasedAt}), but its export still has salt and data digest for the earlier event ${s.eventId}` });
      }
      continue;
    }
    const eventId = s.eventId.toString();
    const line = entry.line;
    if (line.caseRef.toLowerCase() !== s.caseRef) {
      counts.mismatched++;
      sink.add({ check: "commitments", kind: "export-case-mismatch", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `${name}'s export gives event ${eventId} the case ${line.caseRef}, the chain records it for ${s.caseRef}` });
    } else if (line.erased) {
      if (replayer.erasedBy(s.caseRef, agency) !== undefined) {
        counts.erased++;
      } else {
        counts.missing++;
        sink.add({ check: "commitments", kind: "erased-without-marker", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `${name}'s export marks event ${eventId} as erased, but ${name} recorded no ERASED step for the case on chain` });
      }
    } else if (!line.salt || !line.dataDigest) {
      counts.missing++;
      sink.add({ check: "commitments", kind: "export-line-incomplete", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `${name}'s export line for event ${eventId} has no salt or data digest and is not marked erased` });
    } else {
      counts.mismatched++;
      sink.add({ check: "commitments", kind: "commitment-mismatch", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `event ${eventId}: salt and data digest in ${name}'s export do not produce the on-chain commitment ${s.commitment}: the export line or the agency's data was altered` });
    }
  }

  const highest = replayer.maxSequence.get(agency) ?? "0".repeat(14);
  for (const [key, entry] of index.byKey) {
    if (entry.used) continue;
    if (key.slice(2) > highest) {
      counts.pending++;
      continue;
    }
    counts.notOnChain++;
    const l = entry.line;
    sink.add({ check: "commitments", kind: "not-on-chain", severity: "error", agency: name, eventId: l.ledgerEventId, caseRef: l.caseRef, message: `${name}'s export (${entry.source}) lists event ${l.ledgerEventId}, which is not on chain up to the audited block` });
  }
  return counts;
}
