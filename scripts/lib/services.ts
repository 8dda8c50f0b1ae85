// Starting and stopping the agency services as child processes (npm start, end-to-end tests).
import { spawn, ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../services/shared/paths";

export interface ServiceProcess {
  /** the agency key (config AGENCY): "BAMF", "ZAB", "ABH-14625", … */
  agency: string;
  url: string;
  child: ChildProcess;
}

export const SERVICE_MAIN = join(REPO_ROOT, "services", "agency", "main.ts");

/**
 * Start one agency service (`node --import tsx services/agency/main.ts`, node itself rather than the tsx
 * command, which relays signals on its own terms) with `env` on top of ours. `detached`: in a process group
 * of its own, so that only its supervisor signals it (npm start).
 */
export function startService(agency: string, port: number, env: Record<string, string>, onLine?: (line: string) => void, opts: { detached?: boolean } = {}): ServiceProcess {
  const child = spawn(process.execPath, ["--import", "tsx", SERVICE_MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, AGENCY: agency, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: opts.detached ?? false,
  });
  if (onLine) {
    for (const stream of [child.stdout, child.stderr]) {
      let buf = "";
      stream?.on("data", (chunk: Buffer) => {
        buf += chunk.toString("utf8");
        let i;
        while ((i = buf.indexOf("\n")) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
      stream?.on("end", () => {
        if (buf) onLine(buf); // a last line without a newline (a crash message, say)
        buf = "";
      });
    }
  }
  return { agency, url: `http://127.0.0.1:${port}`, child };
}

/** Wait until /readyz answers 200, or fail with what it said last. */
export async function waitReady(svc: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  for (;;) {
    if (svc.child.exitCode !== null) throw new Error(`the ${svc.agency} service exited with code ${svc.child.exitCode}`);
    try {
      const res = await fetch(`${svc.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`the ${svc.agency} service was not ready within ${timeoutMs / 1000} s: ${last}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGTERM and wait for the exit (the service finishes in-flight work and closes its database). */
export function stopService(svc: ServiceProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  return new Promise((resolve) => {
    if (svc.child.exitCode !== null || svc.child.signalCode !== null) return resolve();
    svc.child.once("exit", () => resolve());
    svc.child.kill(signal);
  });
}
