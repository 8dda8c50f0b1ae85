// What can never be right is rejected: malformed steps, details and dates outside the catalogue,
// an empty case reference, an event id of another agency, an empty batch.
import { expect } from "chai";
import { ethers } from "hardhat";
import { packStep } from "../../services/shared/ledger-codec";
import { AGENCY, BAUTZEN_DISTRICT, caseRefOf, code, eventIdOfStep, rawStep, setUp, setUpNetwork, type Step, type TestAgency } from "./helpers";

describe("validation", function () {
  it("an empty batch is rejected (EmptyBatch)", async function () {
    const { ledger, bamf, zab } = await setUp();
    await expect(ledger.connect(bamf).recordBatch([])).to.be.revertedWithCustomError(ledger, "EmptyBatch");
    await expect(ledger.connect(zab).recordBatch([])).to.be.revertedWithCustomError(ledger, "EmptyBatch");
  });

  it("bits above bit 167 of the packed step are rejected (MalformedStep)", async function () {
    const { ledger, zab, clerk } = await setUp();
    const caseRef = caseRefOf("malformed");
    const ok = clerk.make(caseRef, "REGISTERED");
    for (const bit of [168n, 200n, 255n]) {
      const bad = { ...ok, packedStep: BigInt(ok.packedStep) | (1n << bit) };
      await expect(ledger.connect(zab).record(bad)).to.be.revertedWithCustomError(ledger, "MalformedStep").withArgs(0);
    }
    // bit 167 is the top bit of the business date: well-formed, but not a date REGISTERED may carry
    const topOfDate = { ...ok, packedStep: BigInt(ok.packedStep) | (1n << 167n) };
    await expect(ledger.connect(zab).record(topOfDate))
      .to.be.revertedWithCustomError(ledger, "InvalidBusinessDate")
      .withArgs(0, code("REGISTERED"), 1n << 31n);
    const second = { ...clerk.make(caseRef, "REGISTERED") };
    second.packedStep = BigInt(second.packedStep) | (1n << 200n);
    await expect(ledger.connect(zab).recordBatch([ok, second]))
      .to.be.revertedWithCustomError(ledger, "MalformedStep")
      .withArgs(1);
    await expect(ledger.connect(zab).record(ok)).to.emit(ledger, "StepRecorded");
  });

  // [step, who, detail, accepted]
  const details: [string, TestAgency, bigint, boolean][] = [
    ["DECISION_ISSUED", "BAMF", 0n, false],
    ["DECISION_ISSUED", "BAMF", 1n, true],
    ["DECISION_ISSUED", "BAMF", 8n, true],
    ["DECISION_ISSUED", "BAMF", 9n, false],
    ["APPEAL_FILED", "BAMF", 0n, false],
    ["APPEAL_FILED", "BAMF", 1n, true],
    ["APPEAL_FILED", "BAMF", 2n, true],
    ["APPEAL_FILED", "BAMF", 3n, false],
    ["APPEAL_DECIDED", "BAMF", 0n, false],
    ["APPEAL_DECIDED", "BAMF", 3n, false],
    ["FOLLOW_UP_DECIDED", "BAMF", 0n, false],
    ["FOLLOW_UP_DECIDED", "BAMF", 3n, false],
    ["PROSPECTS_ASSESSED", "BAMF", 0n, false],
    ["PROSPECTS_ASSESSED", "BAMF", 3n, false],
    ["REPATRIATION_CANCELLED", "ZAB", 0n, true],
    ["REPATRIATION_CANCELLED", "ZAB", 255n, true],
    ["REPATRIATION_CANCELLED", "ZAB", 256n, false],
    ["ERASED", "BAMF", 0n, true],
    ["ERASED", "ZAB", 255n, true],
    ["ERASED", "ZAB", 256n, false],
    // any German district key (AGS of a Kreis): Land 01-16, then three digits
    ["MUNICIPAL_ALLOCATION", "ZAB", 1000n, false],
    ["MUNICIPAL_ALLOCATION", "ZAB", 1001n, true],
    ["MUNICIPAL_ALLOCATION", "ZAB", 9162n, true],
    ["MUNICIPAL_ALLOCATION", "ZAB", 14001n, true],
    ["MUNICIPAL_ALLOCATION", "ZAB", 14625n, true],
    ["MUNICIPAL_ALLOCATION", "ZAB", 16999n, true],
    ["MUNICIPAL_ALLOCATION", "ZAB", 17000n, false],
    ["MUNICIPAL_ALLOCATION", "ZAB", 0n, false],
    ["MUNICIPAL_ALLOCATION", "ZAB", 9162000n, false],
    ["CORRECTION", "BAMF", 0n, false],
    ["REGISTERED", "ZAB", 1n, false],
    ["APPLICATION_FILED", "BAMF", 1n, false],
    ["HEARING_SCHEDULED", "BAMF", 1n, false],
    ["HEARING_HELD", "BAMF", 1n, false],
    ["DECISION_SERVED", "BAMF", 1n, false],
    ["DECISION_FINAL", "BAMF", 1n, false],
    ["FOLLOW_UP_APPLICATION_FILED", "BAMF", 1n, false],
    ["DEPARTURE_OBLIGATION", "ZAB", 1n, false],
    ["REPATRIATION_SCHEDULED", "ZAB", 1n, false],
    ["REPATRIATION_COMPLETED", "ZAB", 1n, false],
    ["VOLUNTARY_DEPARTURE", "ZAB", 1n, false],
    ["TRANSFERRED_TO_MUNICIPALITY", "ZAB", 1n, false],
    ["ALLOCATION_RECEIVED", "ABH-14625", 1n, false],
    ["ARRIVED_REGISTERED", "ABH-14625", 1n, false],
    ["NOT_ARRIVED", "ABH-14625", 14625n, false],
    ["REGISTERED", "ZAB", (1n << 64n) - 1n, false],
  ];
  for (const [key, who, detail, accepted] of details) {
    it(`${key} with detail ${detail} is ${accepted ? "accepted" : "rejected (InvalidDetail)"}`, async function () {
      const { ledger, clerk } = await setUpNetwork();
      const caseRef = caseRefOf(`detail-${key}-${detail}`);
      if (who === "ABH-14625") await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
      const step = clerk.make(caseRef, key, detail, undefined, who);
      const tx = ledger.connect(clerk.signer(who)).record(step);
      if (accepted) {
        await expect(tx).to.emit(ledger, "StepRecorded").withArgs(caseRef, step.packedStep, step.commitment);
      } else {
        await expect(tx).to.be.revertedWithCustomError(ledger, "InvalidDetail").withArgs(0, code(key), detail);
        expect(await ledger.isRecorded(eventIdOfStep(step))).to.equal(false);
      }
    });
  }

  // [step, who, date, accepted]
  const dates: [string, TestAgency, number, boolean][] = [
    ["HEARING_SCHEDULED", "BAMF", 0, false],
    ["HEARING_SCHEDULED", "BAMF", 20270115, true],
    ["HEARING_SCHEDULED", "BAMF", 20000101, true],
    ["HEARING_SCHEDULED", "BAMF", 29991231, true],
    ["HEARING_SCHEDULED", "BAMF", 19991231, false],
    ["HEARING_SCHEDULED", "BAMF", 30000101, false],
    ["HEARING_SCHEDULED", "BAMF", 20271301, false],
    ["HEARING_SCHEDULED", "BAMF", 20270001, false],
    ["HEARING_SCHEDULED", "BAMF", 20270100, false],
    ["HEARING_SCHEDULED", "BAMF", 20270132, false],
    ["REPATRIATION_SCHEDULED", "ZAB", 0, false],
    ["REPATRIATION_SCHEDULED", "ZAB", 20271231, true],
    ["REPATRIATION_SCHEDULED", "ZAB", 2027011, false],
    ["REPATRIATION_SCHEDULED", "ZAB", 0xffffffff, false],
    ["REGISTERED", "ZAB", 20270115, false],
    ["APPLICATION_FILED", "BAMF", 20270115, false],
    ["HEARING_HELD", "BAMF", 20270115, false],
    ["REPATRIATION_COMPLETED", "ZAB", 20270115, false],
    ["ARRIVED_REGISTERED", "ABH-14625", 20270115, false],
  ];
  for (const [key, who, date, accepted] of dates) {
    it(`${key} with business date ${date} is ${accepted ? "accepted" : "rejected (InvalidBusinessDate)"}`, async function () {
      const { ledger, clerk } = await setUpNetwork();
      const caseRef = caseRefOf(`date-${key}-${date}`);
      if (who === "ABH-14625") await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
      const step = clerk.make(caseRef, key, undefined, date, who);
      const tx = ledger.connect(clerk.signer(who)).record(step);
      if (accepted) {
        await expect(tx).to.emit(ledger, "StepRecorded").withArgs(caseRef, step.packedStep, step.commitment);
      } else {
        await expect(tx).to.be.revertedWithCustomError(ledger, "InvalidBusinessDate").withArgs(0, code(key), date);
      }
    });
  }

  it("a step with a detail and a date that are both wrong names the detail first", async function () {
    const { ledger, bamf, clerk } = await setUp();
    const step = clerk.make(caseRefOf("both-wrong"), "HEARING_HELD", 7n, 20270115);
    await expect(ledger.connect(bamf).record(step))
      .to.be.revertedWithCustomError(ledger, "InvalidDetail")
      .withArgs(0, code("HEARING_HELD"), 7n);
  });

  it("the zero case reference is rejected (EmptyCaseRef), also inside a batch", async function () {
    const { ledger, zab, clerk } = await setUp();
    await expect(ledger.connect(zab).record(clerk.make(ethers.ZeroHash, "REGISTERED")))
      .to.be.revertedWithCustomError(ledger, "EmptyCaseRef")
      .withArgs(0);
    const batch = [clerk.make(caseRefOf("a"), "REGISTERED"), clerk.make(caseRefOf("b"), "REGISTERED"), clerk.make(ethers.ZeroHash, "REGISTERED")];
    await expect(ledger.connect(zab).recordBatch(batch)).to.be.revertedWithCustomError(ledger, "EmptyCaseRef").withArgs(2);
  });

  it("an event id whose agency bits are not the sender's is rejected (ForeignEventId)", async function () {
    const { ledger, bamf, zab } = await setUp();
    const caseRef = caseRefOf("foreign");
    // BAMF sends with a ZAB event id
    const zabId = rawStep(AGENCY.ZAB, 7, caseRef, code("APPLICATION_FILED"));
    await expect(ledger.connect(bamf).record(zabId))
      .to.be.revertedWithCustomError(ledger, "ForeignEventId")
      .withArgs(0, eventIdOfStep(zabId), AGENCY.BAMF);
    // ZAB sends with a BAMF event id
    const bamfId = rawStep(AGENCY.BAMF, 7, caseRef, code("REGISTERED"));
    await expect(ledger.connect(zab).record(bamfId))
      .to.be.revertedWithCustomError(ledger, "ForeignEventId")
      .withArgs(0, eventIdOfStep(bamfId), AGENCY.ZAB);
    // no agency bits at all, and another agency 3
    const noAgency: Step = { caseRef, packedStep: packStep({ eventId: 5n, step: code("REGISTERED"), detail: 0n, businessDate: 0 }), commitment: ethers.ZeroHash };
    await expect(ledger.connect(zab).record(noAgency)).to.be.revertedWithCustomError(ledger, "ForeignEventId").withArgs(0, 5n, AGENCY.ZAB);
    const agency3 = rawStep(3, 1, caseRef, code("REGISTERED"));
    await expect(ledger.connect(zab).recordBatch([rawStep(AGENCY.ZAB, 1, caseRef, code("REGISTERED")), agency3]))
      .to.be.revertedWithCustomError(ledger, "ForeignEventId")
      .withArgs(1, eventIdOfStep(agency3), AGENCY.ZAB);
    expect(await ledger.isRecorded(eventIdOfStep(zabId))).to.equal(false);
    expect(await ledger.isRecorded(eventIdOfStep(bamfId))).to.equal(false);
    expect((await ledger.caseHead(caseRef))[1]).to.equal(0n);
  });
});
