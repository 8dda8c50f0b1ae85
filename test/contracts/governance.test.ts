// Consortium governance: members, auditors and code lists change only by a majority of the member agencies.
import { expect } from "chai";
import { ethers } from "hardhat";
import { CODE_LISTS, codeListHash, codeListVersionLabel } from "../../services/shared/codelists";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { AGENCY, caseRefOf, rawStep, code, setUp } from "./helpers";

const Action = { AddMember: 0, RemoveMember: 1, AddAuditor: 2, RemoveAuditor: 3, SetCodeList: 4 } as const;
const NO_HASH = ethers.ZeroHash;
const NEW_HASH = ethers.keccak256(ethers.toUtf8Bytes("code lists 2026.2"));
const NEW_VERSION = ethers.encodeBytes32String("2026.2");

describe("governance: initial state", function () {
  it("knows the two agencies, the auditor and the code-list version; the deployer has no role", async function () {
    const { ledger, deployer, bamf, zab, auditor, outsider } = await setUp();
    expect(await ledger.agencyOf(bamf.address)).to.equal(AGENCY.BAMF);
    expect(await ledger.agencyOf(zab.address)).to.equal(AGENCY.ZAB);
    for (const s of [deployer, auditor, outsider]) expect(await ledger.agencyOf(s.address)).to.equal(0);
    expect(await ledger.isAuditor(auditor.address)).to.equal(true);
    for (const s of [deployer, bamf, zab, outsider]) expect(await ledger.isAuditor(s.address)).to.equal(false);
    expect(await ledger.memberCount()).to.equal(2);
    expect(await ledger.requiredApprovals()).to.equal(2);
    expect(await ledger.membershipEpoch()).to.equal(2);
    expect(await ledger.proposalCount()).to.equal(0);
    expect(await ledger.codeListHash()).to.equal(codeListHash(CODE_LISTS));
    expect(await ledger.codeListVersion()).to.equal(codeListVersionLabel(CODE_LISTS));
    expect(ethers.decodeBytes32String(await ledger.codeListVersion())).to.equal(CODE_LISTS.version);
  });

  it("the deployer, the auditor and outsiders can neither propose nor approve (NotAMember)", async function () {
    const { ledger, deployer, bamf, auditor, outsider, extra } = await setUp();
    await ledger.connect(bamf).propose(Action.AddAuditor, extra.address, 0, NO_HASH, NO_HASH);
    for (const s of [deployer, auditor, outsider]) {
      await expect(ledger.connect(s).propose(Action.AddMember, s.address, AGENCY.BAMF, NO_HASH, NO_HASH))
        .to.be.revertedWithCustomError(ledger, "NotAMember")
        .withArgs(s.address);
      await expect(ledger.connect(s).approve(0)).to.be.revertedWithCustomError(ledger, "NotAMember").withArgs(s.address);
    }
    expect((await ledger.proposal(0)).approvals).to.equal(1);
  });
});

