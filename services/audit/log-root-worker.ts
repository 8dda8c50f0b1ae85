// The checkpoints' log-tree roots (commitment-roots.ts, logRootsAt) computed on a worker thread while the
// fetch phase replays the chain (the thread: log-root-thread.ts): after each block range the steps it added
// go over as leaves (160 bytes each, commitment-leaf.ts), and when the last range is in, the roots at
// the heights asked for come back. Only speed: where no worker can be started, or it fails, the verify
// phase computes the same roots itself from the steps (CommitmentRoots.logRootsAt).
import type { Worker } from "node:worker_threads";
import { writeLogLeafInput } from "./commitment-log-leaf";
import type { StepRecorded } from "./events";
import { LEAF_STRIDE, type LeafRun, type LogRootMessage, type LogRootRequest } from "./log-root-thread";
import type { StepLog } from "./step-log";
import { startThread } from "./threads";

/**
 * Bytes of leaves handed over and not yet hashed, at most (about 200,000 leaves of 161 bytes): on two cores
 * the thread shares them with the main thread, a local node and the commitment thread, and catches up
 * while the main thread reads case heads and verifies; beyond this the reading waits for it, so that the
 * memory of the leaves queued stays bounded instead of growing with the events.
 */
const MAX_IN_FLIGHT_BYTES = 32 * 2 ** 20;

export class LogRootWorker {
  private fed = 0;
  private failed = false;
  private inFlightBytes = 0;
  private readonly spare: ArrayBuffer[] = [];
  private room: (() => void) | undefined;
  private done: ((roots: Map<number, string> | undefined) => void) | undefined;

  private constructor(private readonly worker: Worker) {
    const fail = () => {
      this.failed = true;
      this.done?.(undefined);
      this.done = undefined;
      this.wake();
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    worker.on("message", (m: LogRootMessage) => {
      if ("failed" in m) return fail();
      if ("spare" in m) {
        this.spare.push(m.spare);
        this.inFlightBytes -= m.spare.byteLength;
        this.wake();
      } else if ("roots" in m) {
        this.done?.(new Map(m.roots));
        this.done = undefined;
      }
    });
  }

  /** A worker computing the roots at `heights`, once it is ready; undefined when none are asked for or none could be started. */
  static async start(heights: readonly number[]): Promise<LogRootWorker | undefined> {
    if (heights.length === 0) return undefined;
    const worker = await startThread("log-root-thread", { heights: [...new Set(heights)].sort((a, b) => a - b) });
    return worker && new LogRootWorker(worker);
  }

  private wake(): void {
    const room = this.room;
    this.room = undefined;
    room?.();
  }

  /** Hand over the steps added since the last call (steps are only ever appended); waits while MAX_IN_FLIGHT_BYTES are unhashed. */
  async feed(steps: StepLog | readonly StepRecorded[], maxInFlightBytes = MAX_IN_FLIGHT_BYTES): Promise<void> {
    while (this.inFlightBytes >= maxInFlightBytes && !this.failed) await new Promise<void>((resolve) => (this.room = resolve));
    const count = steps.length - this.fed;
    if (this.failed || count <= 0) return;
    const reuse = this.spare.pop();
    const leaves = reuse && reuse.byteLength >= count * LEAF_STRIDE ? new Uint8Array(reuse) : new Uint8Array(count * LEAF_STRIDE);
    for (let k = 0; k < count; k++) writeLogLeafInput(steps, this.fed + k, leaves, k * LEAF_STRIDE);
    this.fed += count;
    this.inFlightBytes += leaves.byteLength;
    this.worker.postMessage({ leaves, count } satisfies LeafRun as LogRootRequest, [leaves.buffer]);
  }

  /** The roots at the heights asked for, after every step was fed; undefined when the worker failed. Ends the worker. */
  async roots(): Promise<Map<number, string> | undefined> {
    if (this.failed) return undefined;
    const result = new Promise<Map<number, string> | undefined>((resolve) => (this.done = resolve));
    this.worker.postMessage({ finish: true } satisfies LogRootRequest);
    const roots = await result;
    this.close();
    return roots;
  }

  close(): void {
    this.failed = true;
    void this.worker.terminate();
  }
}
