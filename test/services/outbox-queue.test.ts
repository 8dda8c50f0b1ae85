// The outbox's queue on the Step table (outbox/step-rows.ts): takeQueued gives the oldest queued steps in id
// order and starts its scan above the steps that have moved on; every way back into the queue (the node
// refused a transaction, a batch reverted) makes those steps found again, also when it overlaps a take.
// On SQLite here and, in `npm run test:postgres`, on a real PostgreSQL server.
import { expect } from "chai";
import { countQueued, markSubmitted, requeue, takeQueued, unmarkSubmitted } from "../../services/agency/outbox/step-rows";
import { startTestChain, type TestChain } from "../support/chain";
import { openTestAgency, addCase, queueStep, type TestAgency } from "../support/agency";

describe("outbox queue (takeQueued and the ways back into the queue)", function () {
  let chain: TestChain;
  let zab: TestAgency;
  let nonce = 0;
  const address = "0x" + "11".repeat(20);

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
});
