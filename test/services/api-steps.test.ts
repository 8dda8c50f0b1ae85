// Recording steps through the API: the row, its commitment, idempotency (sequential and concurrent),
// conflicts, the agency boundary, partner cases known only from the ledger, corrections, code lists.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { startTestChain, freePort, type TestChain } from "../support/chain";
import { Wallet } from "ethers";
import { ChainAdapter } from "../../services/agency/chain/adapter";
import { startApi, chainPortFor, TEST_CONSORTIUM_KEY, type ApiHarness } from "../support/api-harness";
import { LedgerMirror } from "../support/ledger-mirror";
import { caseRefOf } from "../../services/shared/pseudonym";
import { commitmentOf, dataDigest, canonicalJson } from "../../services/shared/commitment";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { recordStep } from "../../services/agency/steps/record-steps";
import { recordStepBody } from "../../services/agency/steps/step-input";
import type { CodeListGuard } from "../../services/agency/api/code-list-guard";

const person = { familyName: "Beispiel (fiktiv)", givenNames: "Amina", dateOfBirth: "1991-04-12", nationality: "SYR" };

describe("API: recording steps", function () {
  let chain: TestChain;
  let bamf: ApiHarness;
  let zab: ApiHarness;
  let fileSeq = 1000;

  before(async () => {
    chain = await startTestChain();
    bamf = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
    zab = await startApi({ agency: "ZAB", chain: chainPortFor(chain, "ZAB") });
  });
  after(async () => {
    await bamf?.close();
    await zab?.close();
    await chain?.dispose();
  });

  async function newCase(h: ApiHarness): Promise<string> {
    const fileNumber = `${8000000 + fileSeq++}-423`;
    const r = await h.call("POST", "/api/cases", { token: h.tokens.clerk, body: { fileNumber, person } });
    expect(r.status).to.equal(201);
    return r.json.caseRef;
  }

  const post = (h: ApiHarness, caseRef: string, body: unknown) => h.call("POST", `/api/cases/${caseRef}/steps`, { token: h.tokens.clerk, body });

  it("queues the step with its commitment and wakes the outbox", async () => {
    const caseRef = await newCase(bamf);
    const wakes = bamf.outbox.wakes;
    const eventId = randomUUID();
    const r = await post(bamf, caseRef, { eventId, step: "HEARING_SCHEDULED", businessDate: "2027-01-20", data: { room: "A 1.12", interpreter: "Arabisch" } });
    expect(r.status).to.equal(202);
    const row = await bamf.db.step.findUniqueOrThrow({ where: { eventId } });
    expect(r.json).to.deep.equal({ eventId, ledgerEventId: eventIdOf(1, row.id).toString(), state: "queued" });
    expect(r.headers.get("location")).to.equal(`/api/steps/${eventId}`);
    expect(row).to.include({ caseRef, stepCode: 3, detail: "0", businessDate: 20270120, state: "queued" });
    expect(row.data).to.equal(canonicalJson({ caseRef, step: 3, detail: "0", businessDate: 20270120, data: { room: "A 1.12", interpreter: "Arabisch" } }));
    expect(row.commitment).to.equal(commitmentOf(row.salt!, dataDigest(row.data!)));
    expect(bamf.outbox.wakes).to.equal(wakes + 1);

    const status = await bamf.call("GET", `/api/steps/${eventId}`, { token: bamf.tokens.clerk });
    expect(status.status).to.equal(200);
    expect(status.json).to.include({ eventId, state: "queued", caseRef, failureReason: null });
    expect(status.json.step).to.deep.equal({ code: 3, key: "HEARING_SCHEDULED" });
  });

  it("generates an event id when none is given", async () => {
    const caseRef = await newCase(bamf);
    const r = await post(bamf, caseRef, { step: "APPLICATION_FILED" });
    expect(r.status).to.equal(202);
    expect(r.json.eventId).to.match(/^[0-9a-f-]{36}$/);
    expect(await bamf.db.step.count({ where: { eventId: r.json.eventId } })).to.equal(1);
  });

  it("resolves detail codes given as key or as number to the same on-chain code", async () => {
    const caseRef = await newCase(bamf);
    const byKey = await post(bamf, caseRef, { step: "DECISION_ISSUED", detail: "REJECTED_UNFOUNDED" });
    const byNumber = await post(bamf, caseRef, { step: "DECISION_ISSUED", detail: 5 });
    expect(byKey.status).to.equal(202);
    expect(byNumber.status).to.equal(202);
    const rows = await bamf.db.step.findMany({ where: { caseRef, stepCode: 5 } });
    expect(rows.map((r) => r.detail)).to.deep.equal(["5", "5"]);
  });

  it("answers a repeated request with the same event id with the same result and one row", async () => {
    const caseRef = await newCase(bamf);
    const body = { eventId: randomUUID(), step: "APPLICATION_FILED", data: { note: "Antrag mündlich" } };
    const first = await post(bamf, caseRef, body);
    const wakes = bamf.outbox.wakes;
    const second = await post(bamf, caseRef, body);
    expect(first.status).to.equal(202);
    expect(second.status).to.equal(202);
    expect(second.json).to.deep.equal(first.json);
    expect(await bamf.db.step.count({ where: { eventId: body.eventId } })).to.equal(1);
    expect(bamf.outbox.wakes).to.equal(wakes, "a repeat queues nothing new");
  });

  it("makes one row for concurrent requests with the same event id", async () => {
    const caseRef = await newCase(bamf);
    const body = { eventId: randomUUID(), step: "APPLICATION_FILED", data: { note: "parallel" } };
    const before = await bamf.db.step.count();
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(bamf, caseRef, body)));
    expect(answers.map((a) => a.status)).to.deep.equal(Array(12).fill(202));
    for (const a of answers) expect(a.json).to.deep.equal(answers[0].json);
    expect(await bamf.db.step.count({ where: { eventId: body.eventId } })).to.equal(1);
    expect(await bamf.db.step.count()).to.equal(before + 1);
  });

  it("returns the winner's answer to a request that loses the insert race (unique constraint)", async () => {
    const caseRef = await newCase(bamf);
    const input = recordStepBody("BAMF").parse({ eventId: randomUUID(), step: "APPLICATION_FILED", data: { race: true } });
    const pass = { assertWritable: async () => undefined } as unknown as CodeListGuard;
    let winner: unknown;
    // The guard runs after the loser looked for the event id and before it inserts: the winner gets in there.
    const interleaving = { assertWritable: async () => void (winner = await recordStep(bamf.ctx, pass, caseRef, input)) } as unknown as CodeListGuard;
    const loser = await recordStep(bamf.ctx, interleaving, caseRef, input);
    expect(winner).to.not.equal(undefined);
    expect(loser).to.deep.equal(winner);
    expect(await bamf.db.step.count({ where: { eventId: input.eventId } })).to.equal(1);
  });

  it("answers 409 when an event id is reused with a different body, and keeps the first", async () => {
    const caseRef = await newCase(bamf);
    const eventId = randomUUID();
    expect((await post(bamf, caseRef, { eventId, step: "APPLICATION_FILED", data: { a: 1 } })).status).to.equal(202);
    const before = await bamf.db.step.findUniqueOrThrow({ where: { eventId } });
    for (const other of [
      { eventId, step: "APPLICATION_FILED", data: { a: 2 } },
      { eventId, step: "HEARING_HELD", data: { a: 1 } },
    ]) {
      const r = await post(bamf, caseRef, other);
      expect(r.status).to.equal(409);
      expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(r.json.errors).to.deep.equal([{ field: "eventId", message: r.json.errors[0].message }]);
    }
    const otherCase = await newCase(bamf);
    expect((await post(bamf, otherCase, { eventId, step: "APPLICATION_FILED", data: { a: 1 } })).status).to.equal(409);
    expect(await bamf.db.step.findUniqueOrThrow({ where: { eventId } })).to.deep.equal(before);
  });

  it("erases the case's off-chain data together with queueing the ERASED marker", async () => {
    const caseRef = await newCase(bamf);
    const filed = randomUUID();
    expect((await post(bamf, caseRef, { eventId: filed, step: "APPLICATION_FILED", data: { note: "Dolmetscher Arabisch" } })).status).to.equal(202);
    const before = await bamf.db.step.findUniqueOrThrow({ where: { eventId: filed } });
    const marker = randomUUID();
    const r = await post(bamf, caseRef, { eventId: marker, step: "ERASED", detail: "ERASURE_REQUEST" });
    expect(r.status).to.equal(202);

    const c = await bamf.db.case.findUniqueOrThrow({ where: { caseRef } });
    expect(c).to.include({ familyName: null, givenNames: null, dateOfBirth: null, nationality: null });
    expect(c.fileNumber).not.to.match(/^\d{7}-\d{3}$/);
    expect(c.erasedAt).to.be.instanceOf(Date);
    const after = await bamf.db.step.findUniqueOrThrow({ where: { eventId: filed } });
    expect(after).to.include({ data: null, salt: null, commitment: before.commitment });
    const m = await bamf.db.step.findUniqueOrThrow({ where: { eventId: marker } });
    expect(m).to.include({ stepCode: 21, detail: "2", state: "queued" });
    expect(m.salt).to.match(/^0x[0-9a-f]{64}$/);
  });

  describe("the agency boundary", () => {
    it("rejects the other agency's step first, clearly, and writes nothing", async () => {
      const caseRef = await newCase(bamf);
      const before = await bamf.counts();
      // REGISTERED is ZAB's; the other mistakes in the body do not hide that.
      const r = await post(bamf, caseRef, { step: "REGISTERED", detail: "x", businessDate: "nope", extra: true });
      expect(r.status).to.equal(400);
      expect(r.json.type).to.equal("/api/docs#problem-step-not-permitted");
      expect(r.json.title).to.equal("Schritt einer anderen Behördenart / Step of another agency type");
      expect(r.json.errors).to.have.length(1);
      expect(r.json.errors[0].field).to.equal("step");
      // names the types: the step's (the ZAB's, a central authority) and this service's (a federal office)
      expect(r.json.detail).to.contain("CENTRAL_AUTHORITY").and.contain("FEDERAL_OFFICE");
      expect(await bamf.counts()).to.deep.equal(before);
    });

    it("works the same way for ZAB: BAMF's steps are refused", async () => {
      const caseRef = await newCase(zab);
      const before = await zab.counts();
      for (const step of ["DECISION_ISSUED", "APPLICATION_FILED", "PROSPECTS_ASSESSED"]) {
        const r = await post(zab, caseRef, { step, detail: 1 });
        expect(r.status, step).to.equal(400);
        expect(r.json.type).to.equal("/api/docs#problem-step-not-permitted");
      }
      expect(await zab.counts()).to.deep.equal(before);
    });

    it("lets each agency record its own steps and the shared ones", async () => {
      const caseRef = await newCase(zab);
      expect((await post(zab, caseRef, { step: "REGISTERED" })).status).to.equal(202);
      expect((await post(zab, caseRef, { step: "REPATRIATION_CANCELLED" })).status).to.equal(202, "optional reason");
      expect((await post(zab, caseRef, { step: "MUNICIPAL_ALLOCATION", detail: 14612 })).status).to.equal(202);
      expect((await post(zab, caseRef, { step: "MUNICIPAL_ALLOCATION", detail: "14713" })).status).to.equal(202);
      expect((await post(zab, caseRef, { step: "ERASED", detail: "RETENTION_EXPIRED" })).status).to.equal(202);
    });
  });

  describe("cases known only from the ledger", () => {
    it("refuses an unknown case reference with 404 and writes nothing", async () => {
      const before = await bamf.counts();
      const r = await post(bamf, "0x" + "ab".repeat(32), { step: "APPLICATION_FILED" });
      expect(r.status).to.equal(404);
      expect(r.json.title).to.equal("Nicht gefunden / Not found");
      expect(await bamf.counts()).to.deep.equal(before);
    });

    it("records for a partner's case known from the ledger, without personal data, and fills it in on registration", async () => {
      const fileNumber = "8123456-438";
      const caseRef = caseRefOf(fileNumber, TEST_CONSORTIUM_KEY);
      await new LedgerMirror(bamf.db).record({ caseRef, agency: "ZAB", seq: 900_001, step: "REGISTERED" });
      const r = await post(bamf, caseRef, { step: "APPLICATION_FILED" });
      expect(r.status).to.equal(202);
      const placeholder = await bamf.db.case.findUniqueOrThrow({ where: { caseRef } });
      expect(placeholder).to.include({ familyName: null, givenNames: null, dateOfBirth: null, nationality: null });
      expect(placeholder.fileNumber).to.not.equal(fileNumber);

      const reg = await bamf.call("POST", "/api/cases", { token: bamf.tokens.clerk, body: { fileNumber, person } });
      expect(reg.status).to.equal(201);
      expect(reg.json.caseRef).to.equal(caseRef);
      const held = await bamf.db.case.findUniqueOrThrow({ where: { caseRef } });
      expect(held).to.include({ id: placeholder.id, fileNumber, familyName: person.familyName });
      const again = await bamf.call("POST", "/api/cases", { token: bamf.tokens.clerk, body: { fileNumber, person } });
      expect(again.status).to.equal(200);
      expect(again.json).to.deep.equal({ caseRef });
    });
  });

  describe("corrections", () => {
    it("accepts a correction of an own step of the case", async () => {
      const caseRef = await newCase(bamf);
      const original = await post(bamf, caseRef, { step: "DECISION_ISSUED", detail: "REJECTED_UNFOUNDED" });
      const r = await post(bamf, caseRef, { step: "CORRECTION", detail: original.json.ledgerEventId, data: { reason: "Tippfehler im Bescheid" } });
      expect(r.status).to.equal(202);
      const row = await bamf.db.step.findUniqueOrThrow({ where: { eventId: r.json.eventId } });
      expect(row.detail).to.equal(original.json.ledgerEventId);
    });

    it("refuses a correction of the other agency's step, of an unknown step, or with a numeric id", async () => {
      const caseRef = await newCase(bamf);
      const own = await post(bamf, caseRef, { step: "APPLICATION_FILED" });
      const before = await bamf.counts();
      const cases: [unknown, string][] = [
        [eventIdOf(2, 5).toString(), "ZAB's event"],
        [eventIdOf(1, 999_999).toString(), "unknown own event"],
        [Number(own.json.ledgerEventId), "number (loses precision)"],
        [undefined, "missing"],
      ];
      for (const [detail, why] of cases) {
        const r = await post(bamf, caseRef, { step: "CORRECTION", detail });
        expect(r.status, why).to.equal(400);
        expect(
          r.json.errors.map((e: { field: string }) => e.field),
          why,
        ).to.include("detail");
      }
      const otherCase = await newCase(bamf);
      const r = await post(bamf, otherCase, { step: "CORRECTION", detail: own.json.ledgerEventId });
      expect(r.status, "own step of another case").to.equal(400);
      expect(await bamf.counts()).to.deep.equal({ ...before, cases: before.cases + 1 });
    });
  });

  describe("code lists differ from the chain", () => {
    let other: TestChain;
    let h: ApiHarness;
    before(async () => {
      other = await startTestChain({ codeListHash: "0x" + "11".repeat(32) });
      h = await startApi({ agency: "BAMF", chain: chainPortFor(other, "BAMF") });
    });
    after(async () => {
      await h?.close();
      await other?.dispose();
    });

    it("refuses to record, says why, and writes nothing; registering a case still works", async () => {
      const caseRef = await newCase(h);
      const before = await h.counts();
      const r = await post(h, caseRef, { step: "APPLICATION_FILED" });
      expect(r.status).to.equal(503);
      expect(r.json.title).to.equal("Code-Listen weichen ab / Code lists differ");
      expect(r.json.onChainHash).to.equal("0x" + "11".repeat(32));
      expect(await h.counts()).to.deep.equal(before);
      expect(h.outbox.wakes).to.equal(0);

      const ready = await h.call("GET", "/readyz");
      expect(ready.status).to.equal(503);
      expect(ready.json.checks.codeLists.ok).to.equal(false);
      expect(ready.json.reasons.join(" ")).to.contain("Code-Listen");
    });
  });

  describe("chain unreachable", () => {
    let h: ApiHarness;
    before(async () => {
      const port = await freePort();
      const wallet = Wallet.createRandom() as unknown as Wallet;
      const unreachable = new ChainAdapter({ rpcUrl: `http://127.0.0.1:${port}`, chainId: 4242, ledgerAddress: wallet.address, deploymentBlock: 0, wallet });
      h = await startApi({ agency: "ZAB", chain: unreachable });
    });
    after(async () => h?.close());

    it("still queues steps (the outbox submits when the chain is back)", async () => {
      const caseRef = await newCase(h);
      const r = await post(h, caseRef, { step: "REGISTERED" });
      expect(r.status).to.equal(202);
      expect(await h.db.step.count({ where: { eventId: r.json.eventId, state: "queued" } })).to.equal(1);
      expect(h.outbox.wakes).to.equal(1);
    });
  });
});
