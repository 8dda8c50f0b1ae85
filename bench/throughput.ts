// End-to-end throughput of the agency service (a benchmark, not a test): `npm run bench:throughput`.
// On a throwaway chain as `npm start` runs it (anvil, automine, state written every second), with the three
// agency services `npm start` runs (BAMF, ZAB, and Landkreis Bautzen's immigration authority, voted in;
// outbox batches of up to 250 steps, checkpoints every 50 blocks as by default):
// - rawTxPerSec: 1,000 single `record` transactions, pipelined from one key (1,000 rather than a few
//   hundred: the rate of a short run swings by a third with anvil's state writes);
// - notifyP50Ms / notifyP95Ms: from a BAMF step accepted by the API to the notification stored at every
//   follower of the case (ZAB for all 200 cases, Bautzen too for the 50 allocated to it), with BAMF
//   recording 100 steps per second (first, on the settled system); districtNotifyP95Ms: Bautzen's alone;
// - stepsPerSec / acceptedPerSec: 16,000 steps posted to the BAMF API in bulk (POST /api/steps, 100 steps
//   a request, 8 requests in flight), from the first POST until the last step is confirmed on chain (API
//   accepted -> confirmed), and the API's own accept rate;
// - bamfCpuMsPerStep / zabCpuMsPerStep / districtCpuMsPerStep: each service's CPU time in that bulk phase
//   (process_cpu_seconds_total on its /metrics; the followers' until they have stored every block of it)
//   per step: steps per second swing with the machine's other load, these far less; nodeCpuMsPerStep: the
//   chain node's (anvil's) CPU time in that phase per step, databaseCpuMsPerStep: the PostgreSQL server's
//   (all its processes; on SQLite the database works inside the services, so there is none);
// - singleRequestStepsPerSec / singleRequestAcceptedPerSec: the same with one request per step (64 in
//   flight).
// 16,000 steps: long enough for the steady state (with 4,000 the first second, with its small first
// batches, and the last confirmation weigh about a quarter). BENCH_STEPS overrides it.
// Both stores in one run, each on a chain of its own: SQLite ("throughput" in bench/results.json), then
// PostgreSQL ("throughputPostgres", the same keys; a durable local server, scripts/lib/local-postgres.ts).
// SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles both services (test/support/system.ts).
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { JsonRpcProvider, Wallet } from "ethers";
import { startTestChain } from "../test/support/chain";
import { joinBautzenByVote, startSystem, type AgencyEndpoint } from "../test/support/system";
import { ProcedureLedger__factory } from "../typechain-types";
import { eventIdOf, packStep } from "../services/shared/ledger-codec";
import { writeBenchResult } from "./bench-results";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalPostgres } from "../scripts/lib/local-postgres";
import { mined } from "../services/shared/mined";
import { processTreeCpuSeconds } from "./process-cpu";

const RAW_TXS = 1000;
const SATURATION_STEPS = Number(process.env.BENCH_STEPS ?? 16_000);
const BULK_SIZE = 100;
const BULK_IN_FLIGHT = 8;
const NOTIFY_RATE = 100;
const NOTIFY_SECONDS = 10;

// The specialist application's side: node:http with keep-alive (fetch costs several times the CPU per
// request, and the client shares the machine's cores with the services and the chain).
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function api(ep: AgencyEndpoint, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${ep.token}` };
    if (data !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
    const req = request(ep.url + path, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        try {
          const json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
          if ((res.statusCode ?? 500) >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${JSON.stringify(json)}`));
          else resolve(json);
        } catch (err) {
          reject(err as Error);
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(data);
  });
}

async function rawTxRate(rpcUrl: string, bamfKey: string, ledgerAddress: string): Promise<number> {
  // ethers' default request cache (250 ms) on: the fee lookups of a run of sends are answered once, as in
  // the figures before 2026-12-04 (providerFor turns the cache off for receipt polling; with it off, each
  // send asked the node for its fees again and the raw rate fell by a third)
  const wallet = new Wallet(bamfKey, new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1 }));
  const ledger = ProcedureLedger__factory.connect(ledgerAddress, wallet);
  let nonce = await wallet.getNonce("pending");
  const caseRef = "0x" + "11".repeat(32);
  const start = performance.now();
  const sent = [];
  for (let i = 0; i < RAW_TXS; i++) {
    // Sequences far above what the service will use, so the service's own ids stay free.
    const packedStep = packStep({ eventId: eventIdOf(1, 1_000_000_000 + i), step: 2, detail: 0n, businessDate: 0 });
    sent.push(await ledger.record({ caseRef, packedStep, commitment: "0x" + "22".repeat(32) }, { nonce: nonce++, gasLimit: 200_000 }));
  }
  await Promise.all(sent.map((tx) => mined(tx)));
  return RAW_TXS / ((performance.now() - start) / 1000);
}

