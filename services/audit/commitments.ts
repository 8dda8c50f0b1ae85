// Every on-chain commitment against its agency's audit export (ledger event id, salt, data digest: no
// personal data). Tells apart: matched, erased (intentional), missing from the export, in the export but
// not on chain, and forged or altered (commitment mismatch). Pure, no I/O.
import { fastCommitmentOf, keccakBytes } from "./keccak";
import { tableOf, type ExportTable } from "./export-table";
import type { Precomputed } from "./commitment-worker";
import { EventIdIndex } from "./event-id-index";
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

const ENTRY_INDEXED = 0;
const ENTRY_DUPLICATE = 1;
const ENTRY_FOREIGN = 2;

/**
 * One agency's export lines by event id, with each line's commitment computed. Built in slices
 * (add(x, from, to)), so that the audit can hash the exports while it waits for the chain. The entries
 * are kept as columns (line number, source, kind, commitment bytes, used) over the exports' tables
 * (export-table.ts), the ids in an EventIdIndex: no object and no string key per line.
 */
export class ExportIndex {
  readonly ids = new EventIdIndex();
  readonly sources: string[] = [];
  lines = 0;
  private readonly tables: ExportTable[] = [];
  private lineNo = new Int32Array(0);
  private sourceNo = new Int32Array(0);
  private kinds = new Uint8Array(0);
  /** keccak256(salt ‖ dataDigest) of each entry, 32 bytes, where `hashed` (a line with both and not marked erased) */
  private commitments = Buffer.alloc(0);
  private hashed = new Uint8Array(0);
  /** entries matched by an on-chain step (matchCommitments) */
  used = new Uint8Array(0);

  constructor(readonly agency: number) {}

  /**
   * Index lines [from, to) of `x`; returns the position after the last one indexed. `precomputed`: the
   * lines' event ids and commitments where already computed (commitment-worker.ts).
   */
  add(x: AgencyExport, from = 0, to = x.lines.length, precomputed?: Precomputed): number {
    const table = tableOf(x.lines);
    if (from === 0) {
      this.sources.push(x.source);
      this.tables.push(table);
    }
    const source = this.sources.length - 1;
    const end = Math.min(to, table.length);
    this.reserve(this.lines + Math.max(0, end - from));
    for (let i = from; i < end; i++) {
      const k = this.lines++;
      this.lineNo[k] = i;
      this.sourceNo[k] = source;
      const inColumns = table.inColumns(i);
      if (precomputed?.hashed[i]) {
        this.commitments.set(precomputed.commitments.subarray(i * 32, i * 32 + 32), k * 32);
        this.hashed[k] = 1;
      } else if (inColumns) {
        if (table.hashable(i)) {
          this.commitments.set(keccakBytes(table.pairOf(i)), k * 32);
          this.hashed[k] = 1;
        }
      } else {
        const line = table.at(i)!;
        if (!line.erased && line.salt && line.dataDigest) {
          this.commitments.write(fastCommitmentOf(line.salt, line.dataDigest).slice(2), k * 32, 32, "hex");
          this.hashed[k] = 1;
        }
      }
      const seq = precomputed ? precomputed.seqs[i] : NaN;
      if (precomputed && !Number.isNaN(seq)) {
        // the worker's id: agency byte and a sequence number below DENSE_LIMIT
        const agency = precomputed.agencies[i];
        if (agency !== this.agency) this.kinds[k] = ENTRY_FOREIGN;
        else if (this.ids.getDense(agency, seq) !== undefined) this.kinds[k] = ENTRY_DUPLICATE;
        else this.ids.setDense(agency, seq, k);
      } else if (inColumns) {
        // the id's 8 bytes: agency byte first
        const bytes = table.idBytes(i);
        const at = table.idAt(i);
        if (bytes[at] !== this.agency) this.kinds[k] = ENTRY_FOREIGN;
        else if (this.ids.getAt(bytes, at) !== undefined) this.kinds[k] = ENTRY_DUPLICATE;
        else this.ids.setAt(bytes, at, k);
      } else {
        const key = eventKeyOf(BigInt(table.at(i)!.ledgerEventId));
        if (parseInt(key.slice(0, 2), 16) !== this.agency) this.kinds[k] = ENTRY_FOREIGN;
        else if (this.ids.has(key)) this.kinds[k] = ENTRY_DUPLICATE;
        else this.ids.set(key, k);
      }
    }
    return end;
  }