describe("governance: members", function () {
  it("one agency alone cannot add a member; with the other agency's approval (majority) it is added", async function () {
    const { ledger, bamf, zab, extra } = await setUp();
    const propose = ledger.connect(bamf).propose(Action.AddMember, extra.address, AGENCY.BAMF, NO_HASH, NO_HASH);
    await expect(propose)
      .to.emit(ledger, "ProposalCreated")
      .withArgs(0, bamf.address, Action.AddMember, extra.address, AGENCY.BAMF, NO_HASH, NO_HASH);
    await expect(propose).to.emit(ledger, "ProposalApproved").withArgs(0, bamf.address, 1, 2);
    await expect(propose).not.to.emit(ledger, "ProposalExecuted");
    await expect(propose).not.to.emit(ledger, "MemberAdded");

    expect(await ledger.agencyOf(extra.address)).to.equal(0);
    expect(await ledger.hasApproved(0, AGENCY.BAMF)).to.equal(true);
    expect(await ledger.hasApproved(0, AGENCY.ZAB)).to.equal(false);
    const p = await ledger.proposal(0);
    expect([p.action, p.agency, p.executed, p.approvals, p.epoch, p.account]).to.deep.equal([
      BigInt(Action.AddMember), BigInt(AGENCY.BAMF), false, 1n, 2n, extra.address,
    ]);
    const step = rawStep(AGENCY.BAMF, 1, caseRefOf("new-member"), code("APPLICATION_FILED"));
    await expect(ledger.connect(extra).record(step)).to.be.revertedWithCustomError(ledger, "NotAMember").withArgs(extra.address);
    // the proposer approving again does not count twice
    await expect(ledger.connect(bamf).approve(0)).to.be.revertedWithCustomError(ledger, "AlreadyApproved").withArgs(0, AGENCY.BAMF);

    const approve = ledger.connect(zab).approve(0);
    await expect(approve).to.emit(ledger, "ProposalApproved").withArgs(0, zab.address, 2, 2);
    await expect(approve).to.emit(ledger, "ProposalExecuted").withArgs(0);
    await expect(approve).to.emit(ledger, "MemberAdded").withArgs(extra.address, AGENCY.BAMF);
    expect(await ledger.agencyOf(extra.address)).to.equal(AGENCY.BAMF);
    expect(await ledger.memberCount()).to.equal(3);
    expect(await ledger.agencyCount()).to.equal(2);
    expect(await ledger.requiredApprovals()).to.equal(2);
    expect(await ledger.membershipEpoch()).to.equal(3);
    expect(await ledger.members()).to.deep.equal([bamf.address, zab.address, extra.address]);
    expect((await ledger.proposal(0)).executed).to.equal(true);
    // the new member writes for BAMF, with BAMF event ids, and only BAMF steps
    await expect(ledger.connect(extra).record(step)).to.emit(ledger, "StepRecorded");
    await expect(ledger.connect(extra).record(rawStep(AGENCY.BAMF, 2, caseRefOf("new-member"), code("REGISTERED"))))
      .to.be.revertedWithCustomError(ledger, "StepNotPermitted")
      .withArgs(0, code("REGISTERED"), AGENCY.BAMF);
    // a proposal is carried out once
    await expect(ledger.connect(extra).approve(0)).to.be.revertedWithCustomError(ledger, "ProposalAlreadyExecuted").withArgs(0);
  });

  it("votes are per agency: an agency holding more accounts still cannot act alone", async function () {
    const { ledger, bamf, zab, extra, outsider } = await setUp();
    // ZAB gets a second account (BAMF approves), so ZAB holds two of three member accounts.
    await ledger.connect(zab).propose(Action.AddMember, extra.address, AGENCY.ZAB, NO_HASH, NO_HASH);
    await ledger.connect(bamf).approve(0);
    expect(await ledger.memberCount()).to.equal(3);
    expect(await ledger.agencyCount()).to.equal(2);
    // Both ZAB accounts together are still one vote: removing BAMF's account needs BAMF.
    await ledger.connect(zab).propose(Action.RemoveMember, bamf.address, 0, NO_HASH, NO_HASH);
    await expect(ledger.connect(extra).approve(1)).to.be.revertedWithCustomError(ledger, "AlreadyApproved").withArgs(1, AGENCY.ZAB);
    expect((await ledger.proposal(1)).executed).to.equal(false);
    expect(await ledger.agencyOf(bamf.address)).to.equal(AGENCY.BAMF);
    // With BAMF's vote a change goes through, whichever ZAB account approves.
    await ledger.connect(extra).propose(Action.AddAuditor, outsider.address, 0, NO_HASH, NO_HASH);
    expect(await ledger.isAuditor(outsider.address)).to.equal(false);
    await expect(ledger.connect(bamf).approve(2)).to.emit(ledger, "AuditorAdded").withArgs(outsider.address);
    expect(await ledger.hasApproved(2, AGENCY.ZAB)).to.equal(true);
  });

  it("an agency whose last account is removed no longer counts towards the majority", async function () {
    const { ledger, bamf, zab } = await setUp();
    await ledger.connect(bamf).propose(Action.RemoveMember, zab.address, 0, NO_HASH, NO_HASH);
    await ledger.connect(zab).approve(0);
    expect(await ledger.agencyCount()).to.equal(1);
    expect(await ledger.requiredApprovals()).to.equal(1);
    expect(await ledger.members()).to.deep.equal([bamf.address]);
  });

  it("a removed member can no longer write, propose or approve", async function () {
    const { ledger, bamf, zab, extra } = await setUp();
    const caseRef = caseRefOf("removed");
    await ledger.connect(zab).record(rawStep(AGENCY.ZAB, 1, caseRef, code("REGISTERED")));
    await ledger.connect(bamf).propose(Action.AddAuditor, extra.address, 0, NO_HASH, NO_HASH); // pending, id 0
    await ledger.connect(bamf).propose(Action.RemoveMember, zab.address, 0, NO_HASH, NO_HASH); // id 1
    const tx = ledger.connect(zab).approve(1);
    await expect(tx).to.emit(ledger, "MemberRemoved").withArgs(zab.address, AGENCY.ZAB);
    await expect(tx).to.emit(ledger, "ProposalExecuted").withArgs(1);
    expect(await ledger.agencyOf(zab.address)).to.equal(0);
    expect(await ledger.memberCount()).to.equal(1);
    expect(await ledger.requiredApprovals()).to.equal(1);

    await expect(ledger.connect(zab).record(rawStep(AGENCY.ZAB, 2, caseRef, code("DEPARTURE_OBLIGATION"))))
      .to.be.revertedWithCustomError(ledger, "NotAMember")
      .withArgs(zab.address);
    await expect(ledger.connect(zab).recordBatch([rawStep(AGENCY.ZAB, 3, caseRef, code("DEPARTURE_OBLIGATION"))]))
      .to.be.revertedWithCustomError(ledger, "NotAMember")
      .withArgs(zab.address);
    await expect(ledger.connect(zab).propose(Action.AddMember, zab.address, AGENCY.ZAB, NO_HASH, NO_HASH))
      .to.be.revertedWithCustomError(ledger, "NotAMember")
      .withArgs(zab.address);
    await expect(ledger.connect(zab).approve(0)).to.be.revertedWithCustomError(ledger, "NotAMember").withArgs(zab.address);
    // the steps it recorded stay on the ledger
    expect(await ledger.isRecorded(eventIdOf(AGENCY.ZAB, 1))).to.equal(true);
    expect((await ledger.caseHead(caseRef))[1]).to.equal(1n);
  });

  it("the last member cannot be removed (LastMember)", async function () {
    const { ledger, bamf, zab } = await setUp();
    await ledger.connect(bamf).propose(Action.RemoveMember, zab.address, 0, NO_HASH, NO_HASH);
    await ledger.connect(zab).approve(0);
    await expect(ledger.connect(bamf).propose(Action.RemoveMember, bamf.address, 0, NO_HASH, NO_HASH))
      .to.be.revertedWithCustomError(ledger, "LastMember")
      .withArgs(bamf.address);
    expect(await ledger.agencyOf(bamf.address)).to.equal(AGENCY.BAMF);
  });

  it("a removed account can be added again by a new majority", async function () {
    const { ledger, bamf, zab, extra } = await setUp();
    await ledger.connect(bamf).propose(Action.AddMember, extra.address, AGENCY.ZAB, NO_HASH, NO_HASH);
    await ledger.connect(zab).approve(0);
    await ledger.connect(bamf).propose(Action.RemoveMember, zab.address, 0, NO_HASH, NO_HASH);
    await ledger.connect(extra).approve(1);
    expect(await ledger.agencyOf(zab.address)).to.equal(0);
    await ledger.connect(extra).propose(Action.AddMember, zab.address, AGENCY.ZAB, NO_HASH, NO_HASH);
    await expect(ledger.connect(bamf).approve(2)).to.emit(ledger, "MemberAdded").withArgs(zab.address, AGENCY.ZAB);
    await expect(ledger.connect(zab).record(rawStep(AGENCY.ZAB, 1, caseRefOf("back"), code("REGISTERED")))).to.emit(ledger, "StepRecorded");
  });

  it("approvals given before a membership change no longer count (ProposalStale)", async function () {
    const { ledger, bamf, zab, extra, outsider } = await setUp();
    await ledger.connect(bamf).propose(Action.AddAuditor, outsider.address, 0, NO_HASH, NO_HASH); // 0, epoch 2
    await ledger.connect(bamf).propose(Action.AddMember, extra.address, AGENCY.ZAB, NO_HASH, NO_HASH); // 1
    await ledger.connect(zab).approve(1); // executed: epoch 3
    expect(await ledger.membershipEpoch()).to.equal(3);
    await expect(ledger.connect(zab).approve(0)).to.be.revertedWithCustomError(ledger, "ProposalStale").withArgs(0);
    await expect(ledger.connect(extra).approve(0)).to.be.revertedWithCustomError(ledger, "ProposalStale").withArgs(0);
    expect(await ledger.isAuditor(outsider.address)).to.equal(false);
    // a fresh proposal for the same change works
    await ledger.connect(bamf).propose(Action.AddAuditor, outsider.address, 0, NO_HASH, NO_HASH);
    await expect(ledger.connect(extra).approve(2)).to.emit(ledger, "AuditorAdded").withArgs(outsider.address);
  });

  it("auditor and code-list changes do not make other proposals stale", async function () {
    const { ledger, bamf, zab, extra, outsider } = await setUp();
    await ledger.connect(bamf).propose(Action.AddMember, extra.address, AGENCY.BAMF, NO_HASH, NO_HASH); // 0
    await ledger.connect(bamf).propose(Action.AddAuditor, outsider.address, 0, NO_HASH, NO_HASH); // 1
    await ledger.connect(zab).approve(1);
    await ledger.connect(zab).propose(Action.SetCodeList, ethers.ZeroAddress, 0, NEW_HASH, NEW_VERSION); // 2
    await ledger.connect(bamf).approve(2);
    expect(await ledger.membershipEpoch()).to.equal(2);
    await expect(ledger.connect(zab).approve(0)).to.emit(ledger, "MemberAdded").withArgs(extra.address, AGENCY.BAMF);
  });
});

