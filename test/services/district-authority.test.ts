// Three member agencies on a real anvil chain (issue 14): BAMF Dresden (federal office), ZAB Saxony
// (central authority) and the district immigration authority of Landkreis Bautzen (ABH-14625, agency 3,
// district 14625), each with its own store, outbox and listener as the service wires them. Shows: the
// directory of agencies from the chain; notifications only to the followers of a case (the district hears
// of a case once an allocation names it, and then the BAMF and the ZAB get its steps); a district step for
// a case allocated elsewhere refused before sending with a problem naming the rule, and the chain's own
// NotAllocatedToDistrict mapped to the same problem; arrivals due and overdue for the district.
import { expect } from "chai";
import type { FastifyInstance } from "fastify";
import { OutboxWriter } from "../../services/agency/outbox/writer";
import { LedgerListener } from "../../services/agency/listener/listener";
import { serviceContext, type ServiceContext } from "../../services/agency/context";
import { buildApi } from "../../services/agency/api/server";
import { ensureApiClient } from "../../services/agency/auth/bootstrap";
import { loadDirectory, refreshAgencyDirectory } from "../../services/agency/directory/directory";
import { stepStatus } from "../../services/agency/steps/step-status";
import { openDeadlines } from "../../services/agency/deadlines/open-deadlines";
import { dueDeadlines } from "../../services/agency/deadlines/deadline-notices";
import { receivedAllocations } from "../../services/agency/reads/district-allocations";
import type { Principal } from "../../services/agency/auth/roles";
import { CODE_LISTS, agencyByCode } from "../../services/shared/codelists";
import { startTestChain, type TestChain } from "../support/chain";
import { openTestAgency, addCase, queueStep, waitFor, LOCAL_CODE_LIST_HASH, type TestAgency } from "../support/agency";

const BAUTZEN = 14625n;
const DRESDEN = 14612n;
const DAY = 86_400;

interface Running {
  a: TestAgency;
  writer: OutboxWriter;
  listener: LedgerListener;
  ctx: ServiceContext;
}

const clerk: Principal = { kind: "client", clientId: 1, name: "test-clerk", role: "clerk" };

