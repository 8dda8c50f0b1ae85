// Who may record what: every agency type x step combination of the code lists' rights (set on chain at
// deployment), non-members, unknown codes.
import { expect } from "chai";
import { CODE_LISTS, mayRecord as catalogueAllows } from "../../services/shared/codelists";
import { AGENCY, BAUTZEN_DISTRICT, caseRefOf, eventIdOfStep, rawStep, setUpNetwork, type TestAgency } from "./helpers";
import { rightsOf } from "./fixtures";

const AGENCIES: TestAgency[] = ["BAMF", "ZAB", "ABH-14625"];
const TYPE_OF: Record<TestAgency, string> = { BAMF: "FEDERAL_OFFICE", ZAB: "CENTRAL_AUTHORITY", "ABH-14625": "DISTRICT_AUTHORITY" };
const UNKNOWN_STEPS = [0, 25, 31, 32, 127, 128, 255];

describe("permissions: type x step", function () {
  it("the code lists define steps 1..24 and the catalogue of domain.md, by agency type", function () {
    expect(CODE_LISTS.steps.map((s) => s.code)).to.deep.equal(Array.from({ length: 24 }, (_, i) => i + 1));
    const keysOf = (type: string) => CODE_LISTS.steps.filter((s) => catalogueAllows(type, s)).map((s) => s.key);
    expect(keysOf("FEDERAL_OFFICE")).to.deep.equal([
      "APPLICATION_FILED", "HEARING_SCHEDULED", "HEARING_HELD", "DECISION_ISSUED", "DECISION_SERVED",
      "APPEAL_FILED", "APPEAL_DECIDED", "DECISION_FINAL", "FOLLOW_UP_APPLICATION_FILED", "FOLLOW_UP_DECIDED",
      "PROSPECTS_ASSESSED", "CORRECTION", "ERASED",
    ]);
    expect(keysOf("CENTRAL_AUTHORITY")).to.deep.equal([
      "REGISTERED", "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED", "REPATRIATION_CANCELLED",
      "REPATRIATION_COMPLETED", "VOLUNTARY_DEPARTURE", "MUNICIPAL_ALLOCATION", "TRANSFERRED_TO_MUNICIPALITY",
      "CORRECTION", "ERASED",
    ]);
    expect(keysOf("DISTRICT_AUTHORITY")).to.deep.equal(["CORRECTION", "ERASED", "ALLOCATION_RECEIVED", "ARRIVED_REGISTERED", "NOT_ARRIVED"]);
  });

  it("the chain holds the code lists' rights per type; only the district authority is allocation-scoped", async function () {
    const { ledger } = await setUpNetwork();
    for (const r of rightsOf()) {
      const [steps, scoped] = await ledger.typeRights(r.agencyType);
      expect(steps).to.equal(r.steps);
      expect(scoped).to.equal(r.agencyType === 3);
    }
    expect(await ledger.knownSteps()).to.equal(((1n << 25n) - 1n) & ~1n);
  });

  for (const who of AGENCIES) {
    for (const def of CODE_LISTS.steps) {
      const allowed = catalogueAllows(TYPE_OF[who], def);
      it(`${who} ${allowed ? "may" : "may not"} record ${def.key} (${def.code})`, async function () {
        const { ledger, clerk } = await setUpNetwork();
        const caseRef = caseRefOf(`${who}-${def.key}`);
        expect(await ledger.mayRecord(AGENCY[who], def.code)).to.equal(allowed);
        // The district authority writes only for cases allocated to its district.
        if (who === "ABH-14625") await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);

        let detail: bigint | undefined;
        if (def.key === "CORRECTION") {
          // A correction names one of the agency's own recorded events.
          const own = await clerk.record(caseRef, { BAMF: "APPLICATION_FILED", ZAB: "REGISTERED", "ABH-14625": "ALLOCATION_RECEIVED" }[who]);
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

  it("a step of another type inside a batch is rejected with its index", async function () {
    const { ledger, zab, clerk } = await setUpNetwork();
    const caseRef = caseRefOf("batch-perm");
    const steps = [
      clerk.make(caseRef, "REGISTERED"),
      clerk.make(caseRef, "DEPARTURE_OBLIGATION"),
      clerk.make(caseRef, "HEARING_HELD", 0n, 0, "ZAB"),
    ];
    await expect(ledger.connect(zab).recordBatch(steps))
      .to.be.revertedWithCustomError(ledger, "StepNotPermitted")
      .withArgs(2, 4, AGENCY.ZAB);
    const arrival = [clerk.make(caseRef, "REGISTERED"), clerk.make(caseRef, "ARRIVED_REGISTERED", 0n, 0, "ZAB")];
    await expect(ledger.connect(zab).recordBatch(arrival))
      .to.be.revertedWithCustomError(ledger, "StepNotPermitted")
      .withArgs(1, 23, AGENCY.ZAB);
  });

  for (const role of ["outsider", "auditor", "deployer"] as const) {
    it(`the ${role} may record no step at all (NotAMember)`, async function () {
      const f = await setUpNetwork();
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

  it("mayRecord() is false for agencies that never joined and for unknown steps", async function () {
    const { ledger } = await setUpNetwork();
    for (const step of UNKNOWN_STEPS) {
      for (const who of AGENCIES) expect(await ledger.mayRecord(AGENCY[who], step)).to.equal(false);
    }
    for (const agency of [0, 4, 255]) {
      for (let step = 1; step <= 24; step++) expect(await ledger.mayRecord(agency, step)).to.equal(false);
    }
  });

  for (const who of AGENCIES) {
    it(`step codes no type may record (0, 25+) from ${who} are rejected (UnknownStep)`, async function () {
      const { ledger, clerk } = await setUpNetwork();
      const caseRef = caseRefOf(`unknown-${who}`);
      if (who === "ABH-14625") await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
      let seq = 1000;
      for (const step of UNKNOWN_STEPS) {
        await expect(ledger.connect(clerk.signer(who)).record(rawStep(AGENCY[who], seq++, caseRef, step)))
          .to.be.revertedWithCustomError(ledger, "UnknownStep")
          .withArgs(0, step);
      }
      const first = { BAMF: "APPLICATION_FILED", ZAB: "REGISTERED", "ABH-14625": "ALLOCATION_RECEIVED" }[who];
      const batch = [clerk.make(caseRef, first), rawStep(AGENCY[who], seq++, caseRef, 25)];
      await expect(ledger.connect(clerk.signer(who)).recordBatch(batch))
        .to.be.revertedWithCustomError(ledger, "UnknownStep")
        .withArgs(1, 25);
    });
  }
});