describe("governance: auditors", function () {
  it("auditors are added and removed by majority; an auditor has no write right", async function () {
    const { ledger, bamf, zab, auditor, outsider } = await setUp();
    await ledger.connect(zab).propose(Action.AddAuditor, outsider.address, 0, NO_HASH, NO_HASH);
    expect(await ledger.isAuditor(outsider.address)).to.equal(false);
    await expect(ledger.connect(bamf).approve(0)).to.emit(ledger, "AuditorAdded").withArgs(outsider.address);
    expect(await ledger.isAuditor(outsider.address)).to.equal(true);
    await expect(ledger.connect(outsider).record(rawStep(AGENCY.ZAB, 1, caseRefOf("aud"), code("REGISTERED"))))
      .to.be.revertedWithCustomError(ledger, "NotAMember")
      .withArgs(outsider.address);

    await ledger.connect(bamf).propose(Action.RemoveAuditor, auditor.address, 0, NO_HASH, NO_HASH);
    expect(await ledger.isAuditor(auditor.address)).to.equal(true);
    await expect(ledger.connect(zab).approve(1)).to.emit(ledger, "AuditorRemoved").withArgs(auditor.address);
    expect(await ledger.isAuditor(auditor.address)).to.equal(false);
    expect(await ledger.memberCount()).to.equal(2);
  });

  it("the state is checked again when a proposal is carried out", async function () {
    const { ledger, bamf, zab, outsider } = await setUp();
    await ledger.connect(bamf).propose(Action.AddAuditor, outsider.address, 0, NO_HASH, NO_HASH); // 0
    await ledger.connect(zab).propose(Action.AddAuditor, outsider.address, 0, NO_HASH, NO_HASH); // 1
    await ledger.connect(zab).approve(0);
    await expect(ledger.connect(bamf).approve(1)).to.be.revertedWithCustomError(ledger, "AlreadyAuditor").withArgs(outsider.address);
    expect((await ledger.proposal(1)).executed).to.equal(false);
  });
});

