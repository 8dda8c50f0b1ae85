// Listener and notifications, both agencies in one process with their own stores, against a real chain:
// forward, alert, stop (raised, ignored, resolved), allocation due, municipal allocation; a listener
// restart that neither misses nor doubles anything.
import { expect } from "chai";
import { OutboxWriter } from "../../services/agency/outbox/writer";
import { LedgerListener } from "../../services/agency/listener/listener";
import { CODE_LISTS } from "../../services/shared/codelists";
import { startTestChain, type TestChain } from "../support/chain";
import { openTestAgency, addCase, queueStep, waitFor, LOCAL_CODE_LIST_HASH, type TestAgency } from "../support/agency";

const code = (list: "prospects" | "cancelReasons", key: string) => BigInt(CODE_LISTS[list].find((c) => c.key === key)!.code);
const GOOD = code("prospects", "GOOD");
const LEGAL_OBSTACLE = code("cancelReasons", "LEGAL_OBSTACLE");
const DRESDEN = 14612n;

interface Running {
  a: TestAgency;
  writer: OutboxWriter;
  listener: LedgerListener;
}

describe("listener and notifications", function () {
  let chain: TestChain;
  let bamf: Running;
  let zab: Running;

  function listenerFor(a: TestAgency): LedgerListener {
    return new LedgerListener(a.db, a.chain, a.log, {
      agency: a.agency,
      pollMs: 50,
      deploymentBlockHash: chain.deployment.blockHash,
      webhook: false,
    });
  }

  async function run(a: TestAgency): Promise<Running> {
    const writer = new OutboxWriter(a.db, a.chain, a.log, { agencyCode: a.code, batchSize: 20, pollMs: 20, localCodeListHash: LOCAL_CODE_LIST_HASH });
    const listener = listenerFor(a);
    writer.start();
    listener.start();
    return { a, writer, listener };
  }

  before(async () => {
    chain = await startTestChain();
    bamf = await run(await openTestAgency(chain, "BAMF"));
    zab = await run(await openTestAgency(chain, "ZAB"));
  });

  after(async () => {
    for (const r of [bamf, zab]) {
      await r.writer.stop();
      await r.listener.stop();
      await r.a.close();
    }
    await chain.dispose();
  });

  /** Both agencies hold the case under the same reference (same file number, same consortium key). */
  async function sharedCase(label: string) {
    return { bamf: await addCase(bamf.a, label), zab: await addCase(zab.a, label) };
  }

  /** Record a step through the outbox and wait until it is on chain. */
  async function record(r: Running, c: { id: number; caseRef: string }, key: string, detail = 0n, date = 0): Promise<string> {
    const s = await queueStep(r.a, c, key, detail, date);
    r.writer.wake();
    await waitFor(async () => (await r.a.db.step.findUnique({ where: { id: s.id } }))?.state === "confirmed", `${key} confirmed`);
    return s.ledgerEventId.toString();
  }

  async function notices(r: Running, caseRef: string, n: number) {
    return waitFor(async () => {
      const rows = await r.a.db.notification.findMany({ where: { caseRef }, orderBy: { id: "asc" } });
      return rows.length >= n ? rows : undefined;
    }, `${n} notifications for ${r.a.agency}`);
  }

  it("warns both agencies of a repatriation stop at the highest priority, forwards partner steps, alerts out-of-order steps", async () => {
    const c = await sharedCase("stop-case");
    await record(zab, c.zab, "REGISTERED");
    const departure = await record(zab, c.zab, "DEPARTURE_OBLIGATION"); // before any decision: out of order
    const scheduled = await record(zab, c.zab, "REPATRIATION_SCHEDULED", 0n, 20270115); // no negative decision: stop
    const followUp = await record(bamf, c.bamf, "FOLLOW_UP_APPLICATION_FILED"); // while scheduled: stop widens

    // ZAB: forward of the BAMF step, two alerts, two stops.
    const z = await notices(zab, c.zab.caseRef, 5);
    const kinds = (rows: typeof z) => rows.map((n) => `${n.kind}/${n.priority}`).sort();
    expect(kinds(z)).to.deep.equal(["ALERT/2", "ALERT/2", "FORWARD/3", "STOP/0", "STOP/0"].sort());
    const stops = z.filter((n) => n.kind === "STOP").map((n) => JSON.parse(n.payload));
    expect(stops.map((p) => p.reasons)).to.deep.equal([["NO_NEGATIVE_DECISION"], ["NO_NEGATIVE_DECISION", "FOLLOW_UP_PENDING"]]);
    expect(stops.map((p) => p.ledgerEventId)).to.deep.equal([scheduled, followUp]);
    expect(stops.map((p) => p.step)).to.deep.equal(["REPATRIATION_SCHEDULED", "FOLLOW_UP_APPLICATION_FILED"]);
    const forward = JSON.parse(z.find((n) => n.kind === "FORWARD")!.payload);
    expect(forward).to.include({ event: "StepRecorded", step: "FOLLOW_UP_APPLICATION_FILED", agency: "BAMF", ledgerEventId: followUp, caseRef: c.zab.caseRef });
    expect(z.filter((n) => n.kind === "ALERT").map((n) => JSON.parse(n.payload).ledgerEventId).sort()).to.deep.equal([departure, followUp].sort());

    // BAMF: forwards of the three ZAB steps, the same alerts and stops.
    const b = await notices(bamf, c.bamf.caseRef, 7);
    expect(kinds(b)).to.deep.equal(["ALERT/2", "ALERT/2", "FORWARD/3", "FORWARD/3", "FORWARD/3", "STOP/0", "STOP/0"].sort());

    // Cancelled: the stop is resolved for both.
    await record(zab, c.zab, "REPATRIATION_CANCELLED", LEGAL_OBSTACLE);
    for (const r of [zab, bamf]) {
      const rows = await notices(r, c.zab.caseRef, r === zab ? 6 : 9);
      const resolved = rows.filter((n) => n.kind === "STOP_RESOLVED");
      expect(resolved.length).to.equal(1);
      expect(resolved[0].priority).to.equal(1);
      expect(JSON.parse(resolved[0].payload).reasons).to.deep.equal([]);
    }

    // Nothing personal in any payload: no file number, only the pseudonymous reference and codes.
    const all = [...(await zab.a.db.notification.findMany()), ...(await bamf.a.db.notification.findMany())];
    for (const n of all) expect(n.payload).to.not.include("TEST-");
  });

  it("reports a repatriation completed while a stop is open to both agencies (STOP_IGNORED)", async () => {
    const c = await sharedCase("ignored-case");
    await record(zab, c.zab, "REGISTERED");
    await record(zab, c.zab, "DEPARTURE_OBLIGATION");
    await record(zab, c.zab, "REPATRIATION_SCHEDULED", 0n, 20270201);
    const completed = await record(zab, c.zab, "REPATRIATION_COMPLETED");
    for (const r of [zab, bamf]) {
      const rows = await waitFor(async () => {
        const found = await r.a.db.notification.findMany({ where: { caseRef: c.zab.caseRef, kind: "STOP_IGNORED" } });
        return found.length ? found : undefined;
      }, `STOP_IGNORED for ${r.a.agency}`);
      expect(rows.length).to.equal(1);
      expect(rows[0].priority).to.equal(0);
      expect(JSON.parse(rows[0].payload)).to.include({ ledgerEventId: completed, step: "REPATRIATION_COMPLETED" });
    }
  });

  it("tells the ZAB that an allocation is due and the BAMF where the person was allocated", async () => {
    const c = await sharedCase("allocation-case");
    await record(zab, c.zab, "REGISTERED");
    const prospects = await record(bamf, c.bamf, "PROSPECTS_ASSESSED", GOOD);
    const due = await waitFor(() => zab.a.db.notification.findFirst({ where: { caseRef: c.zab.caseRef, kind: "ALLOCATION_DUE" } }), "ALLOCATION_DUE for ZAB");
    expect(due.priority).to.equal(1);
    expect(JSON.parse(due.payload)).to.include({ ledgerEventId: prospects, step: "PROSPECTS_ASSESSED" });

    const allocation = await record(zab, c.zab, "MUNICIPAL_ALLOCATION", DRESDEN);
    const m = await waitFor(() => bamf.a.db.notification.findFirst({ where: { caseRef: c.bamf.caseRef, kind: "MUNICIPAL_ALLOCATION" } }), "MUNICIPAL_ALLOCATION for BAMF");
    expect(m.priority).to.equal(1);
    expect(JSON.parse(m.payload)).to.include({ ledgerEventId: allocation, detail: "14612", detailKey: "Dresden, Stadt", agency: "ZAB" });
    // The BAMF gets no allocation-due notice, and the allocation is not also a plain forward.
    expect(await bamf.a.db.notification.count({ where: { caseRef: c.bamf.caseRef, kind: "ALLOCATION_DUE" } })).to.equal(0);
    expect(await bamf.a.db.notification.count({ where: { eventId: allocation, kind: "FORWARD" } })).to.equal(0);
  });

  it("after a listener restart misses nothing and doubles nothing, also when it reads blocks again", async () => {
    await zab.listener.stop();
    const before = await zab.a.db.notification.count();
    const recorded: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await sharedCase(`restart-${i}`);
      recorded.push(await record(bamf, c.bamf, "APPLICATION_FILED"));
    }
    expect(await zab.a.db.notification.count(), "nothing arrives while stopped").to.equal(before);

    zab.listener = listenerFor(zab.a);
    zab.listener.start();
    // Each BAMF step: one forward and one alert (filed before registration).
    await waitFor(async () => (await zab.a.db.notification.count()) >= before + 12, "notifications after restart");
    for (const id of recorded) {
      expect(await zab.a.db.notification.count({ where: { eventId: id, kind: "FORWARD" } }), `forward of ${id}`).to.equal(1);
      expect(await zab.a.db.notification.count({ where: { eventId: id, kind: "ALERT" } }), `alert of ${id}`).to.equal(1);
    }

    // At-least-once reading: rewind the checkpoint to the deployment block and read everything again.
    await zab.listener.stop();
    const events = await zab.a.db.ledgerEvent.count();
    const notifications = await zab.a.db.notification.count();
    await zab.a.db.listenerCheckpoint.update({ where: { id: 1 }, data: { blockNumber: chain.deployment.block, logIndex: -1, blockHash: chain.deployment.blockHash } });
    zab.listener = listenerFor(zab.a);
    await zab.listener.pollOnce();
    expect(await zab.a.db.ledgerEvent.count()).to.equal(events);
    expect(await zab.a.db.notification.count()).to.equal(notifications);
    const head = await zab.a.chain.blockNumber();
    expect(await zab.a.chain.getLedgerLogs(chain.deployment.block, head)).to.have.length(events);
    expect((await zab.a.db.listenerCheckpoint.findUniqueOrThrow({ where: { id: 1 } })).blockNumber).to.equal(head);
    zab.listener.start();
  });
});
