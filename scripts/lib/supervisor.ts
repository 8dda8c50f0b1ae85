// One supervised child process of `npm start` (an agency service, the chain, the identity provider): it
// runs in a process group of its own, so a Ctrl-C in the terminal reaches only the start script, which
// then stops the children in order. A child that exits on its own is restarted after a growing delay
// (1 s, 2 s, 4 s ... at most 30 s; back to 1 s once it has run for a minute), and the others keep running.
// systemd does the same in production (docs/operations/supervision.md).
import type { ChildProcess } from "node:child_process";

export interface Backoff {
  firstMs: number;
  maxMs: number;
  /** a child that ran this long before it stopped counts as stable: its next restart waits firstMs again */
  stableMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 1000, maxMs: 30_000, stableMs: 60_000 };

/** Exit code of a process that stopped on a bad setting: restarting it cannot help. */
export const EXIT_BAD_SETTINGS = 2;

export interface ChildSpec {
  /** as the console names it: "BAMF service", "chain" */
  name: string;
  /** where its own log is, for the console's messages */
  logFile: string;
  /** start the process in a process group of its own (spawn's `detached: true`) */
  spawn(): ChildProcess;
  /** resolves once it serves; rejects when it exits first or does not get ready in time */
  ready(child: ChildProcess): Promise<void>;
  /** the signal that makes it finish its work and exit */
  stopSignal?: NodeJS.Signals;
}

export interface SupervisorEvents {
  /** a line for the console */
  say(line: string): void;
  /** a process (re)started: its pid, for the pid files */
  started?(name: string, pid: number): void;
}

/** Send `signal` to the process group `pid` leads; false when there is none left. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const howItEnded = (code: number | null, signal: NodeJS.Signals | null) => (signal ? `signal ${signal}` : `exit ${code}`);

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (!alive(child)) return resolve();
    child.once("exit", () => resolve());
  });
}

export class Supervised {
  child?: ChildProcess;
  /** restarts since the child last ran stably */
  restarts = 0;
  private startedAt = 0;
  private stopping = false;
  private pending?: NodeJS.Timeout;

  constructor(
    readonly spec: ChildSpec,
    private readonly events: SupervisorEvents,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {}

  /** Start the child and wait until it serves. A failure here is the start's failure: no restart. */
  async start(): Promise<void> {
    const child = this.launch();
    await this.spec.ready(child);
  }

  private launch(): ChildProcess {
    const child = this.spec.spawn();
    this.child = child;
    this.startedAt = Date.now();
    if (child.pid !== undefined) this.events.started?.(this.spec.name, child.pid);
    child.once("exit", (code, signal) => this.onExit(child, code, signal));
    return child;
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    // Whatever the child left in its group (a compiler service, say) goes with it.
    if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    if (this.stopping || child !== this.child) return;
    if (code === EXIT_BAD_SETTINGS) {
      this.events.say(`${this.spec.name} stopped on a bad setting (exit ${code}); not restarting it. Log: ${this.spec.logFile}`);
      return;
    }
    if (Date.now() - this.startedAt >= this.backoff.stableMs) this.restarts = 0;
    this.restarts += 1;
    const delay = Math.min(this.backoff.firstMs * 2 ** (this.restarts - 1), this.backoff.maxMs);
    this.events.say(`${this.spec.name} stopped unexpectedly (${howItEnded(code, signal)}); restart ${this.restarts} in ${seconds(delay)}; log: ${this.spec.logFile}`);
    this.pending = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    this.pending = undefined;
    if (this.stopping) return;
    let child: ChildProcess;
    try {
      child = this.launch();
    } catch (err) {
      this.events.say(`${this.spec.name} could not be started again: ${(err as Error).message}`);
      return;
    }
    try {
      await this.spec.ready(child);
      if (!this.stopping) this.events.say(`${this.spec.name} is running again (pid ${child.pid}).`);
    } catch (err) {
      // An exit has been reported and the next restart planned by onExit; a hung start is ended here,
      // which then counts as a crash like any other.
      if (alive(child) && !this.stopping) {
        this.events.say(`${this.spec.name} did not get ready after its restart (${(err as Error).message}); ending it.`);
        child.kill("SIGKILL");
      }
    }
  }

  /**
   * Stop for good: no restart any more; the stop signal, and SIGKILL to the whole group after `timeoutMs`.
   * Resolves true when the child stopped by itself within the time.
   */
  async stop(timeoutMs = 30_000): Promise<boolean> {
    this.stopping = true;
    if (this.pending) clearTimeout(this.pending);
    const child = this.child;
    if (!child || !alive(child)) return true;
    child.kill(this.spec.stopSignal ?? "SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      exited(child).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      this.events.say(`${this.spec.name} did not stop within ${seconds(timeoutMs)}; killing it (pid ${child.pid}).`);
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      await exited(child);
    }
    if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    return inTime;
  }
}
