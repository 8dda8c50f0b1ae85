// Every on-chain commitment against its agency's audit export (ledger event id, salt, data digest: no
// personal data). Tells apart: matched, erased (intentional), missing from the export, in the export but
// not on chain, and forged or altered (commitment mismatch). No I/O but the index's spill file.
import { fastCommitmentOf, keccakBytes } from "../shared/keccak";
import { tableOf, type ExportTable, type LineFacts } from "./export-table";
import type { Precomputed } from "./commitment-worker";
import { EventIdIndex } from "./event-id-index";
import { eventKeyOf } from "./events";
import { STEP } from "./rules";
import { SpillPages } from "./spill-pages";
import { agencyName } from "./names";
import type { EventReplayer } from "./replay";
import type { AgencyExport, FindingSink } from "./types";

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

const ENTRY_INDEXED = 0;
const ENTRY_DUPLICATE = 1;
const ENTRY_FOREIGN = 2;
const KIND_MASK = 3;
/** flag beside the kind: the entry has a commitment */
const HASHED = 4;
/** entries a page of the index's columns; pages held in memory (about 2 MiB) */
const ENTRY_PAGE_BITS = 12;
const ENTRY_PAGE = 1 << ENTRY_PAGE_BITS;
const ENTRY_MASK = ENTRY_PAGE - 1;
const ENTRY_CACHE_PAGES = 16;

/** One page of entries: their commitments (32 bytes each), kinds and whether matched (one byte each). */
interface EntryPage {
  commitments: Uint8Array;
  kinds: Uint8Array;
  used: Uint8Array;
}

/**
 * One agency's export lines by event id, with each line's commitment computed. Built in slices
 * (add(x, from, to)), so that the audit can hash the exports while it waits for the chain. The entries
 * are kept as columns (kind and whether hashed in one byte, commitment bytes, matched) over the exports'
 * tables (export-table.ts), the ids in an EventIdIndex: no object and no string key per line. Which line
 * of which export an entry is follows from the runs of consecutive entries that add() made (one per
 * export as the audit indexes them), not from two numbers per entry: 34 bytes an export line in pages
 * of which only the ones used last stay in memory (spill-pages.ts; the chain's steps ask for them
 * nearly in the order of the lines), and 4 bytes an id in the EventIdIndex.
 * Once every line of a chunk of a table is added, the table drops that chunk's salts and digests (their
 * commitments are here now); messages take a line's facts from the table's flags (line(k)).
 */
export class ExportIndex {
  readonly ids = new EventIdIndex();
  readonly sources: string[] = [];
  lines = 0;
  private readonly tables: ExportTable[] = [];
  /** per source: how many of its lines, from the first, were added without a gap (their pairs may go) */
  private readonly addedTo: number[] = [];
  /** runs of entries from consecutive lines of one source: first entry, source number, its first line */
  private runEntry: number[] = [];
  private runSource: number[] = [];
  private runLine: number[] = [];
  /**
   * per entry: its kind (ENTRY_*) and HASHED; keccak256(salt ‖ dataDigest), 32 bytes, where HASHED (a
   * line with both and not marked erased); whether an on-chain step matched it (matchCommitments)
   */
  private readonly pages: SpillPages<EntryPage>;

  constructor(
    readonly agency: number,
    cachePages = ENTRY_CACHE_PAGES,
  ) {
    const n = ENTRY_PAGE;
    this.pages = new SpillPages(n * 34, cachePages, (b) => ({ commitments: new Uint8Array(b, 0, n * 32), kinds: new Uint8Array(b, n * 32, n), used: new Uint8Array(b, n * 33, n) }));
  }

