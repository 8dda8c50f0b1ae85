// Every write makes all its checks before its first event. What that must not change: a batch's logs
// come step by step (the audit replays them in that order), a retry is told apart before the correction
// checks, and the deployment's events keep their order.
import { expect } from "chai";
import { ethers } from "hardhat";
import { CODE_LISTS, codeListHash, codeListVersionLabel } from "../../services/shared/codelists";
import { AGENCY, caseRefOf, eventIdOfStep, setUp } from "./helpers";
import { BAUTZEN, DEMO_DISTRICT_AGENCY, SAXONY, TYPE, rightsOf } from "./fixtures";

describe("checks before events", function () {
  it("a batch's logs come step by step: each StepRecorded, then that step's rule events", async function () {
    const { ledger, zab, clerk } = await setUp();
    const caseRef = caseRefOf("batch-log-order");
    const registered = clerk.make(caseRef, "REGISTERED");
    const early = clerk.make(caseRef, "DEPARTURE_OBLIGATION"); // before any decision: OutOfOrder
    const correction = clerk.make(caseRef, "CORRECTION", eventIdOfStep(registered), undefined, "ZAB");
    const receipt = await (await ledger.connect(zab).recordBatch([registered, early, correction])).wait();
    const names = receipt!.logs.map((l) => ledger.interface.parseLog(l)?.name);
    expect(names).to.deep.equal(["StepRecorded", "StepRecorded", "OutOfOrder", "StepRecorded", "StepCorrected"]);
  });

  it("a correction under an event id already recorded is a retry (AlreadyRecorded), whatever it names", async function () {
    const { ledger, zab, clerk } = await setUp();
    const caseRef = caseRefOf("retried-correction");
    const registered = clerk.make(caseRef, "REGISTERED");
    await ledger.connect(zab).record(registered);
    // The same event id again, now as a correction naming a step never recorded: a retry first.
    const never = clerk.make(caseRefOf("never-sent"), "REGISTERED");
    const retry = clerk.make(caseRef, "CORRECTION", eventIdOfStep(never), undefined, "ZAB");
    retry.packedStep = (BigInt(retry.packedStep) & ~((1n << 64n) - 1n)) | eventIdOfStep(registered);
    await expect(ledger.connect(zab).record(retry))
      .to.be.revertedWithCustomError(ledger, "AlreadyRecorded")
      .withArgs(0, eventIdOfStep(registered));
  });

  it("the deployment emits the type rights, then each agency's joining with its members, then auditors, then the code list", async function () {
    const [, a, b, c, d, e] = await ethers.getSigners();
    const Ledger = await ethers.getContractFactory("ProcedureLedger");
    const hash = codeListHash(CODE_LISTS);
    const version = codeListVersionLabel(CODE_LISTS);
    const rights = rightsOf();
    const ok = await Ledger.deploy(
      rights,
      [
        { account: a.address, agency: AGENCY.BAMF, agencyType: TYPE.FEDERAL_OFFICE, scope: SAXONY, name: "BAMF" },
        { account: b.address, agency: AGENCY.ZAB, agencyType: TYPE.CENTRAL_AUTHORITY, scope: SAXONY, name: "ZAB" },
        { account: d.address, agency: 3, agencyType: TYPE.DISTRICT_AUTHORITY, scope: BAUTZEN, name: DEMO_DISTRICT_AGENCY.name },
        { account: e.address, agency: AGENCY.ZAB, agencyType: TYPE.CENTRAL_AUTHORITY, scope: SAXONY, name: "ZAB again" },
      ],
      [c.address],
      hash,
      version,
    );
    const receipt = await ok.deploymentTransaction()!.wait();
    const logs = receipt!.logs.map((l) => ok.interface.parseLog(l)!);
    expect(logs.map((l) => [l.name, ...l.args])).to.deep.equal([
      ...rights.map((r) => ["TypeRightsChanged", BigInt(r.agencyType), r.steps, r.allocationScoped]),
      ["AgencyJoined", BigInt(AGENCY.BAMF), BigInt(TYPE.FEDERAL_OFFICE), BigInt(SAXONY), "BAMF"],
      ["MemberAdded", a.address, BigInt(AGENCY.BAMF)],
      ["AgencyJoined", BigInt(AGENCY.ZAB), BigInt(TYPE.CENTRAL_AUTHORITY), BigInt(SAXONY), "ZAB"],
      ["MemberAdded", b.address, BigInt(AGENCY.ZAB)],
      ["AgencyJoined", 3n, BigInt(TYPE.DISTRICT_AUTHORITY), BigInt(BAUTZEN), DEMO_DISTRICT_AGENCY.name],
      ["MemberAdded", d.address, 3n],
      ["MemberAdded", e.address, BigInt(AGENCY.ZAB)],
      ["AuditorAdded", c.address],
      ["CodeListChanged", ethers.ZeroHash, hash, version],
    ]);
  });
});
