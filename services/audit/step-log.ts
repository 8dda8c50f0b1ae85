// Every StepRecorded the replay saw, in log order, held as columns instead of one object per step: at
// national scale (a million steps and more) one object each, with its record buffer, block time and
// per-case index lists, took about 200 bytes a step on the JavaScript heap. The steps must stay to the
// end of the audit: the exports' commitments, the checkpoints' commitments roots, an agency database and
// the compliance lists are checked against them after the last block range (erasures and checkpoints
// further down the log decide how an earlier step is judged). So a step keeps only what is its own: its
// packed step word and commitment (64 bytes), log index, case number and the step before it in its case
// (12 bytes): 76 bytes, in pages of which only the ones used last stay in memory, the others in a
// temporary file (spill-pages.ts): memory does not grow with the steps. A step's link goes to the step
// before it, written with the step itself, so that no page is written again once it is full. What steps
// share is kept once, in memory: the case reference per case (32 bytes a case), block number, block time
// and block hash per run of steps in one block, the transaction hash per run of steps in one transaction
// (looked up by binary search, the last run found first). `at(i)` makes a StepRecorded when a check or
// the report needs one.
import { StepRecorded } from "./events";
import { SpillPages } from "./spill-pages";

// Small pages: a case's steps are read by their links, one page for each.
const PAGE_BITS = 10;
const PAGE = 1 << PAGE_BITS;
const MASK = PAGE - 1;
/** bytes per step: packed step word and commitment (64), then log index, case number, the step before it in its case (-1: none) */
const STEP_BYTES = 76;
const INTS = STEP_BYTES >> 2;
/** where a step's ints start among its page's 4-byte words */
const INTS_AT = 16;
/** pages held in memory (about 5 MiB) */
const CACHE_PAGES = 64;

interface StepPage {
  bytes: Buffer;
  ints: Int32Array;
}
const CASE_CHUNK_BITS = 12;
const CASE_CHUNK = 1 << CASE_CHUNK_BITS;

/** Runs of consecutive steps that share a value: the first step of each run, ascending. */
class Runs {
  length = 0;
  starts = new Int32Array(64);
  private last = 0;

  /** Open a run at step i; its number. */
  open(i: number): number {
    if (this.length === this.starts.length) {
      const grown = new Int32Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.length] = i;
    return this.length++;
  }

