// Allocation to the districts: the pure proposal function (services/agency/allocation/propose.ts) and the
// ZAB endpoint that lists due cases with a proposal that explains itself.
import { expect } from "chai";
import { proposeDistrict, proposeInOrder, type DistrictKey } from "../../services/agency/allocation/propose";
import { CODE_LISTS } from "../../services/shared/codelists";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, TEST_CONSORTIUM_KEY, type ApiHarness } from "../support/api-harness";
import { LedgerMirror } from "../support/ledger-mirror";
import { caseRefOf } from "../../services/shared/pseudonym";

const ABC: DistrictKey[] = [
  { code: 3, name: "C", population: 20 },
  { code: 1, name: "A", population: 50 },
  { code: 2, name: "B", population: 30 },
];
const SAXONY: DistrictKey[] = CODE_LISTS.distributionKey.districts.map((d) => ({ code: d.code, name: d.de, population: d.population }));

describe("allocation proposal (pure)", () => {
  it("proposes the district lagging furthest behind share x (allocations so far + 1)", () => {
    const p = proposeDistrict(ABC, new Map([[1, 1]]));
    // next is the 2nd allocation: quotas A 1.0, B 0.6, C 0.4; lags A 0, B 0.6, C 0.4
    expect(p.total).to.equal(1);
    expect(p.district.code).to.equal(2);
    expect(p.standings.map((s) => [s.code, s.quota, s.allocated, s.lag])).to.deep.equal([
      [2, 0.6, 0, 0.6],
      [3, 0.4, 0, 0.4],
      [1, 1, 1, 0],
    ]);
    expect(p.standings.find((s) => s.code === 1)!.share).to.equal(0.5);
  });

  it("starts with the largest district when nothing is allocated (Leipzig, Stadt in Saxony)", () => {
    const p = proposeDistrict(SAXONY, new Map());
    expect(p.district).to.include({ code: 14713, name: "Leipzig, Stadt", allocated: 0 });
    expect(p.district.quota).to.be.closeTo(616 / SAXONY.reduce((s, d) => s + d.population, 0), 0.001);
    expect(p.standings).to.have.length(13);
  });

  it("breaks ties by population, then by the lower code", () => {
    const twins: DistrictKey[] = [
      { code: 20, name: "Y", population: 10 },
      { code: 10, name: "X", population: 10 },
      { code: 30, name: "Z", population: 5 },
    ];
    expect(proposeDistrict(twins, new Map()).district.code).to.equal(10);
    expect(proposeDistrict(twins, new Map([[10, 1]])).district.code).to.equal(20);
  });

  it("counts allocations to districts outside the key toward the total only", () => {
    const p = proposeDistrict(ABC, new Map([[99, 4]]));
    expect(p.total).to.equal(4);
    expect(p.district).to.include({ code: 1, quota: 2.5, allocated: 0 });
  });

  it("spreads consecutive proposals and keeps every district within one allocation of its share", () => {
    const proposals = proposeInOrder(ABC, new Map(), 100);
    const counts = new Map<number, number>();
    for (const [n, p] of proposals.entries()) {
      counts.set(p.district.code, (counts.get(p.district.code) ?? 0) + 1);
      for (const d of ABC) expect(Math.abs((counts.get(d.code) ?? 0) - (d.population / 100) * (n + 1))).to.be.lessThan(1);
    }
    expect(Object.fromEntries(counts)).to.deep.equal({ 1: 50, 2: 30, 3: 20 });
    expect(proposals[0].district.code).to.not.equal(proposals[1].district.code);

    const saxony = proposeInOrder(SAXONY, new Map(), 1000);
    const total = SAXONY.reduce((s, d) => s + d.population, 0);
    const c2 = new Map<number, number>();
    for (const p of saxony) c2.set(p.district.code, (c2.get(p.district.code) ?? 0) + 1);
    for (const d of SAXONY) expect(Math.abs((c2.get(d.code) ?? 0) - (d.population / total) * 1000)).to.be.lessThan(1);
  });

  it("explains itself in German and English", () => {
    const p = proposeDistrict(ABC, new Map([[1, 1]]));
    expect(p.explanation.de).to.contain("B (2)").and.contain("Soll 0,6").and.contain("bisher 0");
    expect(p.explanation.en).to.contain("B (2)").and.contain("quota 0.6").and.contain("allocated so far 0");
  });

  it("refuses an empty distribution key", () => {
    expect(() => proposeDistrict([], new Map())).to.throw();
  });
});

