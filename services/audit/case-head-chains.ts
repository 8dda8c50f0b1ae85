// The cases' hash chains as the contract keeps them (ProcedureLedger: each step sets
// head' = bytes24(keccak256(head ‖ caseRef ‖ packedStep ‖ commitment)), from a zero head), recomputed from
// the steps in log order. One keccak a step: at a million steps about 1.4 s, so the audit runs it on the
// step-hash thread (step-hash-thread.ts) while the main thread reads and replays the next block ranges;
// compareHeads (replay.ts) falls back to computing it here from the StepLog where no thread ran.
import { keccakBytes } from "../shared/keccak";
import type { StepLog } from "./step-log";

/** bytes of a head (bytes24) */
export const HEAD_BYTES = 24;
/** bytes of a step's record: case reference, packed step, commitment */
export const RECORD_BYTES = 96;

export class CaseHeadChains {
  private heads: Uint8Array;
  /** cases seen: one more than the highest case number added */
  cases: number;
  private readonly input = new Uint8Array(HEAD_BYTES + RECORD_BYTES);

  /** Empty, or the heads of `cases` cases as a thread handed them back (HEAD_BYTES each). */
  constructor(heads?: ArrayBuffer, cases = 0) {
    this.heads = heads ? new Uint8Array(heads) : new Uint8Array(HEAD_BYTES * 1024);
    this.cases = cases;
  }

  /** The step of case number `caseNo` whose record is `record[at..at+96)`: its case's head moves on. */
  add(caseNo: number, record: Uint8Array, at: number): void {
    if (caseNo >= this.cases) {
      this.cases = caseNo + 1;
      if (this.cases * HEAD_BYTES > this.heads.length) {
        const grown = new Uint8Array(Math.max(this.heads.length * 2, this.cases * HEAD_BYTES));
        grown.set(this.heads);
        this.heads = grown;
      }
    }
    const input = this.input;
    const heads = this.heads;
    const h = caseNo * HEAD_BYTES;
    for (let k = 0; k < HEAD_BYTES; k++) input[k] = heads[h + k];
    for (let k = 0; k < RECORD_BYTES; k++) input[HEAD_BYTES + k] = record[at + k];
    const digest = keccakBytes(input);
    for (let k = 0; k < HEAD_BYTES; k++) heads[h + k] = digest[k];
  }

  /** Every step of `steps` from `from` on, in log order. */
  addSteps(steps: StepLog, from = 0): this {
    const record = new Uint8Array(RECORD_BYTES);
    for (let i = from; i < steps.length; i++) {
      steps.copyRecord(i, record, 0);
      this.add(steps.caseNo(i), record, 0);
    }
    return this;
  }

  /** The head of case number `caseNo` as 48 lowercase hex digits (zero for a case without steps). */
  headHex(caseNo: number): string {
    if (caseNo >= this.cases) return "00".repeat(HEAD_BYTES);
    return Buffer.from(this.heads.buffer, this.heads.byteOffset + caseNo * HEAD_BYTES, HEAD_BYTES).toString("hex");
  }

  /** The heads' memory, to hand over to another thread (with `cases`); this object is not used afterwards. */
  release(): ArrayBuffer {
    return this.heads.buffer as ArrayBuffer;
  }
}
