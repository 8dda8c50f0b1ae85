// CPU time of a process and every process under it, from /proc (Linux): what the chain node and the
// PostgreSQL server (its backends are child processes) spend on a benchmark phase. The exited children's
// time is in their parent's cutime/cstime once reaped, so a backend that ends within the phase still counts.
import { readdirSync, readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc times are in hundredths of a second. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime */
  ticks: number;
}

function procStat(pid: string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // exited meanwhile
  }
  // after "pid (name) ": state ppid ... utime (field 14 of the line) stime cutime cstime
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { pid: Number(pid), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
}

/** CPU seconds of `root` and its descendants so far; undefined where /proc has no such process. */
export function processTreeCpuSeconds(root: number | undefined): number | undefined {
  if (root === undefined) return undefined;
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(procStat)
    .filter((s): s is ProcStat => s !== undefined);
  if (!all.some((s) => s.pid === root)) return undefined;
  const children = new Map<number, ProcStat[]>();
  for (const s of all) {
    const siblings = children.get(s.ppid);
    if (siblings) siblings.push(s);
    else children.set(s.ppid, [s]);
  }
  let ticks = all.find((s) => s.pid === root)!.ticks;
  const queue = [root];
  while (queue.length) {
    for (const c of children.get(queue.pop()!) ?? []) {
      ticks += c.ticks;
      queue.push(c.pid);
    }
  }
  return ticks / TICKS_PER_SECOND;
}
