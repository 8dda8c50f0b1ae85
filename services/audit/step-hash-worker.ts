// The cases' hash chains and the checkpoints' log-tree roots computed on a worker thread while the fetch
// phase replays the chain (the thread: step-hash-thread.ts): after each block range the steps it added go
// over (their records and case numbers, and their log leaves where roots are asked for), and when the last
// range is in, the heads and the roots at the heights asked for come back. Only speed: where no worker can
// be started, or it fails, the verify phase computes the same from the steps (compareHeads,
// CommitmentRoots.logRootsAt).
import type { Worker } from "node:worker_threads";
import { writeLogLeafInput } from "./commitment-log-leaf";
import { CaseHeadChains } from "./case-head-chains";
import { CASE_NO_AT, RECORD_AT, STEP_STRIDE, type StepHashMessage, type StepHashRequest, type StepRun } from "./step-hash-thread";
import type { StepLog } from "./step-log";
import { startThread } from "./threads";

/**
 * Bytes of steps handed over and not yet hashed, at most (about 200,000 steps of 165 bytes): on two cores
 * the thread shares them with the main thread, a local node and the commitment thread, and catches up
 * while the main thread reads case heads and verifies; beyond this the reading waits for it, so that the
 * memory of the leaves queued stays bounded instead of growing with the events.
 */
const MAX_IN_FLIGHT_BYTES = 32 * 2 ** 20;

/** What the thread computed over every step fed to it. */
export interface StepHashes {
  heads: CaseHeadChains;
  /** the log tree's root at each height asked for */
  roots: Map<number, string>;
}

export class StepHashWorker {
  private fed = 0;
  private failed = false;
  private inFlightBytes = 0;
  private readonly spare: ArrayBuffer[] = [];
  private room: (() => void) | undefined;
  private done: ((hashes: StepHashes | undefined) => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly leaves: boolean,
  ) {
    const fail = () => {
      this.failed = true;
      this.done?.(undefined);
      this.done = undefined;
      this.wake();
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    worker.on("message", (m: StepHashMessage) => {
      if ("failed" in m) return fail();
      if ("spare" in m) {
        this.spare.push(m.spare);
        this.inFlightBytes -= m.spare.byteLength;
        this.wake();
      } else if ("roots" in m) {
        this.done?.({ heads: new CaseHeadChains(m.heads, m.cases), roots: new Map(m.roots) });
        this.done = undefined;
      }
    });
  }

  /** A worker computing the case heads and the log-tree roots at `heights`, once it is ready; undefined when none could be started. */
  static async start(heights: readonly number[]): Promise<StepHashWorker | undefined> {
    const worker = await startThread("step-hash-thread", { heights: [...new Set(heights)].sort((a, b) => a - b) });
    return worker && new StepHashWorker(worker, heights.length > 0);
  }

  private wake(): void {
    const room = this.room;
    this.room = undefined;
    room?.();
  }

  /** Hand over the steps added since the last call (steps are only ever appended); waits while MAX_IN_FLIGHT_BYTES are unhashed. */
  async feed(steps: StepLog, maxInFlightBytes = MAX_IN_FLIGHT_BYTES): Promise<void> {
    while (this.inFlightBytes >= maxInFlightBytes && !this.failed) await new Promise<void>((resolve) => (this.room = resolve));
    const count = steps.length - this.fed;
    if (this.failed || count <= 0) return;
    const reuse = this.spare.pop();
    const run = reuse && reuse.byteLength >= count * STEP_STRIDE ? new Uint8Array(reuse) : new Uint8Array(count * STEP_STRIDE);
    const view = new DataView(run.buffer);
    for (let k = 0, at = 0; k < count; k++, at += STEP_STRIDE) {
      const i = this.fed + k;
      if (this.leaves) writeLogLeafInput(steps, i, run, at);
      else steps.copyRecord(i, run, at + RECORD_AT);
      view.setUint32(at + CASE_NO_AT, steps.caseNo(i), true);
    }
    this.fed += count;
    this.inFlightBytes += run.byteLength;
    this.worker.postMessage({ steps: run, count } satisfies StepRun as StepHashRequest, [run.buffer]);
  }

  /** The heads and roots over every step fed; undefined when the worker failed. Ends the worker. */
  async hashes(): Promise<StepHashes | undefined> {
    if (this.failed) return undefined;
    const result = new Promise<StepHashes | undefined>((resolve) => (this.done = resolve));
    this.worker.postMessage({ finish: true } satisfies StepHashRequest);
    const hashes = await result;
    this.close();
    return hashes;
  }

  close(): void {
    this.failed = true;
    void this.worker.terminate();
  }
}
