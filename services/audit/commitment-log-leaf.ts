// The log tree's leaf (services/shared/commitments-log-root.ts) of the i-th StepRecorded as the audit holds
// the steps: a StepLog's record or a decoded event, without making a StepRecorded per step. Shared by the
// checkpoint roots (commitment-roots.ts), the inclusion proofs (merkle.ts) and the step-hash thread's
// leaves (step-hash-worker.ts).
import { encodeCommitmentLeafOfData } from "../shared/commitment-leaf";
import { LOG_LEAF_INPUT_BYTES, logLeafHashOfInput } from "../shared/commitments-log-root";
import type { StepRecorded } from "./events";
import { StepLog } from "./step-log";

/** Write the leaf hash's input of step i (LOG_LEAF_INPUT_BYTES: 0x00, then the leaf) at `at` of `into`. */
export function writeLogLeafInput(steps: StepLog | readonly StepRecorded[], i: number, into: Uint8Array<ArrayBuffer>, at: number): void {
  into[at] = 0;
  if (steps instanceof StepLog) {
    // The record (caseRef, packedStep, commitment) straight to its place; the two words before it are written around it.
    steps.copyRecord(i, into, at + 65);
    encodeCommitmentLeafOfData(steps.block(i), steps.logIndex(i), into, at + 65, into, at + 1);
  } else {
    const e = steps[i];
    encodeCommitmentLeafOfData(e.block, e.logIndex, e.words, e.at, into, at + 1);
  }
}

const input = new Uint8Array(LOG_LEAF_INPUT_BYTES);

/** The log tree's leaf hash of step i. */
export function logLeafHashOf(steps: StepLog | readonly StepRecorded[], i: number): Uint8Array {
  writeLogLeafInput(steps, i, input, 0);
  return logLeafHashOfInput(input);
}
