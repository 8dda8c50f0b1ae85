// kill -9 of a service process between submit and confirm: after the restart nothing is lost and nothing
// is recorded twice. The service runs as a child process (test/support/chain-side-runner.ts, the same
// wiring as main.ts without HTTP); the test reads its SQLite store and the chain.
// To hold a batch between "sent" and "mined" the test switches anvil's automine off (a test-side anvil
// method; the service itself speaks standard JSON-RPC only).
import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { startTestChain, type TestChain } from "../support/chain";
import {
  openTestAgency,
  agencyEnv,
  addCase,
  queueStep,
  waitFor,
  recordedCounts,
  spawnChainSide,
  killHard,
  type TestAgency,
} from "../support/agency";

describe("crash recovery (kill -9 of the service process)", function () {
  let chain: TestChain;
  let zab: TestAgency;
  let child: ChildProcess | undefined;

  before(async () => {
    chain = await startTestChain();
    zab = await openTestAgency(chain, "ZAB");
  });

  afterEach(async () => {
    if (child) await killHard(child);
    child = undefined;
    await chain.provider.send("evm_setAutomine", [true]);
  });

  after(async () => {
    await zab.close();
    await chain.dispose();
  });

  const env = () => agencyEnv(chain, "ZAB", { OUTBOX_BATCH_SIZE: "10" });

  async function queueMany(n: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await queueStep(zab, await addCase(zab), "REGISTERED")).id);
    return ids;
  }

  const count = (ids: number[], state: string) => zab.db.step.count({ where: { id: { in: ids }, state } });

  async function expectRecordedOnce(ids: number[]): Promise<void> {
    const rows = await zab.db.step.findMany({ where: { id: { in: ids } } });
    expect(rows.map((r) => r.state)).to.deep.equal(ids.map(() => "confirmed"));
    const counts = await recordedCounts(zab);
    for (const r of rows) {
      expect(counts.get(eventIdOf(zab.code, r.id)), `step ${r.id} recorded once`).to.equal(1);
      const receipt = await zab.chain.receipt(r.txHash!);
      const log = receipt!.logs.find((l) => l.logIndex === r.logIndex);
      expect(log?.eventId, `step ${r.id} points at its own log`).to.equal(eventIdOf(zab.code, r.id));
    }
  }

  it("confirms at restart a batch that was mined after the crash, without sending it again (anvil only: evm_setAutomine, evm_mine)", async () => {
    const ids = await queueMany(30);
    await chain.provider.send("evm_setAutomine", [false]);
    child = spawnChainSide(env());
    await waitFor(async () => (await count(ids, "submitted")) === 30, "all steps submitted (sent, not mined)");
    const sentAs = new Map((await zab.db.step.findMany({ where: { id: { in: ids } } })).map((r) => [r.id, r.txHash]));
    await killHard(child);

    await chain.provider.send("evm_mine", []);
    await chain.provider.send("evm_setAutomine", [true]);
    child = spawnChainSide(env());
    await waitFor(async () => (await count(ids, "confirmed")) === 30, "all steps confirmed after restart");

    await expectRecordedOnce(ids);
    const rows = await zab.db.step.findMany({ where: { id: { in: ids } } });
    for (const r of rows) {
      expect(r.txHash, "confirmed from the transaction sent before the crash").to.equal(sentAs.get(r.id));
      expect(r.attempts, "not sent again").to.equal(1);
    }
  });

  it("sends again at restart a batch that never reached a block, and records it once (anvil only: evm_setAutomine, anvil_dropAllTransactions)", async () => {
    const ids = await queueMany(30);
    await chain.provider.send("evm_setAutomine", [false]);
    child = spawnChainSide(env());
    await waitFor(async () => (await count(ids, "submitted")) === 30, "all steps submitted (sent, not mined)");
    await killHard(child);

    // The node loses what was in its pool (as a node restart without a persisted pool would).
    await chain.provider.send("anvil_dropAllTransactions", []);
    await chain.provider.send("evm_setAutomine", [true]);
    child = spawnChainSide(env());
    await waitFor(async () => (await count(ids, "confirmed")) === 30, "all steps confirmed after restart");

    await expectRecordedOnce(ids);
    // Sent a second time (with the same nonce the signed transaction may even be byte-identical).
    const rows = await zab.db.step.findMany({ where: { id: { in: ids } } });
    for (const r of rows) expect(r.attempts, "sent again after the restart").to.equal(2);
  });

  it("loses and doubles nothing across repeated kills under load (outbox and listener)", async () => {
    const ids = await queueMany(200);
    for (const atLeast of [20, 90]) {
      child = spawnChainSide(env());
      await waitFor(async () => (await count(ids, "confirmed")) >= atLeast, `${atLeast} steps confirmed`);
      await killHard(child);
    }
    child = spawnChainSide(env());
    await waitFor(async () => (await count(ids, "confirmed")) === 200, "all 200 confirmed");
    await expectRecordedOnce(ids);
    expect(await zab.db.step.count({ where: { state: "failed" } })).to.equal(0);

    // The listener was killed as often: every ledger event is stored exactly once.
    const head = await zab.chain.blockNumber();
    const onChain = await zab.chain.getLedgerLogs(zab.chain.deploymentBlock, head);
    await waitFor(async () => (await zab.db.ledgerEvent.count()) >= onChain.length, "listener caught up");
    const stored = await zab.db.ledgerEvent.findMany({ where: { blockNumber: { lte: head } } });
    expect(stored.length).to.equal(onChain.length);
    expect(new Set(stored.map((e) => `${e.txHash}:${e.logIndex}`))).to.deep.equal(new Set(onChain.map((l) => `${l.txHash}:${l.logIndex}`)));
  });
});
