// Outbox writer against a real anvil and a real SQLite store: batches, confirmation, AlreadyRecorded,
// a failing step inside a batch, the chain stopped and started again.
import { expect } from "chai";
import { ProcedureLedger__factory } from "../../typechain-types";
import { OutboxWriter } from "../../services/agency/outbox/writer";
import { toChainStep } from "../../services/agency/outbox/step-rows";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { startTestChain, type TestChain } from "../support/chain";
import {
  openTestAgency,
  addCase,
  queueStep,
  waitFor,
  stateCounts,
  recordedCounts,
  LOCAL_CODE_LIST_HASH,
  type TestAgency,
} from "../support/agency";
import { mined } from "../../services/shared/mined";

describe("outbox writer", function () {
  let chain: TestChain;
  let zab: TestAgency;
  let writer: OutboxWriter | undefined;

  before(async () => {
    chain = await startTestChain();
    zab = await openTestAgency(chain, "ZAB");
  });

  afterEach(async () => {
    await writer?.stop();
    writer = undefined;
  });

  after(async () => {
    await zab.close();
    await chain.dispose();
  });

  function startWriter(batchSize = 10): OutboxWriter {
    writer = new OutboxWriter(zab.db, zab.chain, zab.log, {
      agencyCode: zab.code,
      batchSize,
      pollMs: 20,
      localCodeListHash: LOCAL_CODE_LIST_HASH,
    });
    writer.start();
    return writer;
  }

  async function allSettled(ids: number[]): Promise<boolean> {
    const n = await zab.db.step.count({ where: { id: { in: ids }, state: { in: ["confirmed", "failed"] } } });
    return n === ids.length;
  }

  it("submits queued steps in batches and confirms each with tx hash, block and log index", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push((await queueStep(zab, await addCase(zab), "REGISTERED")).id);
    startWriter(10);
    await waitFor(() => allSettled(ids), "25 steps confirmed");

    const rows = await zab.db.step.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    expect(rows.every((r) => r.state === "confirmed")).to.equal(true);
    const txs = new Set(rows.map((r) => r.txHash));
    expect(txs.size, "batches of at most 10").to.be.at.least(3);
    for (const tx of txs) expect(rows.filter((r) => r.txHash === tx).length).to.be.at.most(10);

    // Every confirmation points at the StepRecorded log of exactly that step, with its commitment.
    for (const r of rows) {
      const receipt = await zab.chain.receipt(r.txHash!);
      expect(receipt?.blockNumber).to.equal(r.blockNumber);
      const log = receipt!.logs.find((l) => l.logIndex === r.logIndex)!;
      expect(log.name).to.equal("StepRecorded");
      expect(log.eventId).to.equal(eventIdOf(zab.code, r.id));
      expect(log.commitment).to.equal(r.commitment);
      expect(log.caseRef).to.equal(r.caseRef);
    }
    const counts = await recordedCounts(zab);
    for (const id of ids) expect(counts.get(eventIdOf(zab.code, id))).to.equal(1);
    expect(await zab.db.writerNonce.findUnique({ where: { address: zab.chain.address } })).to.deep.include({
      nextNonce: await zab.chain.transactionCount("latest"),
    });
  });

  it("confirms a step the chain already holds (AlreadyRecorded) and records the rest of its batch", async () => {
    const steps = [];
    for (let i = 0; i < 4; i++) steps.push(await queueStep(zab, await addCase(zab), "REGISTERED"));
    // The step reaches the chain outside the writer (as after a crash that lost the submitted state).
    const pre = await zab.db.step.findUniqueOrThrow({ where: { id: steps[2].id } });
    const ledger = ProcedureLedger__factory.connect(chain.deployment.contracts.ProcedureLedger.address, chain.wallets.ZAB.connect(zab.chain.provider));
    const sent = await ledger.record(toChainStep(zab.code, pre));
    const minedTx = await mined(sent);

    startWriter(10);
    const ids = steps.map((s) => s.id);
    await waitFor(() => allSettled(ids), "batch settled");
    const rows = await zab.db.step.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.state)).to.deep.equal(["confirmed", "confirmed", "confirmed", "confirmed"]);
    const already = rows[2];
    expect(already.txHash).to.equal(minedTx.hash);
    expect(already.blockNumber).to.equal(minedTx.blockNumber);
    expect(already.failureReason).to.equal(null);
    const counts = await recordedCounts(zab);
    for (const id of ids) expect(counts.get(eventIdOf(zab.code, id))).to.equal(1);
  });

  it("fails a step the ledger refuses, with the error name and index, and records the others of the batch", async () => {
    const c = await addCase(zab);
    const good1 = await queueStep(zab, c, "REGISTERED");
    const notPermitted = await queueStep(zab, c, "APPLICATION_FILED"); // a BAMF step
    const good2 = await queueStep(zab, await addCase(zab), "REGISTERED");
    const badDate = await queueStep(zab, await addCase(zab), "REPATRIATION_SCHEDULED", 0n, 20261340);
    const good3 = await queueStep(zab, await addCase(zab), "REGISTERED");
    const ids = [good1, notPermitted, good2, badDate, good3].map((s) => s.id);
    startWriter(10);
    await waitFor(() => allSettled(ids), "batch settled");

    const byId = new Map((await zab.db.step.findMany({ where: { id: { in: ids } } })).map((r) => [r.id, r]));
    expect(byId.get(notPermitted.id)!.state).to.equal("failed");
    expect(byId.get(notPermitted.id)!.failureReason).to.match(/^StepNotPermitted\(index=1, step=2, agency=2\)$/);
    expect(byId.get(badDate.id)!.state).to.equal("failed");
    expect(byId.get(badDate.id)!.failureReason).to.match(/^InvalidBusinessDate\(index=\d+, step=13, businessDate=20261340\)$/);
    for (const s of [good1, good2, good3]) expect(byId.get(s.id)!.state).to.equal("confirmed");
    const counts = await recordedCounts(zab);
    expect(counts.has(notPermitted.ledgerEventId)).to.equal(false);
    expect(counts.has(badDate.ledgerEventId)).to.equal(false);
    for (const s of [good1, good2, good3]) expect(counts.get(s.ledgerEventId)).to.equal(1);
  });

  it("fails a step whose event id the chain holds with another commitment (store reset against an old chain)", async () => {
    const s = await queueStep(zab, await addCase(zab), "REGISTERED");
    const row = await zab.db.step.findUniqueOrThrow({ where: { id: s.id } });
    const ledger = ProcedureLedger__factory.connect(chain.deployment.contracts.ProcedureLedger.address, chain.wallets.ZAB.connect(zab.chain.provider));
    await (await ledger.record({ ...toChainStep(zab.code, row), commitment: "0x" + "ab".repeat(32) })).wait();
    startWriter(10);
    await waitFor(() => allSettled([s.id]), "step settled");
    const after = await zab.db.step.findUniqueOrThrow({ where: { id: s.id } });
    expect(after.state).to.equal("failed");
    expect(after.failureReason).to.match(/already recorded on chain with a different commitment/);
  });

  it("keeps steps queued while the chain is stopped and drains the queue once it is back (anvil only: state kept across a node restart)", async () => {
    const w = startWriter(10);
    await waitFor(() => w.status === "running", "writer running");
    await chain.stop();
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push((await queueStep(zab, await addCase(zab), "REGISTERED")).id);
    w.wake();
    await waitFor(() => w.status === "waiting-for-chain", "writer notices the chain is gone");
    expect((await stateCounts(zab.db)).queued).to.be.at.least(30);
    expect(await zab.db.step.count({ where: { id: { in: ids }, state: "confirmed" } })).to.equal(0);

    await chain.restart();
    await waitFor(() => allSettled(ids), "queue drained after restart", 90_000);
    const rows = await zab.db.step.findMany({ where: { id: { in: ids } } });
    expect(rows.every((r) => r.state === "confirmed")).to.equal(true);
    const counts = await recordedCounts(zab);
    for (const id of ids) expect(counts.get(eventIdOf(zab.code, id))).to.equal(1);
  });
});
