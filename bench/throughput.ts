// End-to-end throughput of the agency service (a benchmark, not a test): `npm run bench:throughput`.
// - rawTxPerSec: single `record` transactions, pipelined from one key, on the same throwaway chain;
// - stepsPerSec: steps posted to the BAMF API at saturation (16,000 steps, one request each, 64 in
//   flight), from the first POST until the last one is confirmed on chain (API accepted -> confirmed). Long
//   enough for the steady state: the first second (small first batches) and the last confirmation weigh
//   less (BENCH_STEPS=4000 gives about a quarter less);
// - notifyP50Ms / notifyP95Ms: from a BAMF step accepted by the API to the ZAB notification stored,
//   with BAMF recording 100 steps per second.
// SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles both services (test/support/system.ts).
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { Wallet } from "ethers";
import { startTestChain } from "../test/support/chain";
import { startSystem, type AgencyEndpoint } from "../test/support/system";
import { ProcedureLedger__factory } from "../typechain-types";
import { eventIdOf, packStep } from "../services/shared/ledger-codec";
import { writeBenchResult } from "./bench-results";

const RAW_TXS = 400;
const SATURATION_STEPS = Number(process.env.BENCH_STEPS ?? 16_000);
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
  const { providerFor } = await import("../scripts/lib/anvil");
  const wallet = new Wallet(bamfKey, providerFor(rpcUrl));
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
  await Promise.all(sent.map((tx) => tx.wait()));
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const chain = await startTestChain();
  console.log("raw single transactions ...");
  const rawTxPerSec = await rawTxRate(chain.rpcUrl, chain.wallets.BAMF.privateKey, chain.deployment.contracts.ProcedureLedger.address);

  const sys = await startSystem({ chain, env: { OUTBOX_BATCH_SIZE: "250", RATE_LIMIT_PER_MINUTE: "1000000", LOG_LEVEL: "warn" } });
  try {
    const cases = await registerCases(sys.BAMF, 200, 0);

    console.log(`saturation: ${SATURATION_STEPS} steps ...`);
    const t0 = performance.now();
    const ids = await postSteps(sys.BAMF, cases, SATURATION_STEPS, 64);
    const acceptedPerSec = SATURATION_STEPS / ((performance.now() - t0) / 1000);
    await waitConfirmed(sys.BAMF, ids[ids.length - 1]);
    const stepsPerSec = SATURATION_STEPS / ((performance.now() - t0) / 1000);

    console.log(`notification latency at ${NOTIFY_RATE} steps/s for ${NOTIFY_SECONDS} s ...`);
    const sentAt = new Map<string, number>(); // ledger event id -> epoch ms when the API accepted it
    const begin = Date.now();
    const posts: Promise<void>[] = [];
    for (let i = 0; i < NOTIFY_RATE * NOTIFY_SECONDS; i++) {
      const due = begin + (i * 1000) / NOTIFY_RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      posts.push(
        api(sys.BAMF, "POST", `/api/cases/${cases[i % cases.length]}/steps`, { step: "HEARING_HELD" }).then((r) => {
          sentAt.set(String(r.ledgerEventId), Date.now());
        }),
      );
    }
    await Promise.all(posts);
    const latencies: number[] = [];
    const zab = { ...sys.ZAB, token: sys.ZAB.token };
    for (;;) {
      const list = (await api(zab, "GET", `/api/notifications?kind=FORWARD&unacknowledged=true&limit=500`)) as { notifications: { id: number; eventId: string; createdAt: string }[] };
      for (const n of list.notifications) {
        const at = sentAt.get(n.eventId);
        if (at !== undefined) {
          latencies.push(Date.parse(n.createdAt) - at);
          sentAt.delete(n.eventId);
        }
        await api(zab, "POST", `/api/notifications/${n.id}/ack`, {});
      }
      if (sentAt.size === 0 || list.notifications.length === 0) break;
    }
    if (sentAt.size > 0) throw new Error(`${sentAt.size} steps were not notified to ZAB`);
    latencies.sort((a, b) => a - b);

    const figures = {
      stepsPerSec: Math.round(stepsPerSec),
      acceptedPerSec: Math.round(acceptedPerSec),
      rawTxPerSec: Math.round(rawTxPerSec),
      ratioToRawTx: Number((stepsPerSec / rawTxPerSec).toFixed(2)),
      notifyP50Ms: percentile(latencies, 50),
      notifyP95Ms: percentile(latencies, 95),
    };
    console.table(figures);
    writeBenchResult("throughput", figures);
  } finally {
    agent.destroy();
    await sys.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
