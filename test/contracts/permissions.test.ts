// Who may record what: every agency x step combination of the step catalogue, non-members, unknown codes.
import { expect } from "chai";
import { CODE_LISTS, mayRecord as catalogueAllows, type AgencyKey } from "../../services/shared/codelists";
import { AGENCY, caseRefOf, eventIdOfStep, rawStep, setUp } from "./helpers";

const AGENCIES: AgencyKey[] = ["BAMF", "ZAB"];

describe("permissions: role x step", function () {
  it("the code lists define steps 1..21 and the catalogue of domain.md", function () {
    expect(CODE_LISTS.steps.map((s) => s.code)).to.deep.equal(Array.from({ length: 21 }, (_, i) => i + 1));
    const bamf = CODE_LISTS.steps.filter((s) => catalogueAllows("BAMF", s)).map((s) => s.key);
    const zab = CODE_LISTS.steps.filter((s) => catalogueAllows("ZAB", s)).map((s) => s.key);
    expect(bamf).to.deep.equal([
      "APPLICATION_FILED", "HEARING_SCHEDULED", "HEARING_HELD", "DECISION_ISSUED", "DECISION_SERVED",
      "APPEAL_FILED", "APPEAL_DECIDED", "DECISION_FINAL", "FOLLOW_UP_APPLICATION_FILED", "FOLLOW_UP_DECIDED",
      "PROSPECTS_ASSESSED", "CORRECTION", "ERASED",
    ]);
    expect(zab).to.deep.equal([
      "REGISTERED", "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED", "REPATRIATION_CANCELLED",
      "REPATRIATION_COMPLETED", "VOLUNTARY_DEPARTURE", "MUNICIPAL_ALLOCATION", "TRANSFERRED_TO_MUNICIPALITY",
      "CORRECTION", "ERASED",
    ]);
  });

  for (const who of AGENCIES) {
    for (const def of CODE_LISTS.steps) {
      const allowed = catalogueAllows(who, def);
      it(`${who} ${allowed ? "may" : "may not"} record ${def.key} (${def.code})`, async function () {
        const { ledger, clerk } = await setUp();
        const caseRef = caseRefOf(`${who}-${def.key}`);
        expect(await ledger.mayRecord(AGENCY[who], def.code)).to.equal(allowed);

        let detail: bigint | undefined;
        if (def.key === "CORRECTION") {
          // A correction names one of the agency's own recorded events.
          const own = await clerk.record(caseRef, who === "BAMF" ? "APPLICATION_FILED" : "REGISTERED");
          detail = own.eventId;
        }
        const step = clerk.make(caseRef, def.key, detail, undefined, who);
        const [, countBefore] = await ledger.caseHead(caseRef);
        const tx = ledger.connect(clerk.signer(who)).record(step);
        if (allowed) {
          await expect(tx).to.emit(ledger, "StepRecorded").withArgs(caseRef, step.packedStep, step.commitment);
          expect(await ledger.isRecorded(eventIdOfStep(step))).to.equal(true);
          expect((await ledger.caseHead(caseRef))[1]).to.equal(countBefore + 1n);
        } else {
          await expect(tx).to.be.revertedWithCustomError(ledger, "StepNotPermitted").withArgs(0, def.code, AGENCY[who]);
          expect(await ledger.isRecorded(eventIdOfStep(step))).to.equal(false);
          expect((await ledger.caseHead(caseRef))[1]).to.equal(countBefore);
        }
      });
    }
  }

  it("a step of the other agency inside a batch is rejected with its index", async function () {
    const { ledger, zab, clerk } = await setUp();
    const caseRef = caseRefOf("batch-perm");
    const steps = [
      clerk.make(caseRef, "REGISTERED"),
      clerk.make(caseRef, "DEPARTURE_OBLIGATION"),
      clerk.make(caseRef, "HEARING_HELD", 0n, 0, "ZAB"),
    ];
    await expect(ledger.connect(zab).recordBatch(steps))
      .to.be.revertedWithCustomError(ledger, "StepNotPermitted")
      .withArgs(2, 4, AGENCY.ZAB);
  });

  for (const role of ["outsider", "auditor", "deployer"] as const) {
    it(`the ${role} may record no step at all (NotAMember)`, async function () {
      const f = await setUp();
      const signer = f[role];
      const caseRef = caseRefOf(`${role}`);
      for (const agency of AGENCIES) {
        for (const def of CODE_LISTS.steps) {
          const step = f.clerk.make(caseRef, def.key, def.key === "CORRECTION" ? 1n : undefined, undefined, agency);
          await expect(f.ledger.connect(signer).record(step))
            .to.be.revertedWithCustomError(f.ledger, "NotAMember")
            .withArgs(signer.address);
        }
      }
      const one = f.clerk.make(caseRef, "REGISTERED");
      await expect(f.ledger.connect(signer).recordBatch([one]))
        .to.be.revertedWithCustomError(f.ledger, "NotAMember")
        .withArgs(signer.address);
      await expect(f.ledger.connect(signer).recordBatch([]))
        .to.be.revertedWithCustomError(f.ledger, "EmptyBatch");
      expect((await f.ledger.caseHead(caseRef))[1]).to.equal(0n);
    });
  }

  it("mayRecord() is false for unknown agencies and unknown steps", async function () {
    const { ledger } = await setUp();
    for (const step of [0, 22, 23, 31, 32, 255]) {
      expect(await ledger.mayRecord(AGENCY.BAMF, step)).to.equal(false);
      expect(await ledger.mayRecord(AGENCY.ZAB, step)).to.equal(false);
    }
    for (const agency of [0, 3, 255]) {
      for (let step = 1; step <= 21; step++) expect(await ledger.mayRecord(agency, step)).to.equal(false);
    }
  });

  for (const who of AGENCIES) {
    it(`unknown step codes 0 and 22+ from ${who} are rejected (UnknownStep)`, async function () {
      const { ledger, clerk } = await setUp();
      const caseRef = caseRefOf(`unknown-${who}`);
      let seq = 1000;
      for (const step of [0, 22, 23, 31, 32, 128, 255]) {
        await expect(ledger.connect(clerk.signer(who)).record(rawStep(AGENCY[who], seq++, caseRef, step)))
          .to.be.revertedWithCustomError(ledger, "UnknownStep")
          .withArgs(0, step);
      }
      const batch = [clerk.make(caseRef, who === "BAMF" ? "APPLICATION_FILED" : "REGISTERED"), rawStep(AGENCY[who], seq++, caseRef, 22)];
      await expect(ledger.connect(clerk.signer(who)).recordBatch(batch))
        .to.be.revertedWithCustomError(ledger, "UnknownStep")
        .withArgs(1, 22);
    });
  }
});