describe("API: allocation proposals (ZAB)", function () {
  let chain: TestChain;
  let zab: ApiHarness;
  const ref = (n: number) => caseRefOf(`55000${String(n).padStart(2, "0")}-423`, TEST_CONSORTIUM_KEY);

  before(async () => {
    chain = await startTestChain();
    zab = await startApi({ agency: "ZAB", chain: chainPortFor(chain, "ZAB") });
    const m = new LedgerMirror(zab.db);
    let zabSeq = 100;
    let bamfSeq = 100;
    // Allocations so far: Leipzig, Stadt twice, Dresden, Stadt once.
    for (const [n, district] of [
      [1, 14713],
      [2, 14713],
      [3, 14612],
    ] as const) {
      await m.record({ caseRef: ref(n), agency: "BAMF", seq: bamfSeq++, step: "DECISION_ISSUED", detail: 1, notices: [{ name: "AllocationDue" }] });
      await m.record({ caseRef: ref(n), agency: "ZAB", seq: zabSeq++, step: "MUNICIPAL_ALLOCATION", detail: district });
    }
    // Due and open: 10 (decision), 11 (good prospects); 12 is due but ZAB already queued its allocation.
    await m.record({ caseRef: ref(10), agency: "BAMF", seq: bamfSeq++, step: "DECISION_ISSUED", detail: 3, notices: [{ name: "AllocationDue" }] });
    await m.record({ caseRef: ref(11), agency: "BAMF", seq: bamfSeq++, step: "PROSPECTS_ASSESSED", detail: 1, notices: [{ name: "AllocationDue" }] });
    await m.record({ caseRef: ref(12), agency: "BAMF", seq: bamfSeq++, step: "PROSPECTS_ASSESSED", detail: 1, notices: [{ name: "AllocationDue" }] });
    const r = await zab.call("POST", `/api/cases/${ref(12)}/steps`, { token: zab.tokens.clerk, body: { step: "MUNICIPAL_ALLOCATION", detail: 14511 } });
    expect(r.status).to.equal(202);
  });
  after(async () => {
    await zab?.close();
    await chain?.dispose();
  });

  it("lists the due cases in order, each with a proposal that assumes the earlier ones confirmed", async () => {
    const r = await zab.call("GET", "/api/allocation/proposals", { token: zab.tokens.clerk });
    expect(r.status).to.equal(200);
    expect(r.json.distributionKey.version).to.equal(CODE_LISTS.distributionKey.version);
    expect(r.json.allocatedSoFar).to.equal(4, "three on chain, one queued here");
    expect(r.json.proposals.map((p: { caseRef: string }) => p.caseRef)).to.deep.equal([ref(10), ref(11)]);

    const counts = new Map([
      [14713, 2],
      [14612, 1],
      [14511, 1],
    ]);
    const expected = proposeInOrder(SAXONY, counts, 2);
    const [first, second] = r.json.proposals;
    expect(first.proposed).to.deep.equal({ code: expected[0].district.code, name: expected[0].district.name });
    expect(second.proposed).to.deep.equal({ code: expected[1].district.code, name: expected[1].district.name });
    expect(first.proposed.code).to.equal(14521, "the Erzgebirgskreis lags furthest once Leipzig, Dresden and Chemnitz have theirs");
    expect(first.districts).to.have.length(13);
    const leipzig = first.districts.find((d: { code: number }) => d.code === 14713);
    expect(leipzig).to.include({ allocated: 2 });
    expect(leipzig.quota).to.be.closeTo((616 / SAXONY.reduce((s, d) => s + d.population, 0)) * 5, 0.001);
    expect(first.explanation.de).to.contain("Erzgebirgskreis (14521)");
    expect(second.districts.find((d: { code: number }) => d.code === first.proposed.code).allocated).to.equal(1, "the first proposal counted");
    expect(await zab.db.accessLog.count({ where: { action: "allocation-proposals" } })).to.equal(2);
  });

  it("names the person by file number and name to clerks where this agency holds the case, and to auditors not at all", async () => {
    const created = await zab.call("POST", "/api/cases", {
      token: zab.tokens.clerk,
      body: { fileNumber: "5500010-423", person: { familyName: "Haddad (fiktiv)", givenNames: "Lina", dateOfBirth: "1994-02-03", nationality: "SYR" } },
    });
    expect(created.json.caseRef).to.equal(ref(10));
    const clerk = await zab.call("GET", "/api/allocation/proposals", { token: zab.tokens.clerk });
    const [held, partner] = clerk.json.proposals;
    expect(held).to.include({ caseRef: ref(10), held: true, fileNumber: "5500010-423", name: "Haddad (fiktiv), Lina" });
    expect(partner).to.include({ caseRef: ref(11), held: false });
    expect(partner).to.not.have.any.keys("fileNumber", "name");
    const auditor = await zab.call("GET", "/api/allocation/proposals", { token: zab.tokens.auditor });
    expect(auditor.json.proposals[0]).to.include({ caseRef: ref(10), held: true });
    expect(auditor.json.proposals[0]).to.not.have.any.keys("fileNumber", "name");
  });

  it("drops a case once its allocation is recorded, confirming or overriding the proposal", async () => {
    const r = await zab.call("POST", `/api/cases/${ref(10)}/steps`, { token: zab.tokens.clerk, body: { step: "MUNICIPAL_ALLOCATION", detail: 14626 } });
    expect(r.status).to.equal(202);
    const after = await zab.call("GET", "/api/allocation/proposals", { token: zab.tokens.auditor });
    expect(after.json.proposals.map((p: { caseRef: string }) => p.caseRef)).to.deep.equal([ref(11)]);
    expect(after.json.allocatedSoFar).to.equal(5);
    expect(after.json.proposals[0].districts.find((d: { code: number }) => d.code === 14626).allocated).to.equal(1);
  });
});
