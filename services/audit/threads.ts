// Starting the audit's worker threads (commitment-thread.ts, step-hash-thread.ts): each module lies next to
// this one, as TypeScript under tsx (or JavaScript once compiled), and says { ready: true } once it can take
// work. A worker does not take tsx's ESM loader that `tsx file.ts` passes on in execArgv (it cannot
// resolve a .ts entry with it), and under `mocha -r tsx` there is none to inherit: tsx's CommonJS hook,
// given explicitly, loads it in both.
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";

/** What a worker thread or child process of the audit needs to load TypeScript modules (none once compiled). */
export const EXEC_ARGV = extname(__filename) === ".ts" ? ["--require", require.resolve("tsx/cjs")] : undefined;

/** The worker running `name` (e.g. "commitment-thread"), once it said it is ready; undefined where none could be started. */
export function startThread(name: string, workerData?: unknown): Promise<Worker | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(join(__dirname, `${name}${extname(__filename)}`), { execArgv: EXEC_ARGV, workerData });
    } catch {
      resolve(undefined);
      return;
    }
    const early = (m: unknown) => {
      worker.off("message", early);
      worker.off("error", gone);
      worker.off("exit", gone);
      if (typeof m === "object" && m !== null && "ready" in m) resolve(worker);
      else {
        void worker.terminate();
        resolve(undefined);
      }
    };
    const gone = () => resolve(undefined);
    worker.on("message", early);
    worker.on("error", gone);
    worker.on("exit", gone);
  });
}