describe("governance: code lists", function () {
  it("SetCodeList changes codeListHash and version after a majority, with CodeListChanged", async function () {
    const { ledger, bamf, zab } = await setUp();
    const previous = codeListHash(CODE_LISTS);
    const propose = ledger.connect(bamf).propose(Action.SetCodeList, ethers.ZeroAddress, 0, NEW_HASH, NEW_VERSION);
    await expect(propose)
      .to.emit(ledger, "ProposalCreated")
      .withArgs(0, bamf.address, Action.SetCodeList, ethers.ZeroAddress, 0, NEW_HASH, NEW_VERSION);
    await expect(propose).not.to.emit(ledger, "CodeListChanged");
    expect(await ledger.codeListHash()).to.equal(previous);

    await expect(ledger.connect(zab).approve(0)).to.emit(ledger, "CodeListChanged").withArgs(previous, NEW_HASH, NEW_VERSION);
    expect(await ledger.codeListHash()).to.equal(NEW_HASH);
    expect(await ledger.codeListVersion()).to.equal(NEW_VERSION);
  });

  it("an empty code-list hash is refused (EmptyCodeListHash)", async function () {
    const { ledger, bamf } = await setUp();
    await expect(ledger.connect(bamf).propose(Action.SetCodeList, ethers.ZeroAddress, 0, NO_HASH, NEW_VERSION))
      .to.be.revertedWithCustomError(ledger, "EmptyCodeListHash");
  });
});

