// Consortium governance: members, auditors and code lists change only by a majority of the member agencies.
import { expect } from "chai";
import { ethers } from "hardhat";
import { CODE_LISTS, codeListHash, codeListVersionLabel } from "../../services/shared/codelists";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { AGENCY, caseRefOf, rawStep, code, setUp } from "./helpers";
import { TYPE, SAXONY, rightsOf, PILOT_MEMBER_AGENCIES } from "./fixtures";

const Action = { AddMember: 0, RemoveMember: 1, AddAuditor: 2, RemoveAuditor: 3, SetCodeList: 4 } as const;
const NO_HASH = ethers.ZeroHash;
const NEW_HASH = ethers.keccak256(ethers.toUtf8Bytes("code lists 2026.3"));
const NEW_VERSION = ethers.encodeBytes32String("2026.3");
const BAMF_NAME = PILOT_MEMBER_AGENCIES[0].name;
const ZAB_NAME = PILOT_MEMBER_AGENCIES[1].name;

describe("governance: initial state", function () {
  it("knows the two agencies with type and scope, the auditor and the code-list version; the deployer has no role", async function () {
    const { ledger, deployer, bamf, zab, auditor, outsider } = await setUp();
    expect(await ledger.agencyOf(bamf.address)).to.equal(AGENCY.BAMF);
    expect(await ledger.agencyOf(zab.address)).to.equal(AGENCY.ZAB);
    expect(await ledger.agencyInfo(AGENCY.BAMF)).to.deep.equal([BigInt(TYPE.FEDERAL_OFFICE), BigInt(SAXONY), 1n]);
    expect(await ledger.agencyInfo(AGENCY.ZAB)).to.deep.equal([BigInt(TYPE.CENTRAL_AUTHORITY), BigInt(SAXONY), 1n]);
    expect(await ledger.agencyInfo(3)).to.deep.equal([0n, 0n, 0n]);
    expect(await ledger.agencyCount()).to.equal(2);
    for (const r of rightsOf()) expect(await ledger.typeRights(r.agencyType)).to.deep.equal([r.steps, r.allocationScoped]);
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
    await ledger.connect(bamf).proposeAddAuditor(extra.address);
    for (const s of [deployer, auditor, outsider]) {
      await expect(ledger.connect(s).proposeAddMember(s.address, AGENCY.BAMF, TYPE.FEDERAL_OFFICE, SAXONY, BAMF_NAME))
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
    const propose = ledger.connect(bamf).proposeAddMember(extra.address, AGENCY.BAMF, TYPE.FEDERAL_OFFICE, SAXONY, BAMF_NAME);
    await expect(propose)
      .to.emit(ledger, "ProposalCreated")
      .withArgs(0, bamf.address, Action.AddMember, extra.address, AGENCY.BAMF, TYPE.FEDERAL_OFFICE, SAXONY, BAMF_NAME, NO_HASH, NO_HASH);
    await expect(propose).to.emit(ledger, "ProposalApproved").withArgs(0, bamf.address, 1, 2);
    await expect(propose).not.to.emit(ledger, "ProposalExecuted");
    await expect(propose).not.to.emit(ledger, "MemberAdded");

    expect(await ledger.agencyOf(extra.address)).to.equal(0);
    expect(await ledger.hasApproved(0, AGENCY.BAMF)).to.equal(true);
    expect(await ledger.hasApproved(0, AGENCY.ZAB)).to.equal(false);
    const p = await ledger.proposal(0);
    expect([p.action, p.agency, p.agencyType, p.scope, p.name, p.executed, p.approvals, p.epoch, p.account]).to.deep.equal([
      BigInt(Action.AddMember), BigInt(AGENCY.BAMF), BigInt(TYPE.FEDERAL_OFFICE), BigInt(SAXONY), BAMF_NAME, false, 1n, 2n, extra.address,
    ]);
    const step = rawStep(AGENCY.BAMF, 1, caseRefOf("new-member"), code("APPLICATION_FILED"));
    await expect(ledger.connect(extra).record(step)).to.be.revertedWithCustomError(ledger, "NotAMember").withArgs(extra.address);
    // the proposer approving again does not count twice
    await expect(ledger.connect(bamf).approve(0)).to.be.revertedWithCustomError(ledger, "AlreadyApproved").withArgs(0, AGENCY.BAMF);

    const approve = ledger.connect(zab).approve(0);
    await expect(approve).to.emit(ledger, "ProposalApproved").withArgs(0, zab.address, 2, 2);
    await expect(approve).to.emit(ledger, "ProposalExecuted").withArgs(0);
    await expect(approve).to.emit(ledger, "MemberAdded").withArgs(extra.address, AGENCY.BAMF);
    // a further account of an agency that is a member: the agency does not join again
    await expect(approve).not.to.emit(ledger, "AgencyJoined");
    expect(await ledger.agencyOf(extra.address)).to.equal(AGENCY.BAMF);
    expect((await ledger.agencyInfo(AGENCY.BAMF))[2]).to.equal(2n);
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
    await ledger.connect(zab).proposeAddMember(extra.address, AGENCY.ZAB, TYPE.CENTRAL_AUTHORITY, SAXONY, ZAB_NAME);
    await ledger.connect(bamf).approve(0);
    expect(await ledger.memberCount()).to.equal(3);
    expect(await ledger.agencyCount()).to.equal(2);
    // Both ZAB accounts together are still one vote: removing BAMF's account needs BAMF.
    await ledger.connect(zab).proposeRemoveMember(bamf.address);
    await expect(ledger.connect(extra).approve(1)).to.be.revertedWithCustomError(ledger, "AlreadyApproved").withArgs(1, AGENCY.ZAB);
    expect((await ledger.proposal(1)).executed).to.equal(false);
    expect(await ledger.agencyOf(bamf.address)).to.equal(AGENCY.BAMF);
    // With BAMF's vote a change goes through, whichever ZAB account approves.
    await ledger.connect(extra).proposeAddAuditor(outsider.address);
    expect(await ledger.isAuditor(outsider.address)).to.equal(false);
    await expect(ledger.connect(bamf).approve(2)).to.emit(ledger, "AuditorAdded").withArgs(outsider.address);
    expect(await ledger.hasApproved(2, AGENCY.ZAB)).to.equal(true);
  });

  it("an agency whose last account is removed no longer counts towards the majority", async function () {
    const { ledger, bamf, zab } = await setUp();
    await ledger.connect(bamf).proposeRemoveMember(zab.address);
    await ledger.connect(zab).approve(0);
    expect(await ledger.agencyCount()).to.equal(1);
    expect(await ledger.requiredApprovals()).to.equal(1);
    expect(await ledger.members()).to.deep.equal([bamf.address]);
  });

  it("a removed member can no longer write, propose or approve", async function () {
    const { ledger, bamf, zab, extra } = await setUp();
    const caseRef = caseRefOf("removed");
    await ledger.connect(zab).record(rawStep(AGENCY.ZAB, 1, caseRef, code("REGISTERED")));
    await ledger.connect(bamf).proposeAddAuditor(extra.address); // pending, id 0
    await ledger.connect(bamf).proposeRemoveMember(zab.address); // id 1
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
    await expect(ledger.connect(zab).proposeAddMember(zab.address, AGENCY.ZAB, TYPE.CENTRAL_AUTHORITY, SAXONY, ZAB_NAME))
      .to.be.revertedWithCustomError(ledger, "NotAMember")
      .withArgs(zab.address);
    await expect(ledger.connect(zab).approve(0)).to.be.revertedWithCustomError(ledger, "NotAMember").withArgs(zab.address);
    // the steps it recorded stay on the ledger
    expect(await ledger.isRecorded(eventIdOf(AGENCY.ZAB, 1))).to.equal(true);
    expect((await ledger.caseHead(caseRef))[1]).to.equal(1n);
  });

  it("the last member cannot be removed (LastMember)", async function () {
    const { ledger, bamf, zab } = await setUp();
    await ledger.connect(bamf).proposeRemoveMember(zab.address);
    await ledger.connect(zab).approve(0);
    await expect(ledger.connect(bamf).proposeRemoveMember(bamf.address))
      .to.be.revertedWithCustomError(ledger, "LastMember")
      .withArgs(bamf.address);
    expect(await ledger.agencyOf(bamf.address)).to.equal(AGENCY.BAMF);
  });

  it("a removed account can be added again by a new majority", async function () {
    const { ledger, bamf, zab, extra } = await setUp();
    await ledger.connect(bamf).proposeAddMember(extra.address, AGENCY.ZAB, TYPE.CENTRAL_AUTHORITY, SAXONY, ZAB_NAME);
    await ledger.connect(zab).approve(0);
    await ledger.connect(bamf).proposeRemoveMember(zab.address);
    await ledger.connect(extra).approve(1);
    expect(await ledger.agencyOf(zab.address)).to.equal(0);
    await ledger.connect(extra).proposeAddMember(zab.address, AGENCY.ZAB, TYPE.CENTRAL_AUTHORITY, SAXONY, ZAB_NAME);
    await expect(ledger.connect(bamf).approve(2)).to.emit(ledger, "MemberAdded").withArgs(zab.address, AGENCY.ZAB);
    await expect(ledger.connect(zab).record(rawStep(AGENCY.ZAB, 1, caseRefOf("back"), code("REGISTERED")))).to.emit(ledger, "StepRecorded");
  });

  it("approvals given before a membership change no longer count (ProposalStale)", async function () {
    const { ledger, bamf, zab, extra, outsider } = await setUp();
    await ledger.connect(bamf).proposeAddAuditor(outsider.address); // 0, epoch 2
    await ledger.connect(bamf).proposeAddMember(extra.address, AGENCY.ZAB, TYPE.CENTRAL_AUTHORITY, SAXONY, ZAB_NAME); // 1
    await ledger.connect(zab).approve(1); // executed: epoch 3
    expect(await ledger.membershipEpoch()).to.equal(3);
    await expect(ledger.connect(zab).approve(0)).to.be.revertedWithCustomError(ledger, "ProposalStale").withArgs(0);
    await expect(ledger.connect(extra).approve(0)).to.be.revertedWithCustomError(ledger, "ProposalStale").withArgs(0);
    expect(await ledger.isAuditor(outsider.address)).to.equal(false);
    // a fresh proposal for the same change works
    await ledger.connect(bamf).proposeAddAuditor(outsider.address);
    await expect(ledger.connect(extra).approve(2)).to.emit(ledger, "AuditorAdded").withArgs(outsider.address);
  });

  it("auditor and code-list changes do not make other proposals stale", async function () {
    const { ledger, bamf, zab, extra, outsider } = await setUp();
    await ledger.connect(bamf).proposeAddMember(extra.address, AGENCY.BAMF, TYPE.FEDERAL_OFFICE, SAXONY, BAMF_NAME); // 0
    await ledger.connect(bamf).proposeAddAuditor(outsider.address); // 1
    await ledger.connect(zab).approve(1);
    await ledger.connect(zab).proposeCodeList(NEW_HASH, NEW_VERSION, []); // 2
    await ledger.connect(bamf).approve(2);
    expect(await ledger.membershipEpoch()).to.equal(2);
    await expect(ledger.connect(zab).approve(0)).to.emit(ledger, "MemberAdded").withArgs(extra.address, AGENCY.BAMF);
  });
});

describe("governance: auditors", function () {
  it("auditors are added and removed by majority; an auditor has no write right", async function () {
    const { ledger, bamf, zab, auditor, outsider } = await setUp();
    await ledger.connect(zab).proposeAddAuditor(outsider.address);
    expect(await ledger.isAuditor(outsider.address)).to.equal(false);
    await expect(ledger.connect(bamf).approve(0)).to.emit(ledger, "AuditorAdded").withArgs(outsider.address);
    expect(await ledger.isAuditor(outsider.address)).to.equal(true);
    await expect(ledger.connect(outsider).record(rawStep(AGENCY.ZAB, 1, caseRefOf("aud"), code("REGISTERED"))))
      .to.be.revertedWithCustomError(ledger, "NotAMember")
      .withArgs(outsider.address);

    await ledger.connect(bamf).proposeRemoveAuditor(auditor.address);
    expect(await ledger.isAuditor(auditor.address)).to.equal(true);
    await expect(ledger.connect(zab).approve(1)).to.emit(ledger, "AuditorRemoved").withArgs(auditor.address);
    expect(await ledger.isAuditor(auditor.address)).to.equal(false);
    expect(await ledger.memberCount()).to.equal(2);
  });

  it("the state is checked again when a proposal is carried out", async function () {
    const { ledger, bamf, zab, outsider } = await setUp();
    await ledger.connect(bamf).proposeAddAuditor(outsider.address); // 0
    await ledger.connect(zab).proposeAddAuditor(outsider.address); // 1
    await ledger.connect(zab).approve(0);
    await expect(ledger.connect(bamf).approve(1)).to.be.revertedWithCustomError(ledger, "AlreadyAuditor").withArgs(outsider.address);
    expect((await ledger.proposal(1)).executed).to.equal(false);
  });
});

describe("governance: code lists", function () {
  it("SetCodeList changes codeListHash and version after a majority, with CodeListChanged", async function () {
    const { ledger, bamf, zab } = await setUp();
    const previous = codeListHash(CODE_LISTS);
    const propose = ledger.connect(bamf).proposeCodeList(NEW_HASH, NEW_VERSION, []);
    await expect(propose)
      .to.emit(ledger, "ProposalCreated")
      .withArgs(0, bamf.address, Action.SetCodeList, ethers.ZeroAddress, 0, 0, 0, "", NEW_HASH, NEW_VERSION);
    await expect(propose).not.to.emit(ledger, "CodeListChanged");
    expect(await ledger.codeListHash()).to.equal(previous);

    await expect(ledger.connect(zab).approve(0)).to.emit(ledger, "CodeListChanged").withArgs(previous, NEW_HASH, NEW_VERSION);
    expect(await ledger.codeListHash()).to.equal(NEW_HASH);
    expect(await ledger.codeListVersion()).to.equal(NEW_VERSION);
  });

  it("an empty code-list hash is refused (EmptyCodeListHash)", async function () {
    const { ledger, bamf } = await setUp();
    await expect(ledger.connect(bamf).proposeCodeList(NO_HASH, NEW_VERSION, []))
      .to.be.revertedWithCustomError(ledger, "EmptyCodeListHash");
  });
});

describe("governance: errors", function () {
  it("rejects invalid proposals", async function () {
    const { ledger, bamf, zab, auditor, outsider } = await setUp();
    const as = ledger.connect(bamf);
    await expect(as.proposeAddMember(ethers.ZeroAddress, AGENCY.BAMF, TYPE.FEDERAL_OFFICE, SAXONY, BAMF_NAME)).to.be.revertedWithCustomError(ledger, "ZeroAccount");
    await expect(as.proposeRemoveMember(ethers.ZeroAddress)).to.be.revertedWithCustomError(ledger, "ZeroAccount");
    await expect(as.proposeAddAuditor(ethers.ZeroAddress)).to.be.revertedWithCustomError(ledger, "ZeroAccount");
    await expect(as.proposeRemoveAuditor(ethers.ZeroAddress)).to.be.revertedWithCustomError(ledger, "ZeroAccount");
    await expect(as.proposeAddMember(outsider.address, 0, TYPE.FEDERAL_OFFICE, SAXONY, "x"))
      .to.be.revertedWithCustomError(ledger, "UnknownAgency")
      .withArgs(0);
    for (const agencyType of [0, 4, 255]) {
      await expect(as.proposeAddMember(outsider.address, 5, agencyType, SAXONY, "x"))
        .to.be.revertedWithCustomError(ledger, "UnknownAgencyType")
        .withArgs(agencyType);
    }
    // an agency that joined keeps its type and scope
    await expect(as.proposeAddMember(outsider.address, AGENCY.BAMF, TYPE.CENTRAL_AUTHORITY, SAXONY, BAMF_NAME))
      .to.be.revertedWithCustomError(ledger, "AgencyMismatch")
      .withArgs(AGENCY.BAMF);
    await expect(as.proposeAddMember(outsider.address, AGENCY.ZAB, TYPE.CENTRAL_AUTHORITY, 9, ZAB_NAME))
      .to.be.revertedWithCustomError(ledger, "AgencyMismatch")
      .withArgs(AGENCY.ZAB);
    // Each proposal names an account that does not fit its action; the error names that account.
    const unfit: [propose: () => Promise<unknown>, account: string, error: string][] = [
      [() => as.proposeAddMember(zab.address, AGENCY.BAMF, TYPE.FEDERAL_OFFICE, SAXONY, BAMF_NAME), zab.address, "AlreadyMember"],
      [() => as.proposeAddMember(auditor.address, AGENCY.BAMF, TYPE.FEDERAL_OFFICE, SAXONY, BAMF_NAME), auditor.address, "AlreadyMember"],
      [() => as.proposeRemoveMember(outsider.address), outsider.address, "NotAMember"],
      [() => as.proposeAddAuditor(auditor.address), auditor.address, "AlreadyAuditor"],
      [() => as.proposeAddAuditor(zab.address), zab.address, "AlreadyAuditor"],
      [() => as.proposeRemoveAuditor(outsider.address), outsider.address, "NotAnAuditor"],
      [() => as.proposeRemoveAuditor(zab.address), zab.address, "NotAnAuditor"],
    ];
    for (const [propose, account, error] of unfit) {
      await expect(propose()).to.be.revertedWithCustomError(ledger, error).withArgs(account);
    }
    // invalid step rights in a code-list proposal
    await expect(as.proposeCodeList(NEW_HASH, NEW_VERSION, [{ agencyType: 0, steps: 2n, allocationScoped: false }]))
      .to.be.revertedWithCustomError(ledger, "UnknownAgencyType")
      .withArgs(0);
    await expect(as.proposeCodeList(NEW_HASH, NEW_VERSION, [{ agencyType: 4, steps: 1n, allocationScoped: false }]))
      .to.be.revertedWithCustomError(ledger, "InvalidTypeRights")
      .withArgs(4);
    await expect(as.proposeCodeList(NEW_HASH, NEW_VERSION, [{ agencyType: 4, steps: 1n << BigInt(code("MUNICIPAL_ALLOCATION")), allocationScoped: true }]))
      .to.be.revertedWithCustomError(ledger, "InvalidTypeRights")
      .withArgs(4);
    expect(await ledger.proposalCount()).to.equal(0);
  });

  it("unknown proposal ids are rejected (UnknownProposal)", async function () {
    const { ledger, bamf } = await setUp();
    await expect(ledger.connect(bamf).approve(0)).to.be.revertedWithCustomError(ledger, "UnknownProposal").withArgs(0);
    await expect(ledger.proposal(0)).to.be.revertedWithCustomError(ledger, "UnknownProposal").withArgs(0);
    await expect(ledger.proposalRights(0)).to.be.revertedWithCustomError(ledger, "UnknownProposal").withArgs(0);
    await ledger.connect(bamf).proposeCodeList(NEW_HASH, NEW_VERSION, []);
    expect(await ledger.proposalCount()).to.equal(1);
    await expect(ledger.connect(bamf).approve(1)).to.be.revertedWithCustomError(ledger, "UnknownProposal").withArgs(1);
    await expect(ledger.proposal(1)).to.be.revertedWithCustomError(ledger, "UnknownProposal").withArgs(1);
  });

  it("the constructor checks its step rights, members, auditors and code-list hash", async function () {
    const [, a, b, c] = await ethers.getSigners();
    const Ledger = await ethers.getContractFactory("ProcedureLedger");
    const hash = codeListHash(CODE_LISTS);
    const version = codeListVersionLabel(CODE_LISTS);
    const rights = rightsOf();
    const member = (account: string, agency: number, agencyType: number, scope = SAXONY, name = `agency ${agency}`) => ({ account, agency, agencyType, scope, name });
    const bamfA = member(a.address, AGENCY.BAMF, TYPE.FEDERAL_OFFICE);
    await expect(Ledger.deploy([{ agencyType: 0, steps: 4n, allocationScoped: false }], [bamfA], [], hash, version))
      .to.be.revertedWithCustomError(Ledger, "UnknownAgencyType")
      .withArgs(0);
    await expect(Ledger.deploy([{ agencyType: 1, steps: 5n, allocationScoped: false }], [bamfA], [], hash, version))
      .to.be.revertedWithCustomError(Ledger, "InvalidTypeRights")
      .withArgs(1);
    await expect(Ledger.deploy(rights, [member(ethers.ZeroAddress, 1, 1)], [], hash, version)).to.be.revertedWithCustomError(Ledger, "ZeroAccount");
    await expect(Ledger.deploy(rights, [member(a.address, 0, 1)], [], hash, version)).to.be.revertedWithCustomError(Ledger, "UnknownAgency").withArgs(0);
    await expect(Ledger.deploy(rights, [member(a.address, 3, 9)], [], hash, version)).to.be.revertedWithCustomError(Ledger, "UnknownAgencyType").withArgs(9);
    // the rights must come with the deployment: without them no type is known
    await expect(Ledger.deploy([], [bamfA], [], hash, version)).to.be.revertedWithCustomError(Ledger, "UnknownAgencyType").withArgs(TYPE.FEDERAL_OFFICE);
    await expect(Ledger.deploy(rights, [bamfA, member(b.address, AGENCY.BAMF, TYPE.FEDERAL_OFFICE, 15)], [], hash, version))
      .to.be.revertedWithCustomError(Ledger, "AgencyMismatch")
      .withArgs(AGENCY.BAMF);
    await expect(Ledger.deploy(rights, [bamfA, member(a.address, AGENCY.ZAB, TYPE.CENTRAL_AUTHORITY)], [], hash, version))
      .to.be.revertedWithCustomError(Ledger, "AlreadyMember")
      .withArgs(a.address);
    await expect(Ledger.deploy(rights, [bamfA], [a.address], hash, version))
      .to.be.revertedWithCustomError(Ledger, "AlreadyAuditor")
      .withArgs(a.address);
    await expect(Ledger.deploy(rights, [bamfA], [c.address, c.address], hash, version))
      .to.be.revertedWithCustomError(Ledger, "AlreadyAuditor")
      .withArgs(c.address);
    await expect(Ledger.deploy(rights, [bamfA], [ethers.ZeroAddress], hash, version)).to.be.revertedWithCustomError(Ledger, "ZeroAccount");
    await expect(Ledger.deploy(rights, [bamfA], [], ethers.ZeroHash, version)).to.be.revertedWithCustomError(Ledger, "EmptyCodeListHash");

    // two accounts of one agency: it joins once, with both accounts
    const ok = await Ledger.deploy(rights, [bamfA, member(b.address, AGENCY.BAMF, TYPE.FEDERAL_OFFICE, SAXONY, "ignored")], [c.address], hash, version);
    await expect(ok.deploymentTransaction()).to.emit(ok, "CodeListChanged").withArgs(ethers.ZeroHash, hash, version);
    await expect(ok.deploymentTransaction()).to.emit(ok, "AgencyJoined").withArgs(AGENCY.BAMF, TYPE.FEDERAL_OFFICE, SAXONY, "agency 1");
    await expect(ok.deploymentTransaction()).to.emit(ok, "MemberAdded").withArgs(b.address, AGENCY.BAMF);
    await expect(ok.deploymentTransaction()).to.emit(ok, "AuditorAdded").withArgs(c.address);
    expect(await ok.agencyInfo(AGENCY.BAMF)).to.deep.equal([BigInt(TYPE.FEDERAL_OFFICE), BigInt(SAXONY), 2n]);
    expect(await ok.agencyCount()).to.equal(1);
  });
});