async function registerCases(ep: AgencyEndpoint, n: number, offset: number): Promise<string[]> {
  const refs: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await api(ep, "POST", "/api/cases", {
      fileNumber: `${8100000 + offset + i}-100`,
      person: { familyName: "Bench (fiktiv)", givenNames: "Test", dateOfBirth: "1990-01-01", nationality: "SYR" },
    });
    refs.push(String(r.caseRef));
  }
  return refs;
}

async function waitConfirmed(ep: AgencyEndpoint, eventId: string): Promise<void> {
  for (;;) {
    const s = await api(ep, "GET", `/api/steps/${eventId}`);
    if (s.state === "confirmed") return;
    if (s.state === "failed") throw new Error(`step ${eventId} failed: ${s.failureReason}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Post `n` steps with `concurrency` requests in flight; returns the event ids in posting order. */
async function postSteps(ep: AgencyEndpoint, caseRefs: string[], n: number, concurrency: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await api(ep, "POST", `/api/cases/${caseRefs[i % caseRefs.length]}/steps`, { eventId: ids[i], step: "HEARING_HELD" });
      }
    }),
  );
  return ids;
}

/** Post `n` steps in requests of `size` (POST /api/steps), `concurrency` in flight; event ids in posting order. */
async function postBulk(ep: AgencyEndpoint, caseRefs: string[], n: number, size: number, concurrency: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const from = next;
        next = Math.min(n, next + size);
        const steps = ids.slice(from, next).map((eventId, k) => ({ caseRef: caseRefs[(from + k) % caseRefs.length], eventId, step: "HEARING_HELD" }));
        await api(ep, "POST", "/api/steps", { steps });
      }
    }),
  );
  return ids;
}

/** Seconds of CPU the service's process has used (prom-client's process_cpu_seconds_total on /metrics). */
async function cpuSeconds(ep: AgencyEndpoint): Promise<number> {
  const text = await (await fetch(`${ep.url}/metrics`)).text();
  const m = /^process_cpu_seconds_total ([\d.]+)$/m.exec(text);
  if (!m) throw new Error(`${ep.agency}: /metrics has no process_cpu_seconds_total`);
  return Number(m[1]);
}

/** Until the service's listener has stored every block up to `head` (its /metrics). */
async function waitCaughtUp(ep: AgencyEndpoint, head: number): Promise<void> {
  for (;;) {
    const text = await (await fetch(`${ep.url}/metrics`)).text();
    const stored = Number(/^anker_listener_block (\d+)/m.exec(text)?.[1] ?? -1);
    if (stored >= head) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * From a BAMF step accepted by the API to the notification stored at each follower, BAMF recording
 * NOTIFY_RATE steps/s: `followers` maps each follower to the cases it follows. Latencies per follower.
 */
async function notificationLatency(bamf: AgencyEndpoint, cases: string[], followers: { ep: AgencyEndpoint; follows: Set<string> }[]): Promise<Map<AgencyEndpoint, number[]>> {
  console.log(`notification latency at ${NOTIFY_RATE} steps/s for ${NOTIFY_SECONDS} s ...`);
  // per follower: ledger event id -> epoch ms when BAMF's API accepted it
  const expected = new Map(followers.map((f) => [f, new Map<string, number>()]));
  const begin = Date.now();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < NOTIFY_RATE * NOTIFY_SECONDS; i++) {
    const due = begin + (i * 1000) / NOTIFY_RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const caseRef = cases[i % cases.length];
    posts.push(
      api(bamf, "POST", `/api/cases/${caseRef}/steps`, { step: "HEARING_HELD" }).then((r) => {
        for (const f of followers) if (f.follows.has(caseRef)) expected.get(f)!.set(String(r.ledgerEventId), Date.now());
      }),
    );
  }
  await Promise.all(posts);
  const deadline = Date.now() + 120_000; // generous: on a loaded machine the tail is long, and it shows in the p95
  const out = new Map<AgencyEndpoint, number[]>();
  await Promise.all(
    followers.map(async (f) => {
      const sentAt = expected.get(f)!;
      const latencies: number[] = [];
      while (sentAt.size > 0 && Date.now() < deadline) {
        const list = (await api(f.ep, "GET", `/api/notifications?kind=FORWARD&unacknowledged=true&limit=500`)) as { notifications: { id: number; eventId: string; createdAt: string }[] };
        for (const n of list.notifications) {
          const at = sentAt.get(n.eventId);
          if (at !== undefined) {
            latencies.push(Date.parse(n.createdAt) - at);
            sentAt.delete(n.eventId);
          }
          await api(f.ep, "POST", `/api/notifications/${n.id}/ack`, {});
        }
        if (list.notifications.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      if (sentAt.size > 0) throw new Error(`${sentAt.size} steps were not notified to ${f.ep.agency} within 120 s`);
      out.set(f.ep, latencies.sort((a, b) => a - b));
    }),
  );
  return out;
}

type Store = "sqlite" | "postgres";

/** One store's figures, on a chain of its own (its raw transaction rate measured on that chain first). */
async function measure(store: Store, databaseUrls?: Record<"BAMF" | "ZAB" | "ABH-14625", string>, databaseServerPid?: () => number | undefined): Promise<Record<string, number>> {
  console.log(`--- ${store === "sqlite" ? "SQLite" : "PostgreSQL"} ---`);
  const chain = await startTestChain();
  console.log("raw single transactions ...");
  const rawTxPerSec = await rawTxRate(chain.rpcUrl, chain.wallets.BAMF.privateKey, chain.deployment.contracts.ProcedureLedger.address);

  // The service's default checkpoint interval (the tests sign every 5 blocks).
  const benchEnv = { OUTBOX_BATCH_SIZE: "250", RATE_LIMIT_PER_MINUTE: "1000000", LOG_LEVEL: "warn", CHECKPOINT_EVERY_BLOCKS: "50" };
  const sys = await startSystem({ chain, agencyEnv: (agency): Record<string, string> => (databaseUrls ? { DATABASE_URL: (databaseUrls as Record<string, string>)[agency] } : {}), env: benchEnv });
  try {
    // The district authority joins by vote, as at the first `npm start`.
    const bautzen = await joinBautzenByVote(sys, { ...benchEnv, ...(databaseUrls ? { DATABASE_URL: databaseUrls["ABH-14625"] } : {}) });
    // Every service first reads the raw transactions' blocks: not part of the saturation figure.
    const head = Number(await chain.provider.send("eth_blockNumber", []));
    await Promise.all([sys.BAMF, sys.ZAB, bautzen].map((ep) => waitCaughtUp(ep, head)));
    const cases = await registerCases(sys.BAMF, 200, 0);
    // ZAB registers 50 of them too and allocates them to Bautzen, which from then on follows them.
    const allocated = await registerCases(sys.ZAB, 50, 0);
    let last = "";
    for (const ref of allocated) last = String((await api(sys.ZAB, "POST", `/api/cases/${ref}/steps`, { step: "MUNICIPAL_ALLOCATION", detail: 14625 })).eventId);
    await waitConfirmed(sys.ZAB, last); // the outbox sends in order: the last confirmed, all are
    await waitCaughtUp(bautzen, Number(await chain.provider.send("eth_blockNumber", [])));

    // Latency first, at 100 steps/s on the settled system (the saturation runs below leave ZAB tens of
    // thousands of notifications to list and a larger chain state for anvil to write every second).
    const byFollower = await notificationLatency(sys.BAMF, cases, [
      { ep: sys.ZAB, follows: new Set(cases) },
      { ep: bautzen, follows: new Set(allocated) },
    ]);
    const latencies = [...byFollower.values()].flat().sort((a, b) => a - b);
    const district = byFollower.get(bautzen)!;

    // Saturation, twice: the specialist application sending steps in bulk, then one request per step.
    const saturation = async (label: string, post: () => Promise<string[]>) => {
      console.log(`saturation, ${label}: ${SATURATION_STEPS} steps ...`);
      const t0 = performance.now();
      const ids = await post();
      const accepted = SATURATION_STEPS / ((performance.now() - t0) / 1000);
      await waitConfirmed(sys.BAMF, ids[ids.length - 1]);
      return { accepted, confirmed: SATURATION_STEPS / ((performance.now() - t0) / 1000) };
    };
    // CPU time per step of each service in the bulk phase, the followers' until they have stored it all: a
    // figure that depends far less on what else the machine runs than the steps per second do.
    const services = [sys.BAMF, sys.ZAB, bautzen];
    const cpuBefore = await Promise.all(services.map(cpuSeconds));
    const nodeCpuBefore = processTreeCpuSeconds(chain.pid());
    const databaseCpuBefore = processTreeCpuSeconds(databaseServerPid?.());
    const bulk = await saturation(`${BULK_SIZE} a request, ${BULK_IN_FLIGHT} in flight`, () => postBulk(sys.BAMF, cases, SATURATION_STEPS, BULK_SIZE, BULK_IN_FLIGHT));
    const bulkHead = Number(await chain.provider.send("eth_blockNumber", []));
    await Promise.all(services.map((ep) => waitCaughtUp(ep, bulkHead)));
    const perStep = (before: number | undefined, after: number | undefined) => (before === undefined || after === undefined ? undefined : Number((((after - before) * 1000) / SATURATION_STEPS).toFixed(3)));
    const cpuMsPerStep = (await Promise.all(services.map(cpuSeconds))).map((after, i) => perStep(cpuBefore[i], after)!);
    const nodeCpuMsPerStep = perStep(nodeCpuBefore, processTreeCpuSeconds(chain.pid()));
    const databaseCpuMsPerStep = perStep(databaseCpuBefore, processTreeCpuSeconds(databaseServerPid?.()));
    const single = await saturation("one a request, 64 in flight", () => postSteps(sys.BAMF, cases, SATURATION_STEPS, 64));

    const figures = {
      stepsPerSec: Math.round(bulk.confirmed),
      acceptedPerSec: Math.round(bulk.accepted),
      singleRequestStepsPerSec: Math.round(single.confirmed),
      singleRequestAcceptedPerSec: Math.round(single.accepted),
      rawTxPerSec: Math.round(rawTxPerSec),
      ratioToRawTx: Number((bulk.confirmed / rawTxPerSec).toFixed(2)),
      singleRequestRatioToRawTx: Number((single.confirmed / rawTxPerSec).toFixed(2)),
      notifyP50Ms: percentile(latencies, 50),
      notifyP95Ms: percentile(latencies, 95),
      districtNotifyP95Ms: percentile(district, 95),
      bamfCpuMsPerStep: cpuMsPerStep[0],
      zabCpuMsPerStep: cpuMsPerStep[1],
      districtCpuMsPerStep: cpuMsPerStep[2],
      ...(nodeCpuMsPerStep === undefined ? {} : { nodeCpuMsPerStep }),
      ...(databaseCpuMsPerStep === undefined ? {} : { databaseCpuMsPerStep }),
      agencyServices: 3,
    };
    console.table(figures);
    return figures;
  } finally {
    await sys.stop();
  }
}

async function main(): Promise<void> {
  // BENCH_STORES=sqlite or =postgres measures one store only (profiling); the results are written only when both ran.
  const stores = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",") as Store[];
  const results: Partial<Record<Store, Record<string, number>>> = {};
  try {
    if (stores.includes("sqlite")) results.sqlite = await measure("sqlite");
    if (stores.includes("postgres")) {
      // A durable server (fsync on, as in production; SQLite runs with synchronous=FULL), in a temporary folder.
      const dir = mkdtempSync(join(tmpdir(), "anker-bench-pg-"));
      chmodSync(dir, 0o711);
      const pg = await startLocalPostgres({ dir: join(dir, "pg") });
      try {
        results.postgres = await measure("postgres", { BAMF: pg.url("bench_bamf"), ZAB: pg.url("bench_zab"), "ABH-14625": pg.url("bench_abh_14625") }, () => pg.pid());
      } finally {
        await pg.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    agent.destroy();
  }
  if (results.sqlite && results.postgres) {
    const ratio = Number((results.postgres.stepsPerSec / results.sqlite.stepsPerSec).toFixed(2));
    console.log(`PostgreSQL / SQLite, bulk steps/s: ${ratio}`);
    writeBenchResult("throughput", results.sqlite);
    writeBenchResult("throughputPostgres", results.postgres);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