describe("three agencies: followers, district rights, arrivals", function () {
  let chain: TestChain;
  let bamf: Running;
  let zab: Running;
  let lra: Running;
  let api: FastifyInstance;
  const token = "district-test-clerk-token-0123456789";

  async function run(a: TestAgency): Promise<Running> {
    const writer = new OutboxWriter(a.db, a.chain, a.log, { agencyCode: a.code, batchSize: 20, pollMs: 20, localCodeListHash: LOCAL_CODE_LIST_HASH });
    // The listener gets the config object, as chain-side.ts gives it: type and scope resolved from the chain.
    const listener = new LedgerListener(a.db, a.chain, a.log, {
      agency: a.config,
      pollMs: 50,
      deploymentBlockHash: chain.deployment.blockHash,
      webhook: false,
      onDirectoryChanged: async () => void (await refreshAgencyDirectory(a.db, a.config)),
    });
    writer.start();
    listener.start();
    const ctx = serviceContext({ config: a.config, db: a.db, log: a.log, chain: a.chain, outbox: writer, listener, localCodeListHash: LOCAL_CODE_LIST_HASH });
    return { a, writer, listener, ctx };
  }

  before(async () => {
    // Genesis 30 days ago: the blocks mined at first are "weeks ago", so allocations made then are overdue.
    chain = await startTestChain({ districtAgency: true, startTimestamp: Math.floor(Date.now() / 1000) - 30 * DAY });
    bamf = await run(await openTestAgency(chain, "BAMF"));
    zab = await run(await openTestAgency(chain, "ZAB"));
    lra = await run(await openTestAgency(chain, "ABH-14625"));
    api = await buildApi(lra.ctx);
    await ensureApiClient(lra.a.db, { name: "district-test-clerk", token, role: "clerk" }, lra.ctx.principals);
  });

  after(async () => {
    await api?.close();
    for (const r of [bamf, zab, lra]) {
      if (!r) continue;
      await r.writer.stop();
      await r.listener.stop();
      await r.a.close();
    }
    await chain?.dispose();
  });

  async function record(r: Running, c: { id: number; caseRef: string }, key: string, detail = 0n): Promise<string> {
    const s = await queueStep(r.a, c, key, detail);
    r.writer.wake();
    await waitFor(async () => (await r.a.db.step.findUnique({ where: { id: s.id } }))?.state === "confirmed", `${r.a.agency} ${key} confirmed`);
    return s.ledgerEventId.toString();
  }

  /** Wait until every agency's listener stored the event with this ledger event id. */
  async function mirrored(eventId: string) {
    for (const r of [bamf, zab, lra]) {
      await waitFor(async () => (await r.a.db.ledgerEvent.count({ where: { name: "StepRecorded", eventId } })) > 0, `${r.a.agency} mirrored ${eventId}`);
    }
  }

  const kinds = async (r: Running, caseRef: string) => (await r.a.db.notification.findMany({ where: { caseRef }, orderBy: { id: "asc" } })).map((n) => n.kind);

  it("resolves each agency's type and scope from the chain and keeps the directory of members", async () => {
    expect(lra.a.config).to.include({ agencyCode: 3, agencyType: "DISTRICT_AUTHORITY", agencyScope: 14625 });
    expect(zab.a.config).to.include({ agencyCode: 2, agencyType: "CENTRAL_AUTHORITY", agencyScope: 14 });
    for (const r of [zab, lra]) await waitFor(async () => (await r.a.db.memberAgency.count()) === 3, `three members in ${r.a.agency}'s directory`);
    const members = await waitFor(async () => {
      const rows = await bamf.a.db.memberAgency.findMany({ orderBy: { code: "asc" } });
      return rows.length === 3 ? rows : undefined;
    }, "three members in the BAMF's directory");
    expect(members.map((m) => [m.code, m.agencyType, m.scope, m.accounts])).to.deep.equal([
      [1, 1, 14, 1],
      [2, 2, 14, 1],
      [3, 3, 14625, 1],
    ]);
    expect(members[2].name).to.equal("Landratsamt Bautzen, Ausländerbehörde");
    const meta = await api.inject({ method: "GET", url: "/api/meta" });
    expect(meta.statusCode, meta.body).to.equal(200);
    const body = meta.json();
    expect(body).to.include({ agency: "ABH-14625", agencyCode: 3, agencyType: "DISTRICT_AUTHORITY", agencyScope: 14625 });
    expect(body.agencyName.de).to.equal("Landratsamt Bautzen, Ausländerbehörde");
    expect(body.members.map((m: { agency: string; type: string; self: boolean }) => [m.agency, m.type, m.self])).to.deep.equal([
      ["BAMF", "FEDERAL_OFFICE", false],
      ["ZAB", "CENTRAL_AUTHORITY", false],
      ["ABH-14625", "DISTRICT_AUTHORITY", true],
    ]);
    expect(agencyByCode(3)?.key).to.equal("ABH-14625");
    // The chain holds no keys: the other services name it as the onboarding tool does by default.
    const seenByBamf = await loadDirectory(bamf.a.db, bamf.a.config);
    expect(seenByBamf.map((m) => m.key)).to.deep.equal(["BAMF", "ZAB", "ABH-14625"]);
  });

  it("tells only the followers: the district hears of a case when it is allocated there, BAMF and ZAB get the district's steps", async () => {
    const label = "followed-case";
    const c = { bamf: await addCase(bamf.a, label), zab: await addCase(zab.a, label) };
    // A BAMF step before any allocation: the ZAB (central authority) follows every case, the district none.
    const filed = await record(bamf, c.bamf, "APPLICATION_FILED");
    await mirrored(filed);
    await waitFor(async () => (await kinds(zab, c.zab.caseRef)).includes("FORWARD"), "ZAB forward");
    expect(await kinds(lra, c.bamf.caseRef)).to.deep.equal([]);
    expect(await lra.a.db.caseFollow.count({ where: { caseRef: c.bamf.caseRef } })).to.equal(0);

    // The ZAB allocates the person to Bautzen: the BAMF gets its MUNICIPAL_ALLOCATION notice as before, and
    // so does the district named, which follows the case from now on.
    const allocated = await record(zab, c.zab, "MUNICIPAL_ALLOCATION", BAUTZEN);
    await mirrored(allocated);
    await waitFor(async () => (await kinds(bamf, c.bamf.caseRef)).includes("MUNICIPAL_ALLOCATION"), "BAMF allocation notice");
    await waitFor(async () => (await kinds(lra, c.bamf.caseRef)).includes("MUNICIPAL_ALLOCATION"), "district allocation notice");
    const follow = await lra.a.db.caseFollow.findUnique({ where: { caseRef: c.bamf.caseRef } });
    expect(follow).to.include({ byAllocation: true, byStep: false });

    // The district's steps reach the BAMF (it recorded a step on the case) and the ZAB as forwards.
    const caseAtDistrict = { id: (await lra.a.db.case.create({ data: { caseRef: c.bamf.caseRef, fileNumber: "TEST-district-" + label, fictitious: true } })).id, caseRef: c.bamf.caseRef };
    const received = await record(lra, caseAtDistrict, "ALLOCATION_RECEIVED");
    const arrived = await record(lra, caseAtDistrict, "ARRIVED_REGISTERED");
    await mirrored(arrived);
    for (const r of [bamf, zab]) {
      await waitFor(async () => {
        const rows = await r.a.db.notification.findMany({ where: { caseRef: c.bamf.caseRef, kind: "FORWARD" } });
        const ids = rows.map((n) => n.eventId);
        return ids.includes(received) && ids.includes(arrived);
      }, `${r.a.agency} forwards of the district's steps`);
    }
    // Its own steps raise nothing for the district itself.
    const own = await lra.a.db.notification.findMany({ where: { caseRef: c.bamf.caseRef, eventId: { in: [received, arrived] } } });
    expect(own).to.deep.equal([]);
  });

  it("does not tell the BAMF of a case it never touched", async () => {
    const c = await addCase(zab.a, "zab-only-case");
    const dresden = await record(zab, c, "MUNICIPAL_ALLOCATION", DRESDEN);
    await mirrored(dresden);
    expect(await kinds(bamf, c.caseRef)).to.deep.equal([]);
    // Allocated to Dresden, not Bautzen: the district of Bautzen neither follows nor hears of it.
    expect(await kinds(lra, c.caseRef)).to.deep.equal([]);
  });

  it("refuses a district step for a case allocated elsewhere before sending, naming the rule; the chain's refusal reads the same", async () => {
    const c = await addCase(zab.a, "allocated-to-dresden");
    const dresden = await record(zab, c, "MUNICIPAL_ALLOCATION", DRESDEN);
    await mirrored(dresden);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

    const refused = await api.inject({ method: "POST", url: `/api/cases/${c.caseRef}/steps`, headers, payload: { step: "ARRIVED_REGISTERED" } });
    expect(refused.statusCode, refused.body).to.equal(403);
    const problem = refused.json();
    expect(problem.type).to.equal("/api/docs#problem-not-allocated-to-district");
    expect(problem.rule).to.equal("NotAllocatedToDistrict");
    expect(problem.detail).to.include("Rule: a district immigration authority records steps only for cases whose latest municipal allocation");
    expect(problem.detail).to.include("Dresden").and.include("14612").and.include("14625");
    expect(await lra.a.db.step.count({ where: { caseRef: c.caseRef } })).to.equal(0);

    // A step of another agency type: refused naming the district authority's type.
    const other = await api.inject({ method: "POST", url: `/api/cases/${c.caseRef}/steps`, headers, payload: { step: "MUNICIPAL_ALLOCATION", detail: 14625 } });
    expect(other.statusCode, other.body).to.equal(400);
    expect(other.json().type).to.equal("/api/docs#problem-step-not-permitted");
    expect(other.json().detail).to.include("DISTRICT_AUTHORITY").and.include("CENTRAL_AUTHORITY");

    // Past the service's check (queued directly): the chain refuses, and the status names the same rule.
    const row = await lra.a.db.case.create({ data: { caseRef: c.caseRef, fileNumber: "TEST-district-dresden", fictitious: true } });
    const s = await queueStep(lra.a, { id: row.id, caseRef: c.caseRef }, "ARRIVED_REGISTERED");
    lra.writer.wake();
    const failed = await waitFor(async () => {
      const r = await lra.a.db.step.findUnique({ where: { id: s.id } });
      return r?.state === "failed" ? r : undefined;
    }, "the chain's refusal");
    expect(failed.failureReason).to.match(/^NotAllocatedToDistrict\(/);
    const status = await stepStatus(lra.ctx, failed.eventId);
    expect(status?.problem?.type).to.equal("/api/docs#problem-not-allocated-to-district");
    expect(status?.problem?.detail).to.include("Rule: a district immigration authority records steps only");
  });

  it("lists the district's allocations with arrivals overdue and due, and raises the overdue notice", async () => {
    // Allocated while the chain's clock is still weeks behind: overdue once the clock catches up.
    const late = await addCase(zab.a, "arrival-overdue");
    const lateId = await record(zab, late, "MUNICIPAL_ALLOCATION", BAUTZEN);
    await mirrored(lateId);
    // The chain's clock to today, then a fresh allocation: arrival due.
    const behind = Math.floor(Date.now() / 1000) - (await chain.provider.getBlock("latest"))!.timestamp;
    await chain.provider.send("evm_increaseTime", [behind + 60]);
    await chain.provider.send("evm_mine", []);
    const fresh = await addCase(zab.a, "arrival-due");
    const freshId = await record(zab, fresh, "MUNICIPAL_ALLOCATION", BAUTZEN);
    await mirrored(freshId);

    const list = await receivedAllocations(lra.ctx, clerk, { limit: 100, offset: 0 });
    const byRef = new Map(list.allocations.map((a) => [a.caseRef, a]));
    expect(list.arrivalOverdueDays).to.equal(CODE_LISTS.parameters.arrivalOverdueDays);
    expect(byRef.get(late.caseRef)).to.include({ status: "overdue", overdue: true, received: false });
    expect(byRef.get(fresh.caseRef)).to.include({ status: "due", overdue: false, received: false });
    expect(list.allocations[0].overdue).to.equal(true);
    // Cases allocated to Dresden are not the district's.
    expect(list.allocations.every((a) => a.district.code === 14625)).to.equal(true);

    const deadlines = await openDeadlines(lra.ctx, clerk, { kind: "ARRIVAL", limit: 100, offset: 0 });
    const arrival = new Map(deadlines.deadlines.map((d) => [d.caseRef, d]));
    expect(arrival.get(late.caseRef)).to.include({ kind: "ARRIVAL", overdue: true });
    expect(arrival.get(fresh.caseRef)).to.include({ kind: "ARRIVAL", overdue: false });
    expect(deadlines.overdue).to.be.greaterThan(0);

    const notices = await dueDeadlines(lra.a.db, { agency: lra.a.config, appealPeriodDays: 14, webhook: false }, new Date());
    const overdue = notices.filter((n) => JSON.parse(n.payload).deadline === "ARRIVAL_OVERDUE").map((n) => n.caseRef);
    expect(overdue).to.include(late.caseRef).and.not.include(fresh.caseRef);
  });
});
