// Starting the audit's worker threads (commitment-thread.ts, step-hash-thread.ts) and its QBFT seal-check process
// (consensus/seal-check-process.ts, started by consensus/seal-check-worker.ts): each module lies next to
// this one or below it, as TypeScript under tsx (or JavaScript once compiled), and says { ready: true } once it can take
// work. A worker does not take tsx's ESM loader that `tsx file.ts` passes on in execArgv (it cannot
// resolve a .ts entry with it), and under `mocha -r tsx` there is none to inherit: tsx's CommonJS hook,
// given explicitly, loads it in both.
import { extname, join } from "node:path";
import type { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";

/** What a worker thread or child process of the audit needs to load TypeScript modules (none once compiled). */
export const EXEC_ARGV = extname(__filename) === ".ts" ? ["--require", require.resolve("tsx/cjs")] : undefined;

/**
 * `child` (a worker thread or a child process) once its first message says { ready: true }; undefined, and
 * `end` called, when it says anything else first; undefined when it fails or exits first.
 */
export function whenReady<C extends EventEmitter>(child: C, end: () => void): Promise<C | undefined> {
  return new Promise((resolve) => {
    const early = (m: unknown) => {
      child.off("message", early);
      child.off("error", gone);
      child.off("exit", gone);
      if (typeof m === "object" && m !== null && "ready" in m) resolve(child);
      else {
        end();
        resolve(undefined);
      }
    };
    const gone = () => resolve(undefined);
    child.on("message", early);
    child.on("error", gone);
    child.on("exit", gone);
  });
}

/** The worker running `name` (e.g. "commitment-thread"), once it said it is ready; undefined where none could be started. */
export function startThread(name: string, workerData?: unknown): Promise<Worker | undefined> {
  let worker: Worker;
  try {
    worker = new Worker(join(__dirname, `${name}${extname(__filename)}`), { execArgv: EXEC_ARGV, workerData });
  } catch {
    return Promise.resolve(undefined);
  }
  return whenReady(worker, () => void worker.terminate());
}
