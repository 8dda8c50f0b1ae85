// Pid files of `npm start` in <state folder>/run/: which processes a start runs, so that the next start
// finds what an earlier one left behind when it was killed outright (kill -9 gives it no chance to stop its
// children, which run in process groups of their own) and stops it, instead of failing on taken ports.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signalGroup } from "./supervisor";

export interface RunRecord {
  name: string;
  pid: number;
  /** a piece of the process's command line that proves the pid still is that process */
  marker: string;
}

const fileOf = (dir: string, name: string) => join(dir, `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.pid`);

export function writeRunRecord(dir: string, rec: RunRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(fileOf(dir, rec.name), JSON.stringify(rec) + "\n");
}

export function removeRunRecord(dir: string, name: string): void {
  rmSync(fileOf(dir, name), { force: true });
}

/** The command line of `pid`, or undefined when no such process runs. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return undefined;
  }
}

/** The records whose process still runs and still is what the record says. */
export function liveRecords(dir: string): RunRecord[] {
  if (!existsSync(dir)) return [];
  const live: RunRecord[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".pid"))) {
    try {
      const rec = JSON.parse(readFileSync(join(dir, f), "utf8")) as RunRecord;
      if (commandLine(rec.pid)?.includes(rec.marker)) live.push(rec);
      else rmSync(join(dir, f), { force: true });
    } catch {
      rmSync(join(dir, f), { force: true });
    }
  }
  return live;
}

/** Stop a leftover process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopLeftover(rec: RunRecord, graceMs = 15_000): Promise<void> {
  if (!signalGroup(rec.pid, "SIGTERM")) {
    try {
      process.kill(rec.pid, "SIGTERM"); // not a group leader after all
    } catch {
      return; // gone meanwhile
    }
  }
  const deadline = Date.now() + graceMs;
  while (commandLine(rec.pid)?.includes(rec.marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  signalGroup(rec.pid, "SIGKILL");
  // not our child: no exit event to wait for, so wait until /proc no longer lists it
  while (commandLine(rec.pid)?.includes(rec.marker)) await new Promise((r) => setTimeout(r, 50));
}