  /** The run holding step i (i below the log's length). */
  of(i: number): number {
    const s = this.starts;
    const k = this.last;
    // Steps are mostly read in order: the run found last or the next one.
    if (s[k] <= i && (k + 1 >= this.length || s[k + 1] > i)) return k;
    if (k + 1 < this.length && s[k + 1] <= i && (k + 2 >= this.length || s[k + 2] > i)) return (this.last = k + 1);
    let lo = 0;
    let hi = this.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (s[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return (this.last = lo);
  }
}

export class StepLog implements Iterable<StepRecorded> {
  length = 0;
  private readonly pages: SpillPages<StepPage>;
  /** case references by case number, 32 bytes each */
  private readonly caseChunks: Buffer[] = [];
  private cases = 0;
  /** per block run: block number, block time (unix seconds), block hash */
  private readonly blockRuns = new Runs();
  private readonly runBlocks: number[] = [];
  private readonly runTimes: number[] = [];
  private readonly runHashes: string[] = [];
  /** per transaction run: its hash */
  private readonly txRuns = new Runs();
  private readonly txHashes: string[] = [];

  constructor(
    /** case references by case number (the replay's order of first appearance) */
    private readonly caseRefs: readonly string[],
    cachePages = CACHE_PAGES,
  ) {
    this.pages = new SpillPages(PAGE * STEP_BYTES, cachePages, (b) => ({ bytes: Buffer.from(b), ints: new Int32Array(b) }));
  }

  /** Append a step of case number `caseNo` with its block's time, after step `prev` of its case (-1: its first); returns its index. */
  push(e: StepRecorded, time: number, caseNo: number, prev: number): number {
    const i = this.length++;
    const o = i & MASK;
    const page = this.pages.page(i >> PAGE_BITS, true);
    e.words.copy(page.bytes, o * STEP_BYTES, e.at + 32, e.at + 96);
    const ints = page.ints;
    const n = o * INTS + INTS_AT;
    ints[n] = e.logIndex;
    ints[n + 1] = caseNo;
    ints[n + 2] = prev;
    while (this.cases <= caseNo) this.addCase(this.cases === caseNo ? e : undefined);
    const b = this.blockRuns.length - 1;
    if (b < 0 || this.runBlocks[b] !== e.block || this.runTimes[b] !== time || this.runHashes[b] !== e.blockHash) {
      this.blockRuns.open(i);
      this.runBlocks.push(e.block);
      this.runTimes.push(time);
      this.runHashes.push(e.blockHash);
    }
    const t = this.txHashes.length - 1;
    if (t < 0 || this.txHashes[t] !== e.txHash) {
      this.txRuns.open(i);
      this.txHashes.push(e.txHash);
    }
    return i;
  }

  /** The next case's reference bytes: the step's (its first step), or from caseRefs. */
  private addCase(e: StepRecorded | undefined): void {
    const n = this.cases++;
    const c = n >> CASE_CHUNK_BITS;
    if (c === this.caseChunks.length) this.caseChunks.push(Buffer.alloc(CASE_CHUNK * 32));
    const at = (n & (CASE_CHUNK - 1)) * 32;
    if (e) e.words.copy(this.caseChunks[c], at, e.at, e.at + 32);
    else this.caseChunks[c].write(this.caseRefs[n].slice(2), at, 32, "hex");
  }

  /** The step before step i in its case, or -1. */
  prevInCase(i: number): number {
    return this.int(i, 2);
  }

  /** Int k of step i (0 log index, 1 case number, 2 the step before it in its case). */
  private int(i: number, k: number): number {
    return this.pages.page(i >> PAGE_BITS).ints[(i & MASK) * INTS + INTS_AT + k];
  }

  /** Step i (made anew, with a record of its own: for checks and messages that need its fields). */
  at(i: number): StepRecorded | undefined {
    if (i < 0 || i >= this.length) return undefined;
    // all 96 bytes written here; a pooled buffer starts on an 8-byte boundary (as StepRecorded asks)
    const words = Buffer.allocUnsafe(96);
    this.copyRecord(i, words, 0);
    const b = this.blockRuns.of(i);
    return new StepRecorded(this.runBlocks[b], this.logIndex(i), this.runHashes[b], this.txHashes[this.txRuns.of(i)], this.caseRefs[this.caseNo(i)], words, 0);
  }

  /** Write step i's record as a log holds it (case reference, packed step, commitment: 96 bytes) to `into[at..]`. */
  copyRecord(i: number, into: Uint8Array, at: number): void {
    const caseNo = this.caseNo(i);
    const cases = this.caseChunks[caseNo >> CASE_CHUNK_BITS];
    const ca = (caseNo & (CASE_CHUNK - 1)) * 32;
    into.set(cases.subarray(ca, ca + 32), at);
    const r = (i & MASK) * STEP_BYTES;
    into.set(this.pages.page(i >> PAGE_BITS).bytes.subarray(r, r + 64), at + 32);
  }

  block(i: number): number {
    return this.runBlocks[this.blockRuns.of(i)];
  }

  logIndex(i: number): number {
    return this.int(i, 0);
  }

  /** the block time (unix seconds) of step i */
  time(i: number): number {
    return this.runTimes[this.blockRuns.of(i)];
  }

  /**
   * The buffer holding step i's packed step word and commitment (64 bytes from `recordAt(i)`): valid
   * until other steps far from it are read.
   */
  recordOf(i: number): Buffer {
    return this.pages.page(i >> PAGE_BITS).bytes;
  }

  /** where step i's packed step word starts in recordOf(i) (its event id at +24, its commitment at +32) */
  recordAt(i: number): number {
    return (i & MASK) * STEP_BYTES;
  }

  /** The buffer holding the case reference of case number `caseNo` (32 bytes from `caseRefAt(caseNo)`). */
  caseRefOf(caseNo: number): Buffer {
    return this.caseChunks[caseNo >> CASE_CHUNK_BITS];
  }

  caseRefAt(caseNo: number): number {
    return (caseNo & (CASE_CHUNK - 1)) * 32;
  }

  /** the agency byte of step i's event id */
  agency(i: number): number {
    return this.recordOf(i)[(i & MASK) * STEP_BYTES + 24];
  }

  /** the step code of step i */
  step(i: number): number {
    return this.recordOf(i)[(i & MASK) * STEP_BYTES + 23];
  }

  /** the detail code of step i, as StepRecorded.detailNum */
  detailNum(i: number): number {
    const r = this.recordOf(i);
    const p = (i & MASK) * STEP_BYTES;
    return r.readUInt32BE(p + 15) * 0x1_0000_0000 + r.readUInt32BE(p + 19);
  }

  /** the business date of step i, as StepRecorded.businessDate */
  businessDate(i: number): number {
    return this.recordOf(i).readUInt32BE((i & MASK) * STEP_BYTES + 11);
  }

  caseNo(i: number): number {
    return this.int(i, 1);
  }

  /** Whether steps went to the spill file (more than fit in the pages held in memory). */
  get spilled(): boolean {
    return this.pages.spilled;
  }

  /** Close the spill file: the log is not read any more. */
  close(): void {
    this.pages.close();
  }

  *[Symbol.iterator](): Iterator<StepRecorded> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}
