// Every StepRecorded the replay saw, in log order, held as columns instead of one object per step: at
// national scale (a million steps and more) one object each, with its record buffer, block time and
// per-case index lists, took about 200 bytes a step on the JavaScript heap. Here a step is its 96-byte
// record (case reference, packed step, commitment), block, log index, block time, case number and the
// numbers of its block hash and transaction hash (strings kept once each, consecutive repeats shared),
// and the next step of its case: 132 bytes, in chunks that are never copied. `at(i)` makes a StepRecorded
// when a check or the report needs one. Pure, no I/O.
import { StepRecorded } from "./events";

const CHUNK_BITS = 15;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
const RECORD = 96;
// ints per step: log index, case number, block hash #, tx hash #, next step of the case (-1: none)
const INTS = 5;

export class StepLog implements Iterable<StepRecorded> {
  length = 0;
  private readonly records: Buffer[] = [];
  /** block number and block time (unix seconds), two per step */
  private readonly numbers: Float64Array[] = [];
  private readonly ints: Int32Array[] = [];
  private readonly blockHashes: string[] = [];
  private readonly txHashes: string[] = [];

  constructor(
    /** case references by case number (the replay's order of first appearance) */
    private readonly caseRefs: readonly string[],
  ) {}

  /** Append a step of case number `caseNo` with its block's time; returns its index. */
  push(e: StepRecorded, time: number, caseNo: number): number {
    const i = this.length++;
    const c = i >> CHUNK_BITS;
    if (c === this.records.length) {
      this.records.push(Buffer.alloc(CHUNK * RECORD));
      this.numbers.push(new Float64Array(CHUNK * 2));
      this.ints.push(new Int32Array(CHUNK * INTS));
    }
    const o = i & MASK;
    e.words.copy(this.records[c], o * RECORD, e.at, e.at + RECORD);
    const nums = this.numbers[c];
    nums[o * 2] = e.block;
    nums[o * 2 + 1] = time;
    const ints = this.ints[c];
    const n = o * INTS;
    ints[n] = e.logIndex;
    ints[n + 1] = caseNo;
    ints[n + 2] = numberOf(this.blockHashes, e.blockHash);
    ints[n + 3] = numberOf(this.txHashes, e.txHash);
    ints[n + 4] = -1;
    return i;
  }

  /** Link step `next` as the step after `prev` in its case. */
  linkNext(prev: number, next: number): void {
    this.ints[prev >> CHUNK_BITS][(prev & MASK) * INTS + 4] = next;
  }

  /** The step after step i in its case, or -1. */
  nextInCase(i: number): number {
    return this.ints[i >> CHUNK_BITS][(i & MASK) * INTS + 4];
  }

  /** Step i (made anew: for checks and messages that need its fields). */
  at(i: number): StepRecorded | undefined {
    if (i < 0 || i >= this.length) return undefined;
    const c = i >> CHUNK_BITS;
    const o = i & MASK;
    const ints = this.ints[c];
    const n = o * INTS;
    return new StepRecorded(this.numbers[c][o * 2], ints[n], this.blockHashes[ints[n + 2]], this.txHashes[ints[n + 3]], this.caseRefs[ints[n + 1]], this.records[c], o * RECORD);
  }

  block(i: number): number {
    return this.numbers[i >> CHUNK_BITS][(i & MASK) * 2];
  }

  logIndex(i: number): number {
    return this.ints[i >> CHUNK_BITS][(i & MASK) * INTS];
  }

  /** the block time (unix seconds) of step i */
  time(i: number): number {
    return this.numbers[i >> CHUNK_BITS][(i & MASK) * 2 + 1];
  }

  /** The buffer holding step i's record (96 bytes from `recordAt(i)`: case reference, packed step, commitment). */
  recordOf(i: number): Buffer {
    return this.records[i >> CHUNK_BITS];
  }

  recordAt(i: number): number {
    return (i & MASK) * RECORD;
  }

  /** the agency byte of step i's event id */
  agency(i: number): number {
    return this.records[i >> CHUNK_BITS][(i & MASK) * RECORD + 56];
  }

  /** the step code of step i */
  step(i: number): number {
    return this.records[i >> CHUNK_BITS][(i & MASK) * RECORD + 55];
  }

  caseNo(i: number): number {
    return this.ints[i >> CHUNK_BITS][(i & MASK) * INTS + 1];
  }

  *[Symbol.iterator](): Iterator<StepRecorded> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}

/** The number of `s` in `list`, appended when it differs from the last one (consecutive steps share it). */
function numberOf(list: string[], s: string): number {
  const last = list.length - 1;
  if (last >= 0 && list[last] === s) return last;
  list.push(s);
  return last + 1;
}
