// `npm start` as a test runs it: the real start script (node --import tsx scripts/start.ts) in a process
// group of its own, as a terminal runs a foreground command, so that `interrupt()` is what Ctrl-C does: SIGINT
// to that group. A temporary state folder and free ports keep it apart from .data/ and the demo ports.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../services/shared/paths";
import { freePort } from "./chain";

export interface StartPorts {
  chain: number;
  BAMF: number;
  ZAB: number;
  /** Landkreis Bautzen's service (ABH-14625) */
  bautzen: number;
  idp: number;
}

export async function freeStartPorts(): Promise<StartPorts> {
  return { chain: await freePort(), BAMF: await freePort(), ZAB: await freePort(), bautzen: await freePort(), idp: await freePort() };
}

export interface StartRun {
  child: ChildProcess;
  /** everything the start script printed so far (stdout and stderr) */
  output(): string;
  /**
   * Resolves with the first match of `re` in the output from offset `from` on (checked again on every new
   * chunk); `output().length` before an action makes `from` for what the action should bring.
   */
  waitFor(re: RegExp, opts?: { from?: number; timeoutMs?: number }): Promise<RegExpMatchArray>;
  /** Ctrl-C: SIGINT to the start script's process group */
  interrupt(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runStart(dataDir: string, ports: StartPorts, args: string[] = ["--no-compile", "--no-seed"], extraEnv: Record<string, string> = {}): StartRun {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "scripts", "start.ts"), ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ANKER_DATA_DIR: dataDir,
      ANKER_CHAIN_PORT: String(ports.chain),
      ANKER_BAMF_PORT: String(ports.BAMF),
      ANKER_ZAB_PORT: String(ports.ZAB),
      ANKER_BAUTZEN_PORT: String(ports.bautzen),
      ANKER_IDP_PORT: String(ports.idp),
      LOG_LEVEL: "info",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  const waiters: { re: RegExp; from: number; resolve(m: RegExpMatchArray): void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString("utf8");
    for (const w of [...waiters]) {
      const m = out.slice(w.from).match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => out,
    waitFor(re, { from = 0, timeoutMs = 180_000 } = {}) {
      const m = out.slice(from).match(re);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} in the start script's output within ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
        const w = { re, from, resolve: (x: RegExpMatchArray) => (clearTimeout(timer), resolve(x)) };
        waiters.push(w);
        void exited.then(({ code, signal }) => {
          if (waiters.includes(w)) {
            clearTimeout(timer);
            reject(new Error(`the start script ended (${signal ?? `exit ${code}`}) before ${re}:\n${out}`));
          }
        });
      });
    },
    interrupt() {
      process.kill(-child.pid!, "SIGINT");
    },
    exited,
  };
}

/** The pids the start script recorded in <state folder>/run/, by name ("BAMF service", "Chain", "start"). */
export function recordedPids(dataDir: string): Record<string, number> {
  const dir = join(dataDir, "run");
  const pids: Record<string, number> = {};
  if (!existsSync(dir)) return pids;
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".pid"))) {
    const rec = JSON.parse(readFileSync(join(dir, f), "utf8")) as { name: string; pid: number };
    pids[rec.name] = rec.pid;
  }
  return pids;
}

/** Every process that runs with this state folder (it inherited ANKER_DATA_DIR): what a stop left behind. */
export function processesOf(dataDir: string): { pid: number; command: string }[] {
  const needle = `ANKER_DATA_DIR=${dataDir}\0`;
  const found: { pid: number; command: string }[] = [];
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      if (!readFileSync(`/proc/${name}/environ`, "latin1").includes(needle)) continue;
      const command = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ").trim();
      if (command) found.push({ pid: Number(name), command }); // an empty command line: a zombie, already gone
    } catch {
      // ended meanwhile, or not ours to read
    }
  }
  return found;
}

/** Last resort after a failed test: end whatever still runs with this state folder. */
export function killProcessesOf(dataDir: string): void {
  for (const p of processesOf(dataDir)) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").length > 0; // a zombie has none
  } catch {
    return false;
  }
}

/** The `msg` of the last line of a pino log file. */
export function lastLogMessage(file: string): string | undefined {
  const lines = readFileSync(file, "utf8").trim().split("\n");
  try {
    return (JSON.parse(lines[lines.length - 1]) as { msg?: string }).msg;
  } catch {
    return lines[lines.length - 1];
  }
}
