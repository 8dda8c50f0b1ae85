// The log-root worker's thread (started by log-root-worker.ts; runs nothing when imported elsewhere): the
// RFC 6962 log tree (services/shared/commitments-log-root.ts) over the StepRecorded leaves the main thread
// hands over as it replays them, in log order, with the root recorded at each checkpoint height asked for.
// The leaf hashes (one SHA-256 a step) and the frontier's node hashes were the audit's largest added cost
// with checkpoints (3.4–3.9 s of the main thread at a million steps); here they run while the main thread
// verifies the next block ranges.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { LOG_LEAF_INPUT_BYTES, LogTreeFrontier, logLeafHashOfInput } from "../shared/commitments-log-root";

/** Bytes per leaf as handed over: the leaf hash's input (0x00, then the 160 bytes of commitment-leaf.ts). */
export const LEAF_STRIDE = LOG_LEAF_INPUT_BYTES;

/** A run of leaves in log order: `count` of them, LEAF_STRIDE bytes each. */
export interface LeafRun {
  leaves: Uint8Array<ArrayBuffer>;
  count: number;
}

export type LogRootRequest = LeafRun | { finish: true };

export type LogRootMessage =
  | { ready: true }
  | { failed: string }
  /** the memory of a run, hashed, for the next */
  | { spare: ArrayBuffer }
  /** the root at each height asked for, ascending */
  | { roots: [number, string][] };

/** The block number in a handed-over leaf (its first word, a uint256 below 2^53). */
function blockOf(leaves: Uint8Array, at: number): number {
  const view = new DataView(leaves.buffer, leaves.byteOffset + at + 1 + 24, 8);
  return view.getUint32(0) * 0x100000000 + view.getUint32(4);
}

/** The frontier over runs of leaves, the root kept at each of `heights` (ascending) once the leaves pass it. */
export class LogRootsAlong {
  readonly tree = new LogTreeFrontier();
  private next = 0;
  readonly roots: [number, string][] = [];

  constructor(private readonly heights: readonly number[]) {}

  add(run: LeafRun): void {
    const { leaves, count } = run;
    const h = this.heights;
    for (let k = 0, at = 0; k < count; k++, at += LEAF_STRIDE) {
      const block = blockOf(leaves, at);
      while (this.next < h.length && h[this.next] < block) this.roots.push([h[this.next++], this.tree.root()]);
      this.tree.append(logLeafHashOfInput(leaves.subarray(at, at + LEAF_STRIDE)));
    }
  }

  /** The roots at every height, those after the last leaf included. */
  finish(): [number, string][] {
    while (this.next < this.heights.length) this.roots.push([this.heights[this.next++], this.tree.root()]);
    return this.roots;
  }
}

function serve(port: MessagePort, heights: number[]): void {
  const along = new LogRootsAlong(heights);
  port.on("message", (m: LogRootRequest) => {
    try {
      if ("finish" in m) {
        port.postMessage({ roots: along.finish() } satisfies LogRootMessage);
        return;
      }
      along.add(m);
      port.postMessage({ spare: m.leaves.buffer } satisfies LogRootMessage, [m.leaves.buffer]);
    } catch (err) {
      port.postMessage({ failed: String(err) } satisfies LogRootMessage);
    }
  });
  port.postMessage({ ready: true } satisfies LogRootMessage);
}

if (parentPort) serve(parentPort, (workerData as { heights: number[] }).heights);
