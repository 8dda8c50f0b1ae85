// The outbox's queue on the Step table (outbox/step-rows.ts): takeQueued gives the oldest queued steps in id
// order and starts its scan above the steps that have moved on; every way back into the queue (the node
// refused a transaction, a batch reverted) makes those steps found again, also when it overlaps a take.
// And the store's one-at-a-time write queue (store/serialized.ts) with what works around it under load: the
// outbox's markSubmitted and confirmSteps, on PostgreSQL single statements beside the queue, and the step
// writer's groups (steps/step-writer.ts), taken only once their transaction has its turn.
// On SQLite here and, in `npm run test:postgres`, on a real PostgreSQL server; the tests that hold the
// write queue open are about PostgreSQL's pool of connections and say so in their titles.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { confirmSteps, countQueued, markSubmitted, persistedNonce, requeue, takeQueued, unmarkSubmitted } from "../../services/agency/outbox/step-rows";
import { isPostgres } from "../../services/agency/store/db";
import { serialized } from "../../services/agency/store/serialized";
import { stepByKey } from "../../services/shared/codelists";
import { startTestChain, type TestChain } from "../support/chain";
import { openTestAgency, addCase, queueStep, type TestAgency } from "../support/agency";

describe("outbox queue (takeQueued and the ways back into the queue) and the store's write queue", function () {
  let chain: TestChain;
  let zab: TestAgency;
  let nonce = 0;
  const address = "0x" + "11".repeat(20);
  const hash = (n: number) => "0x" + n.toString(16).padStart(64, "0");

  before(async () => {
    chain = await startTestChain();
    zab = await openTestAgency(chain, "ZAB");
  });

  after(async () => {
    await zab.close();
    await chain.dispose();
  });

  const queue = async (n: number) => {
    const c = await addCase(zab);
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await queueStep(zab, c, "REGISTERED")).id);
    return ids;
  };
  const take = async (limit = 100) => (await takeQueued(zab.db, limit)).map((r) => r.id);
  const submit = (ids: number[]) => markSubmitted(zab.db, ids, "0x" + "ab".repeat(32), address, ++nonce);

  it("takes the oldest queued steps in order, then those after the ones submitted, and counts what is queued", async () => {
    const ids = await queue(6);
    expect(await take(3)).to.deep.equal(ids.slice(0, 3));
    await submit(ids.slice(0, 3));
    expect(await take(3)).to.deep.equal(ids.slice(3));
    expect(await countQueued(zab.db)).to.equal(3);
    await submit(ids.slice(3));
    expect(await take()).to.deep.equal([]);
    expect(await countQueued(zab.db)).to.equal(0);
  });

  it("finds steps again that went back into the queue below the ones taken (node refused, batch reverted)", async () => {
    const ids = await queue(6);
    await take();
    await submit(ids);
    const later = await queue(2);
    expect(await take()).to.deep.equal(later);
    await unmarkSubmitted(zab.db, [ids[1]], address, nonce);
    expect(await take()).to.deep.equal([ids[1], ...later]);
    await requeue(zab.db, [ids[4]]);
    expect(await take()).to.deep.equal([ids[1], ids[4], ...later]);
    expect(await countQueued(zab.db)).to.equal(4);
    await submit([ids[1], ids[4], ...later]);
  });

  it("does not pass over a step requeued while a take was under way", async () => {
    const ids = await queue(4);
    await take();
    await submit(ids.slice(0, 2));
    expect(await take()).to.deep.equal(ids.slice(2));
    // The take starts first and may read the queue before the requeue commits: it must not move the
    // start of the next scan above the requeued step.
    const during = take();
    const back = requeue(zab.db, [ids[0]]);
    await Promise.all([during, back]);
    expect(await take()).to.deep.equal([ids[0], ...ids.slice(2)]);
    await submit([ids[0], ...ids.slice(2)]);
  });

  const rowsOf = (ids: number[]) =>
    zab.db.step.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" }, select: { id: true, state: true, txHash: true, blockNumber: true, logIndex: true, attempts: true, confirmedAt: true } });

  /** A write transaction of the queue, open until `release` is called. */
  async function holdQueue(): Promise<{ release: () => void; done: Promise<void> }> {
    let release!: () => void;
    let started!: () => void;
    const open = new Promise<void>((resolve) => (started = resolve));
    const done = serialized(zab.db, async () => {
      started();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await open;
    return { release, done };
  }

  it("marks only queued steps submitted and moves the nonce; confirms each step with its own transaction, block and log index, once", async () => {
    const ids = await queue(5);
    expect(await markSubmitted(zab.db, ids.slice(0, 3), hash(1), address, ++nonce)).to.equal(3);
    // two of these are submitted already: only the queued ones count
    expect(await markSubmitted(zab.db, ids.slice(1), hash(2), address, ++nonce)).to.equal(2);
    expect(await persistedNonce(zab.db, address)).to.equal(nonce);
    let rows = await rowsOf(ids);
    expect(rows.map((r) => [r.state, r.txHash, r.attempts])).to.deep.equal([
      ["submitted", hash(1), 1],
      ["submitted", hash(1), 1],
      ["submitted", hash(1), 1],
      ["submitted", hash(2), 1],
      ["submitted", hash(2), 1],
    ]);

    // two transactions in two blocks, in one call
    await confirmSteps(zab.db, [
      { id: ids[0], txHash: hash(1), blockNumber: 40, logIndex: 7 },
      { id: ids[1], txHash: hash(1), blockNumber: 40, logIndex: 3 },
      { id: ids[2], txHash: hash(1), blockNumber: 40, logIndex: 5 },
      { id: ids[3], txHash: hash(2), blockNumber: 41, logIndex: 0 },
    ]);
    // a confirmed step keeps its place: a second confirmation of it changes nothing
    await confirmSteps(zab.db, [
      { id: ids[0], txHash: hash(3), blockNumber: 99, logIndex: 9 },
      { id: ids[4], txHash: hash(2), blockNumber: 41, logIndex: 1 },
    ]);
    rows = await rowsOf(ids);
    expect(rows.map((r) => [r.state, r.txHash, r.blockNumber, r.logIndex])).to.deep.equal([
      ["confirmed", hash(1), 40, 7],
      ["confirmed", hash(1), 40, 3],
      ["confirmed", hash(1), 40, 5],
      ["confirmed", hash(2), 41, 0],
      ["confirmed", hash(2), 41, 1],
    ]);
    for (const r of rows) expect(r.confirmedAt, `step ${r.id}`).to.be.an.instanceOf(Date);
    // nothing confirmed is marked submitted again
    expect(await markSubmitted(zab.db, ids, hash(4), address, ++nonce)).to.equal(0);
  });

  it("marks and confirms steps after the store's client was disconnected (it connects again)", async () => {
    const ids = await queue(1);
    await zab.db.$disconnect();
    expect(await markSubmitted(zab.db, ids, hash(6), address, ++nonce)).to.equal(1);
    await zab.db.$disconnect();
    await confirmSteps(zab.db, [{ id: ids[0], txHash: hash(6), blockNumber: 60, logIndex: 2 }]);
    expect((await rowsOf(ids)).map((r) => [r.state, r.blockNumber, r.logIndex])).to.deep.equal([["confirmed", 60, 2]]);
  });

  it("marks and confirms steps while another write transaction holds the queue (PostgreSQL: beside the queue)", async function () {
    if (!isPostgres(zab.db)) this.skip(); // SQLite has one connection: every write waits for the one open
    this.timeout(30_000); // in the queue, these would wait for the release below, which comes after them
    const ids = await queue(2);
    const held = await holdQueue();
    try {
      expect(await markSubmitted(zab.db, ids, hash(5), address, ++nonce)).to.equal(2);
      await confirmSteps(zab.db, [
        { id: ids[0], txHash: hash(5), blockNumber: 50, logIndex: 0 },
        { id: ids[1], txHash: hash(5), blockNumber: 50, logIndex: 1 },
      ]);
    } finally {
      held.release();
      await held.done;
    }
    expect((await rowsOf(ids)).map((r) => [r.state, r.logIndex])).to.deep.equal([
      ["confirmed", 0],
      ["confirmed", 1],
    ]);
  });

  it("lets writes that arrive while a group waits for its transaction join that group (PostgreSQL: one transaction id)", async function () {
    if (!isPostgres(zab.db)) this.skip(); // the transaction id of a row (xmin) is PostgreSQL's
    const c = await addCase(zab);
    const write = () => zab.steps.write({ steps: [{ eventId: randomUUID(), caseRef: c.caseRef, caseId: c.id, step: { step: stepByKey("REGISTERED"), detail: 0n, businessDate: 0, data: {} } }] });
    const held = await holdQueue();
    const first = write();
    // the first write's group has gone to wait for its transaction (the writer gathers for 4 turns at most)
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    const later = [write(), write()];
    held.release();
    await held.done;
    const ids = (await Promise.all([first, ...later])).map(([row]) => row.id);
    const xmins = await zab.db.$queryRawUnsafe<{ x: string }[]>(`SELECT xmin::text AS "x" FROM "Step" WHERE "id" = ANY($1::integer[])`, ids);
    expect(xmins).to.have.length(3);
    expect(new Set(xmins.map((r) => r.x)).size, "transactions that wrote the three steps").to.equal(1);
  });
});