  /**
   * Index lines [from, to) of `x`; returns the position after the last one indexed. `precomputed`: the
   * lines' event ids and commitments where already computed (commitment-worker.ts).
   */
  add(x: AgencyExport, from = 0, to = x.lines.length, precomputed?: Precomputed): number {
    // (the table of a later slice is the one registered: tableOf would make a list's table anew once
    // its first chunks were released)
    const table = from === 0 ? tableOf(x.lines) : this.tables[this.tables.length - 1];
    if (from === 0) {
      this.sources.push(x.source);
      this.tables.push(table);
      this.addedTo.push(0);
    }
    const source = this.sources.length - 1;
    const end = Math.min(to, table.length);
    const r = this.runEntry.length - 1;
    if (from < end && (r < 0 || this.runSource[r] !== source || this.runLine[r] + (this.lines - this.runEntry[r]) !== from)) {
      this.runEntry.push(this.lines);
      this.runSource.push(source);
      this.runLine.push(from);
    }
    // (the worker's results are for lines from precomputed.from)
    const base = precomputed?.from ?? 0;
    for (let i = from; i < end; i++) {
      const k = this.lines++;
      const page = this.pages.page(k >> ENTRY_PAGE_BITS, true);
      const o = k & ENTRY_MASK;
      const inColumns = table.inColumns(i);
      let kind = 0;
      if (precomputed?.hashed[i - base]) {
        const src = precomputed.commitments;
        const dst = page.commitments;
        for (let j = 0, f = (i - base) * 32, t = o * 32; j < 32; j++) dst[t + j] = src[f + j];
        kind = HASHED;
      } else if (inColumns) {
        if (table.hashable(i)) {
          page.commitments.set(keccakBytes(table.pairOf(i)), o * 32);
          kind = HASHED;
        }
      } else {
        const line = table.at(i)!;
        if (!line.erased && line.salt && line.dataDigest) {
          Buffer.from(page.commitments.buffer, page.commitments.byteOffset + o * 32, 32).write(fastCommitmentOf(line.salt, line.dataDigest).slice(2), "hex");
          kind = HASHED;
        }
      }
      if (inColumns) {
        // the id's 8 bytes: agency byte first
        const bytes = table.idBytes(i);
        const at = table.idAt(i);
        if (bytes[at] !== this.agency) kind |= ENTRY_FOREIGN;
        else if (this.ids.getAt(bytes, at) !== undefined) kind |= ENTRY_DUPLICATE;
        else this.ids.setAt(bytes, at, k);
      } else {
        const key = eventKeyOf(BigInt(table.at(i)!.ledgerEventId));
        if (parseInt(key.slice(0, 2), 16) !== this.agency) kind |= ENTRY_FOREIGN;
        else if (this.ids.has(key)) kind |= ENTRY_DUPLICATE;
        else this.ids.set(key, k);
      }
      page.kinds[o] = kind;
    }
    this.releaseAdded(source, table, from, end);
    return end;
  }

  /** Let the table drop the pair bytes of the chunks whose every line is now added (hashed or not hashable). */
  private releaseAdded(source: number, table: ExportTable, from: number, end: number): void {
    if (end <= from || this.addedTo[source] !== from) return;
    this.addedTo[source] = end;
    table.releasePairsBelow(end);
  }

  /** The indexed entries (not duplicates, not of another agency) as [event key, commitment hex or undefined]. */
  entries(): [string, string | undefined][] {
    const out: [string, string | undefined][] = [];
    for (let k = 0; k < this.lines; k++) {
      if (this.kindOf(k) !== ENTRY_INDEXED) continue;
      const page = this.pages.page(k >> ENTRY_PAGE_BITS);
      const o = k & ENTRY_MASK;
      out.push([eventKeyOf(BigInt(this.line(k).ledgerEventId)), page.kinds[o] & HASHED ? Buffer.from(page.commitments.subarray(o * 32, o * 32 + 32)).toString("hex") : undefined]);
    }
    return out;
  }

  /**
   * Entry k's line for a message (made anew from the table): event id, case reference and erased as read,
   * and whether salt and data digest were given; their values are gone once the entry's chunk is added.
   */
  line(k: number): LineFacts {
    const r = this.runOf(k);
    return this.tables[this.runSource[r]].factsAt(this.runLine[r] + k - this.runEntry[r]);
  }

  sourceOf(k: number): string {
    return this.sources[this.runSource[this.runOf(k)]];
  }

  kindOf(k: number): number {
    return this.pages.page(k >> ENTRY_PAGE_BITS).kinds[k & ENTRY_MASK] & KIND_MASK;
  }

  /** Mark entry k as matched by an on-chain step. */
  markUsed(k: number): void {
    this.pages.page(k >> ENTRY_PAGE_BITS, true).used[k & ENTRY_MASK] = 1;
  }

  /** Whether an on-chain step matched entry k. */
  isUsed(k: number): boolean {
    return this.pages.page(k >> ENTRY_PAGE_BITS).used[k & ENTRY_MASK] !== 0;
  }

  /** Whether the index's columns went to the spill file (more than fit in the pages held in memory). */
  get spilled(): boolean {
    return this.pages.spilled;
  }

  /** Close the spill file: the index is not read any more. */
  close(): void {
    this.pages.close();
  }