describe("governance: errors", function () {
  it("rejects invalid proposals", async function () {
    const { ledger, bamf, zab, auditor, outsider } = await setUp();
    const as = ledger.connect(bamf);
    await expect(as.propose(Action.AddMember, ethers.ZeroAddress, AGENCY.BAMF, NO_HASH, NO_HASH)).to.be.revertedWithCustomError(ledger, "ZeroAccount");
    await expect(as.propose(Action.RemoveMember, ethers.ZeroAddress, 0, NO_HASH, NO_HASH)).to.be.revertedWithCustomError(ledger, "ZeroAccount");
    await expect(as.propose(Action.AddAuditor, ethers.ZeroAddress, 0, NO_HASH, NO_HASH)).to.be.revertedWithCustomError(ledger, "ZeroAccount");
    await expect(as.propose(Action.RemoveAuditor, ethers.ZeroAddress, 0, NO_HASH, NO_HASH)).to.be.revertedWithCustomError(ledger, "ZeroAccount");
    for (const agency of [0, 3, 255]) {
      await expect(as.propose(Action.AddMember, outsider.address, agency, NO_HASH, NO_HASH))
        .to.be.revertedWithCustomError(ledger, "UnknownAgency")
        .withArgs(agency);
    }
    // Each proposal names an account that does not fit its action; the error names that account.
    const unfit: [action: number, account: string, agency: number, error: string][] = [
      [Action.AddMember, zab.address, AGENCY.BAMF, "AlreadyMember"],
      [Action.AddMember, auditor.address, AGENCY.BAMF, "AlreadyMember"],
      [Action.RemoveMember, outsider.address, 0, "NotAMember"],
      [Action.AddAuditor, auditor.address, 0, "AlreadyAuditor"],
      [Action.AddAuditor, zab.address, 0, "AlreadyAuditor"],
      [Action.RemoveAuditor, outsider.address, 0, "NotAnAuditor"],
      [Action.RemoveAuditor, zab.address, 0, "NotAnAuditor"],
    ];
    for (const [action, account, agency, error] of unfit) {
      await expect(as.propose(action, account, agency, NO_HASH, NO_HASH)).to.be.revertedWithCustomError(ledger, error).withArgs(account);
    }
    expect(await ledger.proposalCount()).to.equal(0);
  });

  it("unknown proposal ids are rejected (UnknownProposal)", async function () {
    const { ledger, bamf } = await setUp();
    await expect(ledger.connect(bamf).approve(0)).to.be.revertedWithCustomError(ledger, "UnknownProposal").withArgs(0);
    await expect(ledger.proposal(0)).to.be.revertedWithCustomError(ledger, "UnknownProposal").withArgs(0);
    await ledger.connect(bamf).propose(Action.SetCodeList, ethers.ZeroAddress, 0, NEW_HASH, NEW_VERSION);
    expect(await ledger.proposalCount()).to.equal(1);
    await expect(ledger.connect(bamf).approve(1)).to.be.revertedWithCustomError(ledger, "UnknownProposal").withArgs(1);
    await expect(ledger.proposal(1)).to.be.revertedWithCustomError(ledger, "UnknownProposal").withArgs(1);
  });

  it("the constructor checks its members, auditors and code-list hash", async function () {
    const [, a, b, c] = await ethers.getSigners();
    const Ledger = await ethers.getContractFactory("ProcedureLedger");
    const hash = codeListHash(CODE_LISTS);
    const version = codeListVersionLabel(CODE_LISTS);
    await expect(Ledger.deploy([a.address, b.address], [AGENCY.BAMF], [], hash, version)).to.be.revertedWithCustomError(Ledger, "LengthMismatch");
    await expect(Ledger.deploy([ethers.ZeroAddress], [AGENCY.BAMF], [], hash, version)).to.be.revertedWithCustomError(Ledger, "ZeroAccount");
    await expect(Ledger.deploy([a.address], [3], [], hash, version)).to.be.revertedWithCustomError(Ledger, "UnknownAgency").withArgs(3);
    await expect(Ledger.deploy([a.address, a.address], [AGENCY.BAMF, AGENCY.ZAB], [], hash, version))
      .to.be.revertedWithCustomError(Ledger, "AlreadyMember")
      .withArgs(a.address);
    await expect(Ledger.deploy([a.address], [AGENCY.BAMF], [a.address], hash, version))
      .to.be.revertedWithCustomError(Ledger, "AlreadyAuditor")
      .withArgs(a.address);
    await expect(Ledger.deploy([a.address], [AGENCY.BAMF], [c.address, c.address], hash, version))
      .to.be.revertedWithCustomError(Ledger, "AlreadyAuditor")
      .withArgs(c.address);
    await expect(Ledger.deploy([a.address], [AGENCY.BAMF], [ethers.ZeroAddress], hash, version)).to.be.revertedWithCustomError(Ledger, "ZeroAccount");
    await expect(Ledger.deploy([a.address], [AGENCY.BAMF], [], ethers.ZeroHash, version)).to.be.revertedWithCustomError(Ledger, "EmptyCodeListHash");

    const ok = await Ledger.deploy([a.address, b.address], [AGENCY.BAMF, AGENCY.ZAB], [c.address], hash, version);
    await expect(ok.deploymentTransaction()).to.emit(ok, "CodeListChanged").withArgs(ethers.ZeroHash, hash, version);
    await expect(ok.deploymentTransaction()).to.emit(ok, "MemberAdded").withArgs(a.address, AGENCY.BAMF);
    await expect(ok.deploymentTransaction()).to.emit(ok, "AuditorAdded").withArgs(c.address);
  });
});
