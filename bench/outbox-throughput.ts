// Chain-side throughput on a throwaway anvil: how fast the outbox writer drains queued steps into the
// ledger (recordBatch, several batches in flight), with the listener storing every event at the same time.
// Steps are queued through the API's own writer (steps/step-writer.ts), so the figure covers
// "committed locally -> confirmed on chain" without HTTP. Prints a table; writes nothing.
//   npx tsx bench/outbox-throughput.ts [steps=5000]
import { OutboxWriter } from "../services/agency/outbox/writer";
import { LedgerListener } from "../services/agency/listener/listener";
import { startTestChain } from "../test/support/chain";
import { openTestAgency, addCase, queueStep, waitFor, LOCAL_CODE_LIST_HASH, type TestAgency } from "../test/support/agency";

interface Run {
  batchSize: number;
  maxInFlight: number;
  /** queue first, then start the writer (drain rate) or queue while it runs (end to end) */
  mode: "drain" | "live";
}

async function measure(zab: TestAgency, bamf: TestAgency, deploymentBlockHash: string, steps: number, run: Run): Promise<Record<string, number | string>> {
  const cases = await Promise.all(Array.from({ length: 50 }, () => addCase(zab)));
  const writer = new OutboxWriter(zab.db, zab.chain, zab.log, {
    agencyCode: zab.code,
    batchSize: run.batchSize,
    pollMs: 20,
    maxInFlight: run.maxInFlight,
    localCodeListHash: LOCAL_CODE_LIST_HASH,
  });
  // The partner's listener stores every event and raises a notification per step meanwhile.
  const listener = new LedgerListener(bamf.db, bamf.chain, bamf.log, { agency: "BAMF", pollMs: 50, deploymentBlockHash, webhook: false });
  listener.start();
  const first = (await zab.db.step.aggregate({ _max: { id: true } }))._max.id ?? 0;
  const queue = async () => {
    for (let i = 0; i < steps; i++) {
      await queueStep(zab, cases[i % cases.length], "REGISTERED");
      if (i % 50 === 0) writer.wake();
    }
  };
  let t0: number;
  if (run.mode === "drain") {
    await queue();
    t0 = Date.now();
    writer.start();
  } else {
    t0 = Date.now();
    writer.start();
    await queue();
  }
  const queuedMs = Date.now() - t0;
  await waitFor(async () => (await zab.db.step.count({ where: { id: { gt: first }, state: "confirmed" } })) === steps, "all confirmed", 600_000);
  const confirmedMs = Date.now() - t0;
  const lastEvent = await zab.db.step.findFirstOrThrow({ where: { id: { gt: first } }, orderBy: { id: "desc" } });
  await waitFor(() => bamf.db.notification.findFirst({ where: { eventId: `${(2n << 56n) | BigInt(lastEvent.id)}` } }), "partner notified", 600_000);
  const notifiedMs = Date.now() - t0;
  await writer.stop();
  await listener.stop();
  const batches = await zab.db.step.groupBy({ by: ["txHash"], where: { id: { gt: first } } });
  return {
    mode: run.mode,
    batchSize: run.batchSize,
    inFlight: run.maxInFlight,
    steps,
    transactions: batches.length,
    stepsPerSec: Math.round(steps / (confirmedMs / 1000)),
    queuedPerSec: run.mode === "live" ? Math.round(steps / (queuedMs / 1000)) : "-",
    partnerNotifiedPerSec: Math.round(steps / (notifiedMs / 1000)),
  };
}

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? 5000);
  const chain = await startTestChain();
  const zab = await openTestAgency(chain, "ZAB", { LOG_LEVEL: "silent" });
  const bamf = await openTestAgency(chain, "BAMF", { LOG_LEVEL: "silent" });
  try {
    const runs: Run[] = [
      { mode: "drain", batchSize: 100, maxInFlight: 1 },
      { mode: "drain", batchSize: 100, maxInFlight: 3 },
      { mode: "drain", batchSize: 250, maxInFlight: 3 },
      { mode: "drain", batchSize: 500, maxInFlight: 3 },
      { mode: "live", batchSize: 100, maxInFlight: 3 },
      { mode: "live", batchSize: 250, maxInFlight: 3 },
    ];
    const rows = [];
    for (const r of runs) rows.push(await measure(zab, bamf, chain.deployment.blockHash, steps, r));
    console.table(rows);
  } finally {
    await zab.close();
    await bamf.close();
    await chain.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