  /** The run holding entry k (the last whose first entry is at most k). */
  private runOf(k: number): number {
    const e = this.runEntry;
    let lo = 0;
    let hi = e.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (e[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Whether entry k has a commitment and it equals the 32 bytes at `bytes[at..]`. */
  commitmentEquals(k: number, bytes: Uint8Array, at: number): boolean {
    const page = this.pages.page(k >> ENTRY_PAGE_BITS);
    const o = k & ENTRY_MASK;
    if (!(page.kinds[o] & HASHED)) return false;
    const c = page.commitments;
    const base = o * 32;
    for (let j = 0; j < 32; j++) if (c[base + j] !== bytes[at + j]) return false;
    return true;
  }

  /** Whether entry k's line gives exactly the case reference held at `bytes[at..at+32]` (as lower-case 0x-hex). */
  caseRefIs(k: number, bytes: Uint8Array, at: number): boolean {
    const r = this.runOf(k);
    const table = this.tables[this.runSource[r]];
    const i = this.runLine[r] + k - this.runEntry[r];
    if (table.inColumns(i)) return table.caseEquals(i, bytes, at);
    return table.at(i)!.caseRef === "0x" + Buffer.from(bytes.buffer, bytes.byteOffset + at, 32).toString("hex");
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
  for (const kind of [ENTRY_FOREIGN, ENTRY_DUPLICATE]) {
    for (let k = 0; k < index.lines; k++) {
      if (index.kindOf(k) !== kind) continue;
      const line = index.line(k);
      if (kind === ENTRY_FOREIGN) {
        counts.notOnChain++;
        const otherAgency = Number(BigInt(line.ledgerEventId) >> 56n);
        sink.add({ check: "commitments", kind: "export-line-of-other-agency", severity: "error", agency: name, eventId: line.ledgerEventId, caseRef: line.caseRef, message: `${name}'s export (${index.sourceOf(k)}) lists event ${line.ledgerEventId}, an event id of ${agencyName(otherAgency)}` });
      } else {
        sink.add({ check: "commitments", kind: "export-duplicate-line", severity: "error", agency: name, eventId: line.ledgerEventId, caseRef: line.caseRef, message: `${name}'s export lists event ${line.ledgerEventId} more than once` });
      }
    }
  }

  const steps = replayer.steps;
  for (let i = 0; i < steps.length; i++) {
    if (steps.agency(i) !== agency) continue;
    counts.onChain++;
    const words = steps.recordOf(i);
    const at = steps.recordAt(i);
    const k = index.ids.getAt(words, at + 24);
    const caseNo = steps.caseNo(i);
    // the common outcome without making the step's object: matched, and its case not erased by the agency
    if (k !== undefined && index.commitmentEquals(k, words, at + 32) && index.caseRefIs(k, steps.caseRefOf(caseNo), steps.caseRefAt(caseNo)) && !replayer.anyErasure) {
      index.markUsed(k);
      counts.matched++;
      continue;
    }
    const s = steps.at(i)!;
    if (k === undefined) {
      if (replayer.erasedBy(s.caseRef, agency) !== undefined) {
        counts.erased++;
      } else {
        counts.missing++;
        const eventId = s.eventId.toString();
        sink.add({ check: "commitments", kind: "missing-from-export", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `event ${eventId} (${name}, block ${s.block}) is on chain but not in ${name}'s export, and ${name} recorded no erasure for the case` });
      }
      continue;
    }
    index.markUsed(k);
    const line = index.line(k);
    if (index.commitmentEquals(k, s.words, s.commitmentAt) && index.caseRefIs(k, s.words, s.at)) {
      counts.matched++;
      const erasedAt = replayer.erasedBy(s.caseRef, agency);
      if (erasedAt !== undefined && s.block < erasedAt && s.step !== STEP.ERASED) {
        sink.add({ check: "commitments", kind: "data-kept-after-erasure", severity: "warning", agency: name, eventId: s.eventId.toString(), caseRef: s.caseRef, blockNumber: s.block, message: `${name} recorded an erasure for case ${s.caseRef} (block ${erasedAt}), but its export still has salt and data digest for the earlier event ${s.eventId}` });
      }
      continue;
    }
    const eventId = s.eventId.toString();
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
    } else if (!line.hasSalt || !line.hasDigest) {
      counts.missing++;
      sink.add({ check: "commitments", kind: "export-line-incomplete", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `${name}'s export line for event ${eventId} has no salt or data digest and is not marked erased` });
    } else {
      counts.mismatched++;
      sink.add({ check: "commitments", kind: "commitment-mismatch", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `event ${eventId}: salt and data digest in ${name}'s export do not produce the on-chain commitment ${s.commitment}: the export line or the agency's data was altered` });
    }
  }

  const highest = replayer.maxSequence.get(agency) ?? "0".repeat(14);
  for (let k = 0; k < index.lines; k++) {
    if (index.isUsed(k) || index.kindOf(k) !== ENTRY_INDEXED) continue;
    const l = index.line(k);
    if (eventKeyOf(BigInt(l.ledgerEventId)).slice(2) > highest) {
      counts.pending++;
      continue;
    }
    counts.notOnChain++;
    sink.add({ check: "commitments", kind: "not-on-chain", severity: "error", agency: name, eventId: l.ledgerEventId, caseRef: l.caseRef, message: `${name}'s export (${index.sourceOf(k)}) lists event ${l.ledgerEventId}, which is not on chain up to the audited block` });
  }
  return counts;
}
