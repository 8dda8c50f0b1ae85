// Step rights are data on chain, set by governance with the code-list version: a SetCodeList vote changes
// what each agency type may record for every later step, without a redeployment.
import { expect } from "chai";
import { ethers } from "hardhat";
import { CODE_LISTS, CODE_LIST_VERSIONS, codeListHash, codeListVersionLabel, typeRightsOf, type CodeLists } from "../../services/shared/codelists";
import { BAUTZEN_DISTRICT, FLAG, caseRefOf, code, passVote, rawStep, setUp } from "./helpers";
import { AGENCY, BAUTZEN, DEMO_DISTRICT_AGENCY, TYPE, rightsOf } from "./fixtures";
import type { ProcedureLedger } from "../../typechain-types";

const STEP = (key: string) => 1n << BigInt(code(key));

describe("code lists: step rights by vote", function () {
  it("a ledger started on 2026.1 takes 2026.2 by vote: the district type and steps 22-24 work from the next step on", async function () {
    const [, bamf, zab, auditor, , , district] = await ethers.getSigners();
    const [old] = CODE_LIST_VERSIONS;
    const Ledger = await ethers.getContractFactory("ProcedureLedger");
    const ledger = (await Ledger.deploy(
      rightsOf(old.lists),
      [
        { account: bamf.address, agency: AGENCY.BAMF, agencyType: TYPE.FEDERAL_OFFICE, scope: 14, name: "BAMF" },
        { account: zab.address, agency: AGENCY.ZAB, agencyType: TYPE.CENTRAL_AUTHORITY, scope: 14, name: "ZAB" },
      ],
      [auditor.address],
      codeListHash(old.raw as CodeLists),
      codeListVersionLabel(old.lists),
    )) as unknown as ProcedureLedger;
    const caseRef = caseRefOf("upgrade");
    await ledger.connect(zab).record(rawStep(AGENCY.ZAB, 1, caseRef, code("MUNICIPAL_ALLOCATION"), BAUTZEN_DISTRICT));
    // Under 2026.1 no type records steps 22-24, and there is no district type to join with.
    await expect(ledger.connect(zab).record(rawStep(AGENCY.ZAB, 2, caseRef, code("ALLOCATION_RECEIVED"))))
      .to.be.revertedWithCustomError(ledger, "UnknownStep")
      .withArgs(0, code("ALLOCATION_RECEIVED"));
    const bz = DEMO_DISTRICT_AGENCY;
    await expect(ledger.connect(bamf).proposeAddMember(district.address, bz.agency, bz.agencyType, bz.scope, bz.name))
      .to.be.revertedWithCustomError(ledger, "UnknownAgencyType")
      .withArgs(TYPE.DISTRICT_AUTHORITY);

    const rights = rightsOf(CODE_LISTS);
    const previous = await ledger.codeListHash();
    const hash = codeListHash(CODE_LISTS);
    const version = codeListVersionLabel(CODE_LISTS);
    const propose = ledger.connect(bamf).proposeCodeList(hash, version, rights);
    await expect(propose).to.emit(ledger, "ProposalCreated").withArgs(0, bamf.address, 4, ethers.ZeroAddress, 0, 0, 0, "", hash, version);
    await expect(propose).not.to.emit(ledger, "TypeRightsChanged");
    expect((await ledger.proposalRights(0)).map((r) => [r.agencyType, r.steps, r.allocationScoped])).to.deep.equal(
      rights.map((r) => [BigInt(r.agencyType), r.steps, r.allocationScoped]),
    );
    const approve = await ledger.connect(zab).approve(0);
    const receipt = await approve.wait();
    const names = receipt!.logs.map((l) => ledger.interface.parseLog(l)!.name);
    expect(names).to.deep.equal(["ProposalApproved", "ProposalExecuted", ...rights.map(() => "TypeRightsChanged"), "CodeListChanged"]);
    await expect(approve).to.emit(ledger, "TypeRightsChanged").withArgs(TYPE.DISTRICT_AUTHORITY, rights[2].steps, true);
    await expect(approve).to.emit(ledger, "CodeListChanged").withArgs(previous, hash, version);
    expect(await ledger.codeListVersion()).to.equal(version);

    // Without a redeployment: the district authority joins by vote and confirms the arrival.
    await passVote(ledger, (as) => as.proposeAddMember(district.address, bz.agency, bz.agencyType, bz.scope, bz.name), bamf, [zab]);
    await expect(ledger.connect(district).record(rawStep(bz.agency, 1, caseRef, code("ARRIVED_REGISTERED")))).to.emit(ledger, "StepRecorded");
    const [flags] = await ledger.caseState(caseRef);
    expect(Number(flags) & FLAG.ARRIVED).to.equal(FLAG.ARRIVED);
    // ZAB is not a district authority: steps 22-24 are now known, but not its own
    await expect(ledger.connect(zab).record(rawStep(AGENCY.ZAB, 3, caseRef, code("ALLOCATION_RECEIVED"))))
      .to.be.revertedWithCustomError(ledger, "StepNotPermitted")
      .withArgs(0, code("ALLOCATION_RECEIVED"), AGENCY.ZAB);
  });

  it("granting and withdrawing a right takes effect for existing members' next steps", async function () {
    const { ledger, bamf, zab } = await setUp();
    const caseRef = caseRefOf("rights-change");
    const [zabSteps] = await ledger.typeRights(TYPE.CENTRAL_AUTHORITY);
    const [bamfSteps] = await ledger.typeRights(TYPE.FEDERAL_OFFICE);
    // ZAB gains ARRIVED_REGISTERED (not allocation-scoped: any case); BAMF loses PROSPECTS_ASSESSED.
    const newRights = [
      { agencyType: TYPE.CENTRAL_AUTHORITY, steps: zabSteps | STEP("ARRIVED_REGISTERED"), allocationScoped: false },
      { agencyType: TYPE.FEDERAL_OFFICE, steps: bamfSteps & ~STEP("PROSPECTS_ASSESSED"), allocationScoped: false },
    ];
    const hash = ethers.keccak256(ethers.toUtf8Bytes("2026.3"));
    await passVote(ledger, (as) => as.proposeCodeList(hash, ethers.encodeBytes32String("2026.3"), newRights), bamf, [zab]);
    expect(await ledger.mayRecord(AGENCY.ZAB, code("ARRIVED_REGISTERED"))).to.equal(true);
    expect(await ledger.mayRecord(AGENCY.BAMF, code("PROSPECTS_ASSESSED"))).to.equal(false);

    // the step's prerequisite still holds: an arrival on a case never allocated alerts
    const arrived = ledger.connect(zab).record(rawStep(AGENCY.ZAB, 1, caseRef, code("ARRIVED_REGISTERED")));
    await expect(arrived).to.emit(ledger, "OutOfOrder").withArgs(caseRef, (BigInt(AGENCY.ZAB) << 56n) | 1n, code("ARRIVED_REGISTERED"), FLAG.ALLOCATED);
    // no type may record PROSPECTS_ASSESSED any more: it is unknown now
    await expect(ledger.connect(bamf).record(rawStep(AGENCY.BAMF, 1, caseRef, code("PROSPECTS_ASSESSED"), 1n)))
      .to.be.revertedWithCustomError(ledger, "UnknownStep")
      .withArgs(0, code("PROSPECTS_ASSESSED"));
    expect((await ledger.knownSteps()) & STEP("PROSPECTS_ASSESSED")).to.equal(0n);
    // the rest of BAMF's rights are untouched
    await expect(ledger.connect(bamf).record(rawStep(AGENCY.BAMF, 2, caseRef, code("APPLICATION_FILED")))).to.emit(ledger, "StepRecorded");
  });

  it("an allocation scope set by vote applies at once to the type's members; lifting it frees them", async function () {
    const { ledger, bamf, zab } = await setUp();
    const [, , , , , , district] = await ethers.getSigners();
    const bz = DEMO_DISTRICT_AGENCY;
    await passVote(ledger, (as) => as.proposeAddMember(district.address, bz.agency, bz.agencyType, bz.scope, bz.name), bamf, [zab]);
    const elsewhere = caseRefOf("elsewhere");
    const arrival = (seq: number) => rawStep(bz.agency, seq, elsewhere, code("ARRIVED_REGISTERED"));
    await expect(ledger.connect(district).record(arrival(1)))
      .to.be.revertedWithCustomError(ledger, "NotAllocatedToDistrict")
      .withArgs(0, elsewhere, BAUTZEN);
    const districtRights = typeRightsOf(CODE_LISTS).find((r) => r.agencyType === TYPE.DISTRICT_AUTHORITY)!;
    const free = [{ agencyType: TYPE.DISTRICT_AUTHORITY, steps: districtRights.steps, allocationScoped: false }];
    await passVote(ledger, (as) => as.proposeCodeList(ethers.id("free"), ethers.encodeBytes32String("test-free"), free), bamf, [zab]);
    await expect(ledger.connect(district).record(arrival(1))).to.emit(ledger, "StepRecorded");
    const scoped = [{ ...free[0], allocationScoped: true }];
    await passVote(ledger, (as) => as.proposeCodeList(ethers.id("scoped"), ethers.encodeBytes32String("test-scoped"), scoped), bamf, [zab]);
    await expect(ledger.connect(district).record(arrival(2)))
      .to.be.revertedWithCustomError(ledger, "NotAllocatedToDistrict")
      .withArgs(0, elsewhere, BAUTZEN);
  });

  it("a code list without rights changes only the version; a type omitted keeps its rights", async function () {
    const { ledger, bamf, zab } = await setUp();
    const before = await Promise.all([1, 2, 3].map((t) => ledger.typeRights(t)));
    const { last } = await passVote(ledger, (as) => as.proposeCodeList(ethers.id("x"), ethers.encodeBytes32String("x"), []), bamf, [zab]);
    await expect(last).not.to.emit(ledger, "TypeRightsChanged");
    await expect(last).to.emit(ledger, "CodeListChanged");
    expect(await Promise.all([1, 2, 3].map((t) => ledger.typeRights(t)))).to.deep.equal(before);
    expect(await ledger.proposalRights(0)).to.deep.equal([]);
  });

  it("a step code the catalogue does not name can be granted: it carries no detail and changes no flag", async function () {
    const { ledger, bamf, zab } = await setUp();
    const [bamfSteps] = await ledger.typeRights(TYPE.FEDERAL_OFFICE);
    const rights = [{ agencyType: TYPE.FEDERAL_OFFICE, steps: bamfSteps | (1n << 40n), allocationScoped: false }];
    await passVote(ledger, (as) => as.proposeCodeList(ethers.id("40"), ethers.encodeBytes32String("x"), rights), bamf, [zab]);
    const caseRef = caseRefOf("step-40");
    await expect(ledger.connect(bamf).record(rawStep(AGENCY.BAMF, 1, caseRef, 40, 1n)))
      .to.be.revertedWithCustomError(ledger, "InvalidDetail")
      .withArgs(0, 40, 1n);
    const tx = ledger.connect(bamf).record(rawStep(AGENCY.BAMF, 2, caseRef, 40));
    await expect(tx).to.emit(ledger, "StepRecorded");
    await expect(tx).not.to.emit(ledger, "OutOfOrder");
    expect((await ledger.caseState(caseRef))[0]).to.equal(0n);
    await expect(ledger.connect(zab).record(rawStep(AGENCY.ZAB, 1, caseRef, 40)))
      .to.be.revertedWithCustomError(ledger, "StepNotPermitted")
      .withArgs(0, 40, AGENCY.ZAB);
  });
});
