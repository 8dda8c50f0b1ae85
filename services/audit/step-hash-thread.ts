// The step-hash worker's thread (started by step-hash-worker.ts; runs nothing when imported elsewhere): the
// hashing the audit does over every step in log order, on the steps the main thread hands over as it
// replays them:
// - the cases' hash chains (case-head-chains.ts: one keccak a step), compared with the contract's heads;
// - where checkpoints sign a log tree, the RFC 6962 tree (services/shared/commitments-log-root.ts), with the
//   root recorded at each checkpoint height asked for (one SHA-256 a leaf, plus the frontier's nodes).
// Both cost seconds of the main thread at a million steps (1.4 s and 3.4–3.9 s); here they run while it
// reads and replays the next block ranges.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { initFastKeccak } from "../shared/keccak";
import { LOG_LEAF_INPUT_BYTES, LogTreeFrontier, logLeafHashOfInput } from "../shared/commitments-log-root";
import { CaseHeadChains } from "./case-head-chains";

/**
 * Bytes per step as handed over: the log leaf hash's input (0x00, then the 160 bytes of commitment-leaf.ts:
 * block, log index, case reference, packed step, commitment), then the case number (uint32, little endian).
 * Without log roots to compute, only the record (from byte RECORD_AT) and the case number are written.
 */
export const STEP_STRIDE = LOG_LEAF_INPUT_BYTES + 4;
/** where the step's record (case reference, packed step, commitment) starts in its stride */
export const RECORD_AT = LOG_LEAF_INPUT_BYTES - 96;
/** where the case number starts in its stride */
export const CASE_NO_AT = LOG_LEAF_INPUT_BYTES;

/** A run of steps in log order: `count` of them, STEP_STRIDE bytes each. */
export interface StepRun {
  steps: Uint8Array<ArrayBuffer>;
  count: number;
}

export type StepHashRequest = StepRun | { finish: true };

export type StepHashMessage =
  | { ready: true }
  | { failed: string }
  /** the memory of a run, hashed, for the next */
  | { spare: ArrayBuffer }
  /** the root at each height asked for, ascending; the heads of `cases` cases, HEAD_BYTES each */
  | { roots: [number, string][]; heads: ArrayBuffer; cases: number };

/** The block number in a handed-over leaf (its first word, a uint256 below 2^53). */
function blockOf(steps: Uint8Array, at: number): number {
  const view = new DataView(steps.buffer, steps.byteOffset + at + 1 + 24, 8);
  return view.getUint32(0) * 0x100000000 + view.getUint32(4);
}

/** The hashing over runs of steps: the case heads always, the log tree's root at each of `heights` (ascending) once the leaves pass it. */
export class StepHashesAlong {
  readonly heads = new CaseHeadChains();
  readonly tree = new LogTreeFrontier();
  private next = 0;
  readonly roots: [number, string][] = [];

  constructor(private readonly heights: readonly number[]) {}

  /** Whether the runs must carry the log leaves (block and log index too), not only the records. */
  get wantsLeaves(): boolean {
    return this.heights.length > 0;
  }

  add(run: StepRun): void {
    const { steps, count } = run;
    const h = this.heights;
    const leaves = this.wantsLeaves;
    const view = new DataView(steps.buffer, steps.byteOffset, steps.byteLength);
    for (let k = 0, at = 0; k < count; k++, at += STEP_STRIDE) {
      this.heads.add(view.getUint32(at + CASE_NO_AT, true), steps, at + RECORD_AT);
      if (!leaves) continue;
      const block = blockOf(steps, at);
      while (this.next < h.length && h[this.next] < block) this.roots.push([h[this.next++], this.tree.root()]);
      this.tree.append(logLeafHashOfInput(steps.subarray(at, at + LOG_LEAF_INPUT_BYTES)));
    }
  }

  /** The roots at every height, those after the last leaf included. */
  finish(): [number, string][] {
    while (this.next < this.heights.length) this.roots.push([this.heights[this.next++], this.tree.root()]);
    return this.roots;
  }
}

function serve(port: MessagePort, heights: number[]): void {
  const along = new StepHashesAlong(heights);
  port.on("message", (m: StepHashRequest) => {
    try {
      if ("finish" in m) {
        const roots = along.finish();
        const heads = along.heads.release();
        port.postMessage({ roots, heads, cases: along.heads.cases } satisfies StepHashMessage, [heads]);
        return;
      }
      along.add(m);
      port.postMessage({ spare: m.steps.buffer } satisfies StepHashMessage, [m.steps.buffer]);
    } catch (err) {
      port.postMessage({ failed: String(err) } satisfies StepHashMessage);
    }
  });
  // hash-wasm's keccak, as the main thread uses it (ethers' would take six times as long)
  void initFastKeccak().then(() => port.postMessage({ ready: true } satisfies StepHashMessage));
}

if (parentPort) serve(parentPort, (workerData as { heights: number[] }).heights);
