// The log tree's leaf hash (services/shared/commitments-log-root.ts) of the i-th StepRecorded as the audit
// holds the steps: a StepLog's record or a decoded event, without making a StepRecorded per step. Shared by
// the checkpoint roots (commitment-roots.ts) and the inclusion proofs (merkle.ts).
import { logLeafHashOfData } from "../shared/commitments-log-root";
import type { StepRecorded } from "./events";
import { StepLog } from "./step-log";

/** `record`: 96 bytes of scratch for a StepLog's record. */
export function logLeafHashOf(steps: StepLog | readonly StepRecorded[], i: number, record: Uint8Array): Uint8Array {
  if (steps instanceof StepLog) {
    steps.copyRecord(i, record, 0);
    return logLeafHashOfData(steps.block(i), steps.logIndex(i), record, 0);
  }
  const e = steps[i];
  return logLeafHashOfData(e.block, e.logIndex, e.words, e.at);
}