  /** The indexed entries (not duplicates, not of another agency) as [event key, commitment hex or undefined]. */
  entries(): [string, string | undefined][] {
    const out: [string, string | undefined][] = [];
    for (let k = 0; k < this.lines; k++) {
      if (this.kinds[k] === ENTRY_INDEXED) out.push([eventKeyOf(BigInt(this.line(k).ledgerEventId)), this.hashed[k] ? this.commitments.toString("hex", k * 32, k * 32 + 32) : undefined]);
    }
    return out;
  }

  /** Entry k's line as it was read (made anew from the table: for messages). */
  line(k: number): ExportLine {
    return this.tables[this.sourceNo[k]].at(this.lineNo[k])!;
  }

  sourceOf(k: number): string {
    return this.sources[this.sourceNo[k]];
  }

  kindOf(k: number): number {
    return this.kinds[k];
  }

  /** Whether entry k has a commitment and it equals the 32 bytes at `bytes[at..]`. */
  commitmentEquals(k: number, bytes: Uint8Array, at: number): boolean {
    if (!this.hashed[k]) return false;
    const c = this.commitments;
    const base = k * 32;
    for (let j = 0; j < 32; j++) if (c[base + j] !== bytes[at + j]) return false;
    return true;
  }

  /** Whether entry k's line gives exactly the case reference held at `bytes[at..at+32]` (as lower-case 0x-hex). */
  caseRefIs(k: number, bytes: Uint8Array, at: number): boolean {
    const table = this.tables[this.sourceNo[k]];
    const i = this.lineNo[k];
    if (table.inColumns(i)) return table.caseEquals(i, bytes, at);
    return table.at(i)!.caseRef === "0x" + Buffer.from(bytes.buffer, bytes.byteOffset + at, 32).toString("hex");
  }

  /** Make room for `n` entries in all (exactly, where the caller knows the count: no room to grow unused). */
  reserve(n: number, exact = false): void {
    if (this.kinds.length >= n) return;
    const size = exact ? n : Math.max(n, this.kinds.length * 2, 1024);
    const grow = <T extends Uint8Array | Int32Array>(a: T, per: number, make: (len: number) => T): T => {
      const b = make(size * per);
      b.set(a);
      return b;
    };
    this.kinds = grow(this.kinds, 1, (len) => new Uint8Array(len));
    this.hashed = grow(this.hashed, 1, (len) => new Uint8Array(len));
    this.used = grow(this.used, 1, (len) => new Uint8Array(len));
    this.lineNo = grow(this.lineNo, 1, (len) => new Int32Array(len));
    this.sourceNo = grow(this.sourceNo, 1, (len) => new Int32Array(len));
    this.commitments = grow(this.commitments, 32, (len) => Buffer.alloc(len));
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

  const used = index.used;
  const steps = replayer.steps;
  for (let i = 0; i < steps.length; i++) {
    if (steps.agency(i) !== agency) continue;
    counts.onChain++;
    const words = steps.recordOf(i);
    const at = steps.recordAt(i);
    const k = index.ids.getAt(words, at + 56);
    // the common outcome without making the step's object: matched, and its case not erased by the agency
    if (k !== undefined && index.commitmentEquals(k, words, at + 64) && index.caseRefIs(k, words, at) && !replayer.anyErasure) {
      used[k] = 1;
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
    used[k] = 1;
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
    } else if (!line.salt || !line.dataDigest) {
      counts.missing++;
      sink.add({ check: "commitments", kind: "export-line-incomplete", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `${name}'s export line for event ${eventId} has no salt or data digest and is not marked erased` });
    } else {
      counts.mismatched++;
      sink.add({ check: "commitments", kind: "commitment-mismatch", severity: "error", agency: name, eventId, caseRef: s.caseRef, blockNumber: s.block, message: `event ${eventId}: salt and data digest in ${name}'s export do not produce the on-chain commitment ${s.commitment}: the export line or the agency's data was altered` });
    }
  }

  const highest = replayer.maxSequence.get(agency) ?? "0".repeat(14);
  for (let k = 0; k < index.lines; k++) {
    if (used[k] || index.kindOf(k) !== ENTRY_INDEXED) continue;
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
