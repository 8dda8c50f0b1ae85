// Recording many steps in one request (POST /api/steps): each step checked as a single one, all written in
// one transaction or none, refusals naming the step (steps[i].<field>), repeats answered as before,
// sequentially and concurrently.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, type ApiHarness } from "../support/api-harness";
import { commitmentOf, dataDigest, canonicalJson } from "../../services/shared/commitment";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { MAX_BULK_STEPS } from "../../services/agency/steps/step-input";

const person = { familyName: "Beispiel (fiktiv)", givenNames: "Jonas", dateOfBirth: "1988-02-03", nationality: "AFG" };

describe("API: recording steps in bulk (POST /api/steps)", function () {
  let chain: TestChain;
  let bamf: ApiHarness;
  let fileSeq = 5000;

  before(async () => {
    chain = await startTestChain();
    bamf = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
  });
  after(async () => {
    await bamf?.close();
    await chain?.dispose();
  });

  async function newCase(): Promise<string> {
    const r = await bamf.call("POST", "/api/cases", { token: bamf.tokens.clerk, body: { fileNumber: `${7100000 + fileSeq++}-423`, person } });
    expect(r.status).to.equal(201);
    return r.json.caseRef;
  }
  const postBulk = (steps: unknown[]) => bamf.call("POST", "/api/steps", { token: bamf.tokens.clerk, body: { steps } });

  it("queues the steps of several cases in one request, in request order, each with its commitment", async () => {
    const [a, b] = [await newCase(), await newCase()];
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const wakes = bamf.outbox.wakes;
    const r = await postBulk([
      { caseRef: a, eventId: ids[0], step: "APPLICATION_FILED", data: { note: "mündlich" } },
      { caseRef: b, eventId: ids[1], step: "HEARING_SCHEDULED", businessDate: "2027-03-01" },
      { caseRef: a, eventId: ids[2], step: "DECISION_ISSUED", detail: "REJECTED_UNFOUNDED" },
    ]);
    expect(r.status, r.text).to.equal(202);
    const rows = await Promise.all(ids.map((eventId) => bamf.db.step.findUniqueOrThrow({ where: { eventId } })));
    expect(r.json).to.deep.equal({ steps: rows.map((row) => ({ eventId: row.eventId, ledgerEventId: eventIdOf(1, row.id).toString(), state: "queued" })) });
    expect(rows[0].id).to.be.below(rows[1].id);
    expect(rows[1].id).to.be.below(rows[2].id);
    expect(rows.map((x) => [x.caseRef, x.stepCode, x.detail, x.businessDate])).to.deep.equal([
      [a, 2, "0", 0],
      [b, 3, "0", 20270301],
      [a, 5, "5", 0],
    ]);
    expect(rows[0].data).to.equal(canonicalJson({ caseRef: a, step: 2, detail: "0", businessDate: 0, data: { note: "mündlich" } }));
    for (const row of rows) expect(row.commitment).to.equal(commitmentOf(row.salt!, dataDigest(row.data!)));
    expect(bamf.outbox.wakes).to.equal(wakes + 1);
  });

  it("answers a repeated bulk request with the first answers and writes nothing new, also concurrently", async () => {
    const caseRef = await newCase();
    const steps = [
      { caseRef, eventId: randomUUID(), step: "APPLICATION_FILED" },
      { caseRef, eventId: randomUUID(), step: "HEARING_HELD" },
    ];
    const first = await postBulk(steps);
    expect(first.status).to.equal(202);
    const before = await bamf.db.step.count();
    const again = await postBulk(steps);
    expect(again.status).to.equal(202);
    expect(again.json).to.deep.equal(first.json);

    const fresh = [
      { caseRef, eventId: randomUUID(), step: "HEARING_SCHEDULED", businessDate: "2027-04-01" },
      { caseRef, eventId: randomUUID(), step: "HEARING_HELD" },
    ];
    const answers = await Promise.all(Array.from({ length: 8 }, () => postBulk(fresh)));
    expect(answers.map((x) => x.status)).to.deep.equal(Array(8).fill(202));
    for (const x of answers) expect(x.json).to.deep.equal(answers[0].json);
    expect(await bamf.db.step.count()).to.equal(before + 2);
  });

  it("mixes repeats and new steps: the repeats keep their answers, the new ones are queued", async () => {
    const caseRef = await newCase();
    const old = { caseRef, eventId: randomUUID(), step: "APPLICATION_FILED" };
    const first = await postBulk([old]);
    const r = await postBulk([old, { caseRef, step: "HEARING_HELD" }]);
    expect(r.status).to.equal(202);
    expect(r.json.steps[0]).to.deep.equal(first.json.steps[0]);
    expect(r.json.steps[1].eventId).to.match(/^[0-9a-f-]{36}$/);
    expect(await bamf.db.step.count({ where: { caseRef } })).to.equal(2);
  });

  describe("one refused step: nothing is written, and the field names the step", () => {
    let caseRef: string;
    before(async () => {
      caseRef = await newCase();
    });
    const cases: { name: string; steps: () => unknown[]; status: number; type: string; field: string }[] = [
      {
        name: "an unknown case",
        steps: () => [{ caseRef, step: "APPLICATION_FILED" }, { caseRef: "0x" + "cd".repeat(32), step: "APPLICATION_FILED" }],
        status: 404,
        type: "not-found",
        field: "steps[1].caseRef",
      },
      {
        name: "a detail not in the step's list",
        steps: () => [{ caseRef, step: "APPLICATION_FILED" }, { caseRef, step: "HEARING_HELD" }, { caseRef, step: "DECISION_ISSUED", detail: "NOPE" }],
        status: 400,
        type: "invalid-input",
        field: "steps[2].detail",
      },
      {
        name: "the other agency's step (before anything else)",
        steps: () => [{ caseRef, step: "APPLICATION_FILED" }, { caseRef, step: "REGISTERED", detail: "x", extra: 1 }],
        status: 400,
        type: "step-not-permitted",
        field: "steps[1].step",
      },
      { name: "ERASED (only one at a time)", steps: () => [{ caseRef, step: "ERASED", detail: "RETENTION_EXPIRED" }], status: 400, type: "invalid-input", field: "steps[0].step" },
      {
        name: "the same event id twice",
        steps: () => {
          const eventId = randomUUID();
          return [
            { caseRef, eventId, step: "APPLICATION_FILED" },
            { caseRef, eventId, step: "HEARING_HELD" },
          ];
        },
        status: 400,
        type: "invalid-input",
        field: "steps[1].eventId",
      },
      { name: "a malformed case reference", steps: () => [{ caseRef: "0x12", step: "APPLICATION_FILED" }], status: 400, type: "invalid-input", field: "steps[0].caseRef" },
      { name: "an unknown field", steps: () => [{ caseRef, step: "APPLICATION_FILED", fileNumber: "1234567-123" }], status: 400, type: "invalid-input", field: "steps[0].fileNumber" },
      { name: "no steps", steps: () => [], status: 400, type: "invalid-input", field: "steps" },
      {
        name: `more than ${MAX_BULK_STEPS} steps`,
        steps: () => Array.from({ length: MAX_BULK_STEPS + 1 }, () => ({ caseRef, step: "HEARING_HELD" })),
        status: 400,
        type: "invalid-input",
        field: "steps",
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const before = await bamf.counts();
        const r = await postBulk(c.steps());
        expect(r.status, r.text).to.equal(c.status);
        expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
        expect(r.json.type).to.equal(`/api/docs#problem-${c.type}`);
        expect(r.json.errors.map((e: { field: string }) => e.field)).to.include(c.field);
        expect(await bamf.counts()).to.deep.equal(before);
      });
    }

    it("an event id used before with a different body: 409, and the new steps of the request are not written", async () => {
      const eventId = randomUUID();
      expect((await postBulk([{ caseRef, eventId, step: "APPLICATION_FILED" }])).status).to.equal(202);
      const before = await bamf.counts();
      const r = await postBulk([
        { caseRef, step: "HEARING_HELD" },
        { caseRef, eventId, step: "APPLICATION_FILED", data: { other: true } },
      ]);
      expect(r.status).to.equal(409);
      expect(r.json.errors[0].field).to.equal("steps[1].eventId");
      expect(await bamf.counts()).to.deep.equal(before);
    });
  });
});
