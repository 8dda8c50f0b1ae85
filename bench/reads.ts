// Reading a long case (a benchmark, not a test): `npm run bench:reads`.
// On a throwaway chain with both agency services as `npm start` runs them, the BAMF records 2,000 steps for
// one case (bulk API, 100 a request) and waits until its listener has mirrored all of them. Then 16 clients
// (keep-alive, like a specialist application) read the case's timeline at the same time:
// - timelineFirstPageP50Ms / P95Ms: the first page (GET /api/cases/{ref}/timeline, 50 steps), 16 x 50 reads;
// - timelineFirstPageSingleP50Ms / P95Ms: the first page read by one client alone, 100 reads: what one
//   read costs, without waiting for the others (the service is one Node process: 16 reads at once queue);
// - timelineWholeCaseP50Ms / P95Ms: every page with limit=500 (4 requests in a row), 16 x 1 reads, for
//   comparison with what reading the whole case costs;
// - firstPageBytes / wholeCaseBytes: the size of the answers (uncompressed JSON);
// - serviceCpuMsPerFirstPage / serviceCpuMsPerSingleRead: CPU time (user + system) of the BAMF service process
//   per first-page read, 16 at once and one alone (Linux /proc; absent elsewhere). Unlike the latencies it
//   hardly depends on what else the machine runs: the figure to compare between runs on a busy machine.
// BENCH_READS_STEPS overrides the 2,000 steps.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, loadavg, totalmem } from "node:os";
import { startSystem, type AgencyEndpoint, type System } from "../test/support/system";
import { percentile } from "../services/agency/reads/stats";
import { writeBenchResult } from "./bench-results";

const STEPS = Number(process.env.BENCH_READS_STEPS ?? 2000);
const CLIENTS = 16;
const FIRST_PAGE_READS = 50;
const WHOLE_READS = 1;
const SINGLE_READS = 100;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function call(ep: AgencyEndpoint, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${ep.token}` };
    if (data !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
    const url = new URL(ep.url + path);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

async function json(ep: AgencyEndpoint, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await call(ep, method, path, body);
  if (r.status >= 400) throw new Error(`${method} ${path} -> ${r.status} ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text) as Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function longCase(sys: System): Promise<string> {
  const bamf = sys.BAMF;
  const created = await json(bamf, "POST", "/api/cases", {
    fileNumber: "9990001-423",
    person: { familyName: "Langfall (fiktiv)", givenNames: "Bench", dateOfBirth: "1990-01-01", nationality: "SYR" },
  });
  const caseRef = String(created.caseRef);
  const ids = Array.from({ length: STEPS }, () => randomUUID());
  for (let from = 0; from < STEPS; from += 100) {
    await json(bamf, "POST", "/api/steps", { steps: ids.slice(from, from + 100).map((eventId) => ({ caseRef, eventId, step: "HEARING_HELD" })) });
  }
  // every step confirmed on chain, then mirrored by the listener
  for (;;) {
    const s = await json(bamf, "GET", `/api/steps/${ids[STEPS - 1]}`);
    if (s.state === "confirmed") break;
    if (s.state === "failed") throw new Error(`step failed: ${String(s.failureReason)}`);
    await sleep(250);
  }
  for (;;) {
    const t = await json(bamf, "GET", `/api/cases/${caseRef}/timeline?limit=1`);
    if ((t.page as { totalSteps: number }).totalSteps >= STEPS) break;
    await sleep(250);
  }
  return caseRef;
}

/** CPU milliseconds (user + system) the process has used so far, from /proc; undefined where there is none. */
function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    // fields after the command name (which may hold spaces): state is field 3, utime 14 and stime 15
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    const ticksPerSecond = 100; // USER_HZ on Linux
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** The service's CPU milliseconds per read while `reads` reads ran in `run`. */
async function cpuPerRead(pid: number | undefined, reads: number, run: () => Promise<void>): Promise<number | undefined> {
  const before = cpuMsOf(pid);
  await run();
  const after = cpuMsOf(pid);
  return before === undefined || after === undefined ? undefined : Math.round(((after - before) / reads) * 100) / 100;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** `CLIENTS` clients, each running `reads` reads one after the other; every read's milliseconds. */
async function concurrently(reads: number, read: () => Promise<void>): Promise<number[]> {
  const all: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < reads; i++) all.push(await timed(read));
    }),
  );
  return all.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const started = Date.now();
  const sys = await startSystem();
  try {
    console.log(`recording ${STEPS} steps for one case …`);
    const caseRef = await longCase(sys);
    console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const bamf = sys.BAMF;
    let firstPageBytes = 0;
    const firstPage = async () => {
      const r = await call(bamf, "GET", `/api/cases/${caseRef}/timeline`);
      if (r.status !== 200) throw new Error(`timeline -> ${r.status}`);
      firstPageBytes = Buffer.byteLength(r.text);
    };
    let wholeCaseBytes = 0;
    let events = 0;
    const wholeCase = async () => {
      let cursor: string | null = null;
      let bytes = 0;
      let steps = 0;
      do {
        const r = await call(bamf, "GET", `/api/cases/${caseRef}/timeline?limit=500${cursor ? `&cursor=${cursor}` : ""}`);
        if (r.status !== 200) throw new Error(`timeline -> ${r.status}`);
        bytes += Buffer.byteLength(r.text);
        const t = JSON.parse(r.text) as { steps: { notices: unknown[] }[]; page: { nextCursor: string | null } };
        steps += t.steps.reduce((n, s) => n + 1 + s.notices.length, 0);
        cursor = t.page.nextCursor;
      } while (cursor);
      wholeCaseBytes = bytes;
      events = steps;
    };
    const pid = sys.agencies.get("BAMF")?.svc.child.pid;
    for (let i = 0; i < 20; i++) await firstPage(); // warm-up
    const single: number[] = [];
    const singleCpu = await cpuPerRead(pid, SINGLE_READS, async () => {
      for (let i = 0; i < SINGLE_READS; i++) single.push(await timed(firstPage));
    });
    single.sort((a, b) => a - b);
    let first: number[] = [];
    const firstCpu = await cpuPerRead(pid, CLIENTS * FIRST_PAGE_READS, async () => {
      first = await concurrently(FIRST_PAGE_READS, firstPage);
    });
    const whole = await concurrently(WHOLE_READS, wholeCase);
    const figures = {
      caseSteps: STEPS,
      caseEvents: events,
      clients: CLIENTS,
      firstPageReads: first.length,
      timelineFirstPageP50Ms: Math.round(percentile(first, 50)! * 10) / 10,
      timelineFirstPageP95Ms: Math.round(percentile(first, 95)! * 10) / 10,
      firstPageBytes,
      timelineFirstPageSingleP50Ms: Math.round(percentile(single, 50)! * 10) / 10,
      timelineFirstPageSingleP95Ms: Math.round(percentile(single, 95)! * 10) / 10,
      ...(firstCpu === undefined ? {} : { serviceCpuMsPerFirstPage: firstCpu }),
      ...(singleCpu === undefined ? {} : { serviceCpuMsPerSingleRead: singleCpu }),
      wholeCaseReads: whole.length,
      timelineWholeCaseP50Ms: Math.round(percentile(whole, 50)!),
      timelineWholeCaseP95Ms: Math.round(percentile(whole, 95)!),
      wholeCaseBytes,
    };
    console.log(JSON.stringify(figures, null, 2));
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, 1-min load ${loadavg()[0].toFixed(1)}`);
    writeBenchResult("reads", figures);
  } finally {
    agent.destroy();
    await sys.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
