// Onboarding without a code change: further agencies join by majority vote with their type, scope and name,
// write within their type's rights at once, and stop writing at once when a vote removes them.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { AGENCY, BAUTZEN_DISTRICT, DRESDEN, caseRefOf, code, passVote, rawStep, setUp } from "./helpers";
import { BAUTZEN, DEMO_DISTRICT_AGENCY, TYPE } from "./fixtures";

const DRESDEN_AUTHORITY = { agency: 4, agencyType: TYPE.DISTRICT_AUTHORITY, scope: 14612, name: "Landeshauptstadt Dresden, Ausländerbehörde" };

describe("membership: onboarding and removal by vote", function () {
  it("a 3rd and a 4th agency join by majority; each writes within its rights from the next transaction", async function () {
    const { ledger, bamf, zab, district, spare, clerk } = await setUp();
    expect(await ledger.agencyCount()).to.equal(2);
    const bz = DEMO_DISTRICT_AGENCY;

    // 3rd: BAMF proposes, ZAB approves (2 of 2)
    await ledger.connect(bamf).proposeAddMember(district.address, bz.agency, bz.agencyType, bz.scope, bz.name);
    expect(await ledger.agencyOf(district.address)).to.equal(0);
    const joined3 = ledger.connect(zab).approve(0);
    await expect(joined3).to.emit(ledger, "AgencyJoined").withArgs(bz.agency, bz.agencyType, bz.scope, bz.name);
    await expect(joined3).to.emit(ledger, "MemberAdded").withArgs(district.address, bz.agency);
    expect(await ledger.agencyInfo(bz.agency)).to.deep.equal([BigInt(bz.agencyType), BigInt(bz.scope), 1n]);
    expect(await ledger.agencyCount()).to.equal(3);
    expect(await ledger.requiredApprovals()).to.equal(2);

    // 4th: the new district proposes (1 of 3), BAMF approves (2 of 3: a majority)
    const d = DRESDEN_AUTHORITY;
    await ledger.connect(district).proposeAddMember(spare.address, d.agency, d.agencyType, d.scope, d.name);
    expect(await ledger.hasApproved(1, bz.agency)).to.equal(true);
    const joined4 = ledger.connect(bamf).approve(1);
    await expect(joined4).to.emit(ledger, "ProposalApproved").withArgs(1, bamf.address, 2, 2);
    await expect(joined4).to.emit(ledger, "AgencyJoined").withArgs(d.agency, d.agencyType, d.scope, d.name);
    expect(await ledger.agencyCount()).to.equal(4);
    expect(await ledger.requiredApprovals()).to.equal(3);

    // Both write their district's steps, each only for its own cases.
    const bautzenCase = caseRefOf("to-bautzen");
    const dresdenCase = caseRefOf("to-dresden");
    await clerk.record(bautzenCase, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
    await clerk.record(dresdenCase, "MUNICIPAL_ALLOCATION", DRESDEN);
    expect(DRESDEN).to.equal(BigInt(d.scope));
    await expect(ledger.connect(district).record(rawStep(bz.agency, 1, bautzenCase, code("ARRIVED_REGISTERED")))).to.emit(ledger, "StepRecorded");
    await expect(ledger.connect(spare).record(rawStep(d.agency, 1, dresdenCase, code("ARRIVED_REGISTERED")))).to.emit(ledger, "StepRecorded");
    await expect(ledger.connect(spare).record(rawStep(d.agency, 2, bautzenCase, code("ARRIVED_REGISTERED"))))
      .to.be.revertedWithCustomError(ledger, "NotAllocatedToDistrict")
      .withArgs(0, bautzenCase, d.scope);
    await expect(ledger.connect(spare).record(rawStep(d.agency, 3, dresdenCase, code("REGISTERED"))))
      .to.be.revertedWithCustomError(ledger, "StepNotPermitted")
      .withArgs(0, code("REGISTERED"), d.agency);
    await expect(ledger.connect(spare).record(rawStep(bz.agency, 9, dresdenCase, code("ARRIVED_REGISTERED"))))
      .to.be.revertedWithCustomError(ledger, "ForeignEventId")
      .withArgs(0, (BigInt(bz.agency) << 56n) | 9n, d.agency);
  });

  it("removing an agency by vote stops its writes at once, within the same block; its history stays", async function () {
    const { ledger, bamf, zab, district, spare, clerk } = await setUp();
    const bz = DEMO_DISTRICT_AGENCY;
    const d = DRESDEN_AUTHORITY;
    await passVote(ledger, (as) => as.proposeAddMember(district.address, bz.agency, bz.agencyType, bz.scope, bz.name), bamf, [zab]);
    await passVote(ledger, (as) => as.proposeAddMember(spare.address, d.agency, d.agencyType, d.scope, d.name), bamf, [zab]);
    const caseRef = caseRefOf("dresden-removed");
    await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", DRESDEN);
    await ledger.connect(spare).record(rawStep(d.agency, 1, caseRef, code("ALLOCATION_RECEIVED")));
    // a proposal pending at the removal goes stale
    await ledger.connect(spare).proposeAddAuditor(ethers.Wallet.createRandom().address);
    const pending = (await ledger.proposalCount()) - 1n;

    // Removal needs 3 of 4 agencies: BAMF proposes, ZAB approves, Bautzen decides. Agency 4's next step is
    // sent into the same block, after the deciding approval: it is refused.
    const removal = await ledger.connect(bamf).proposeRemoveMember.staticCall(spare.address);
    await ledger.connect(bamf).proposeRemoveMember(spare.address);
    await ledger.connect(zab).approve(removal);
    await network.provider.send("evm_setAutomine", [false]);
    try {
      const decide = await ledger.connect(district).approve(removal, { gasLimit: 500_000 });
      const late = await ledger.connect(spare).record(rawStep(d.agency, 2, caseRef, code("ARRIVED_REGISTERED")), { gasLimit: 500_000 });
      await network.provider.send("evm_mine", []);
      const decided = await ethers.provider.getTransactionReceipt(decide.hash);
      const refused = await ethers.provider.getTransactionReceipt(late.hash);
      expect(decided!.blockNumber).to.equal(refused!.blockNumber);
      expect(decided!.index).to.be.lessThan(refused!.index);
      expect(decided!.status).to.equal(1);
      expect(refused!.status).to.equal(0);
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    expect(await ledger.agencyOf(spare.address)).to.equal(0);
    await expect(ledger.connect(spare).record(rawStep(d.agency, 3, caseRef, code("ARRIVED_REGISTERED"))))
      .to.be.revertedWithCustomError(ledger, "NotAMember")
      .withArgs(spare.address);
    await expect(ledger.connect(spare).approve(pending)).to.be.revertedWithCustomError(ledger, "NotAMember").withArgs(spare.address);
    await expect(ledger.connect(bamf).approve(pending)).to.be.revertedWithCustomError(ledger, "ProposalStale").withArgs(pending);

    // history and identity stay: the recorded step, the agency's type and scope (0 accounts)
    expect(await ledger.isRecorded((BigInt(d.agency) << 56n) | 1n)).to.equal(true);
    expect(await ledger.isRecorded((BigInt(d.agency) << 56n) | 2n)).to.equal(false);
    expect((await ledger.caseHead(caseRef))[1]).to.equal(2n);
    expect(await ledger.agencyInfo(d.agency)).to.deep.equal([BigInt(d.agencyType), BigInt(d.scope), 0n]);
    expect(await ledger.agencyCount()).to.equal(3);
    expect(await ledger.mayRecord(d.agency, code("ARRIVED_REGISTERED"))).to.equal(true);

    // The number stays bound to its type and scope: it can rejoin only as the same agency.
    await expect(ledger.connect(bamf).proposeAddMember(spare.address, d.agency, d.agencyType, BAUTZEN, d.name))
      .to.be.revertedWithCustomError(ledger, "AgencyMismatch")
      .withArgs(d.agency);
    const { last } = await passVote(ledger, (as) => as.proposeAddMember(spare.address, d.agency, d.agencyType, d.scope, d.name), bamf, [zab]);
    await expect(last).to.emit(ledger, "AgencyJoined").withArgs(d.agency, d.agencyType, d.scope, d.name);
    await expect(ledger.connect(spare).record(rawStep(d.agency, 3, caseRef, code("ARRIVED_REGISTERED")))).to.emit(ledger, "StepRecorded");
  });

  it("one vote per agency: the new district's second account does not add a vote", async function () {
    const { ledger, bamf, zab, district, spare, extra } = await setUp();
    const bz = DEMO_DISTRICT_AGENCY;
    await passVote(ledger, (as) => as.proposeAddMember(district.address, bz.agency, bz.agencyType, bz.scope, bz.name), bamf, [zab]);
    const { last } = await passVote(ledger, (as) => as.proposeAddMember(spare.address, bz.agency, bz.agencyType, bz.scope, "ignored"), district, [zab]);
    await expect(last).not.to.emit(ledger, "AgencyJoined");
    expect(await ledger.agencyInfo(bz.agency)).to.deep.equal([BigInt(bz.agencyType), BigInt(bz.scope), 2n]);
    expect(await ledger.agencyCount()).to.equal(3);
    await ledger.connect(district).proposeAddAuditor(extra.address);
    const id = (await ledger.proposalCount()) - 1n;
    await expect(ledger.connect(spare).approve(id)).to.be.revertedWithCustomError(ledger, "AlreadyApproved").withArgs(id, bz.agency);
    await expect(ledger.connect(bamf).approve(id)).to.emit(ledger, "AuditorAdded").withArgs(extra.address);
    expect(AGENCY["ABH-14625"]).to.equal(bz.agency);
  });
});
