// The audit of a network of any number of member agencies, over synthetic ledger events (the way
// unit.test.ts works): membership history (who was a member when), step rights per agency type taken from
// the chain's TypeRightsChanged at each step and compared with the published code-list version, district
// authorities writing only for cases allocated to their district, steps before a code-list change
// verifying under the version then in force, per-member erasure, and the allocations-without-arrival rule.
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { arrivalsOf, compliance } from "../../services/audit/compliance";
import { coSigning, type CheckpointVerdict } from "../../services/audit/checkpoints";
import { agencyEntries } from "../../services/audit/phases/report";
import { agencyLines } from "../../services/audit/report";
import { STEP as S } from "../../services/audit/rules";
import { typeRightsOf, CODE_LIST_VERSIONS } from "../../services/shared/codelists";
import { FindingSink } from "../../services/audit/types";
import { splitSpec } from "../../services/audit/source";
import { agencyCodeOf, agencyName, nameAgency } from "../../services/audit/names";
import { CannotRun } from "../../services/audit/rpc";
import { deployedReplayer, SYNTH_AGENCIES, type SynthStep } from "./support/synthetic";

const ref = (name: string) => keccak256(toUtf8Bytes(name));
const commit = (n: number) => keccak256("0x" + n.toString(16).padStart(8, "0"));
const kinds = (sink: FindingSink) => sink.findings.map((f) => f.kind);

/** Sequence numbers per agency, so that every event id is new. */
function steps(list: [agency: number, caseRef: string, step: number, detail?: number | bigint, block?: number][]): SynthStep[] {
  const seq = new Map<number, number>();
  return list.map(([agency, caseRef, step, detail = 0, block = 1], i) => {
    const n = (seq.get(agency) ?? 0) + 1;
    seq.set(agency, n);
    return {
      agency,
      seq: n + 1000 * block,
      caseRef,
      step,
      detail: BigInt(detail),
      commitment: commit(i + 1),
      block,
    };
  });
}

/** A case up to its allocation to `district` (ZAB registers and allocates, BAMF assesses good prospects). */
const allocatedTo = (caseRef: string, district: number, block = 1): [number, string, number, number?, number?][] => [
  [2, caseRef, S.REGISTERED, 0, block],
  [1, caseRef, S.PROSPECTS_ASSESSED, 1, block],
  [2, caseRef, S.MUNICIPAL_ALLOCATION, district, block],
];

describe("audit: a network of member agencies (synthetic events)", () => {
  it("replays the district authority's steps clean for its own district and refuses every other case", () => {
    const { r, gov } = deployedReplayer();
    const own = ref("own");
    const other = ref("other");
    const never = ref("never allocated");
    gov.steps(steps([...allocatedTo(own, 14625), ...allocatedTo(other, 14612), [2, never, S.REGISTERED], [3, own, S.ALLOCATION_RECEIVED], [3, own, S.ARRIVED_REGISTERED]]));
    expect(kinds(r.sink)).to.deep.equal([]);
    gov.steps(
      steps([
        [3, other, S.ARRIVED_REGISTERED, 0, 2],
        [3, never, S.NOT_ARRIVED, 0, 2],
        [3, own, S.DECISION_SERVED, 0, 2],
      ]),
    );
    r.finish();
    const rejected = r.sink.findings.filter((f) => f.kind === "step-should-have-been-rejected").map((f) => f.message);
    expect(rejected).to.have.length(3);
    expect(rejected[0]).to.match(/NotAllocatedToDistrict\(case allocated to 14612, agency 3 writes for 14625\)/);
    expect(rejected[1]).to.match(/NotAllocatedToDistrict\(case allocated to no district/);
    expect(rejected[2]).to.match(/StepNotPermitted/);
    expect(r.cases.get(own)!.allocatedTo).to.equal(14625);
  });

  it("lists every agency with its accounts and blocks, and finds steps from an agency that was no member then", () => {
    const { r, gov } = deployedReplayer(SYNTH_AGENCIES.slice(0, 3));
    const dresden = {
      agency: 4,
      agencyType: 3,
      scope: 14612,
      name: "Landeshauptstadt Dresden, Ausländerbehörde",
      account: "0x" + "04".repeat(20),
    };
    const c = ref("dresden case");
    // A step of agency 4 before it joined, then its onboarding by vote, a step, a second key, removal of both.
    gov.steps(steps([...allocatedTo(c, 14612, 1), [4, c, S.ALLOCATION_RECEIVED, 0, 2]]));
    gov.join(dresden, 3);
    gov.steps(steps([[4, c, S.ARRIVED_REGISTERED, 0, 4]]));
    gov.addAccount("0x" + "44".repeat(20), 4, 5);
    gov.remove(dresden.account, 4, 6);
    gov.steps(steps([[4, c, S.CORRECTION, (4n << 56n) | 4001n, 7]]));
    gov.remove("0x" + "44".repeat(20), 4, 8);
    gov.steps(steps([[4, c, S.CORRECTION, (4n << 56n) | 4001n, 9]]));
    r.finish();

    const nonMember = r.sink.findings.filter((f) => f.kind === "step-by-non-member");
    expect(nonMember.map((f) => f.blockNumber)).to.deep.equal([2, 9]);
    expect(nonMember[0].message).to.contain("never joined");
    expect(nonMember[1].message).to.contain("removed at block 8");
    expect(kinds(r.sink).filter((k) => k !== "step-by-non-member")).to.deep.equal([]);
    expect(r.agencyMemberAt(4, 2)).to.equal(false);
    expect(r.agencyMemberAt(4, 7)).to.equal(true);
    expect(r.agencyMemberAt(4, 8)).to.equal(false);

    const entries = agencyEntries(r, { BAMF: 1, ZAB: 4 });
    expect(entries.map((a) => [a.agency, a.label, a.typeKey, a.scope, a.memberAtHead])).to.deep.equal([
      [1, "BAMF", "FEDERAL_OFFICE", 14, true],
      [2, "ZAB", "CENTRAL_AUTHORITY", 14, true],
      [3, "AGENCY_3", "DISTRICT_AUTHORITY", 14625, true],
      [4, "AGENCY_4", "DISTRICT_AUTHORITY", 14612, false],
    ]);
    expect(entries[3]).to.deep.include({ name: dresden.name, joinedBlock: 3 });
    expect(entries[3].accounts).to.deep.equal([
      { account: dresden.account, fromBlock: 3, toBlock: 6 },
      { account: "0x" + "44".repeat(20), fromBlock: 5, toBlock: 8 },
    ]);
    const lines = agencyLines(entries);
    expect(lines[3]).to.contain("agency 4 AGENCY_4: Landeshauptstadt Dresden").and.contain("from block 3 to block 6").and.contain("no member at the audited head");
  });

  it("verifies steps before a code-list change under the version then in force, and after it under the new one", () => {
    // Deployed with 2026.1 (the pilots' two types), the district authority joins after the vote for 2026.2.
    const { r, gov } = deployedReplayer(SYNTH_AGENCIES.slice(0, 2), 0);
    const c = ref("before and after");
    gov.steps(steps([...allocatedTo(c, 14625, 1), [1, c, S.ERASED, 1, 2]]));
    // Under 2026.1 no type may record the arrival steps.
    gov.steps(steps([[2, c, S.ALLOCATION_RECEIVED, 0, 3]]));
    const beforeVote = r.sink.findings.map((f) => f.message);
    expect(beforeVote).to.have.length(1);
    expect(beforeVote[0]).to.match(/UnknownStep\(22\)/);
    const hash0 = r.codeListEpochs[0].hash;
    gov.codeList(1, 10, hash0);
    gov.join(SYNTH_AGENCIES[2], 11);
    gov.steps(
      steps([
        [3, c, S.ALLOCATION_RECEIVED, 0, 12],
        [3, c, S.ARRIVED_REGISTERED, 0, 12],
      ]),
    );
    r.finish();
    expect(r.sink.findings).to.have.length(1);
    expect(r.codeListEpochs.map((e) => [e.known?.version, e.block, e.rightsMatch, e.steps])).to.deep.equal([
      ["2026.1", 0, true, 5],
      ["2026.2", 10, true, 2],
    ]);
  });

  it("finds type rights on chain that are not the published version's, a type without rights and an unknown version", () => {
    const { r, gov } = deployedReplayer(SYNTH_AGENCIES.slice(0, 2), 0);
    // A vote for 2026.2 whose rights let the central authority record arrivals too.
    const rights = typeRightsOf(CODE_LIST_VERSIONS[1].lists).map((x) => (x.agencyType === 2 ? { ...x, steps: x.steps | (1n << 23n) } : x));
    gov.codeList(1, 5, r.codeListEpochs[0].hash, rights);
    const differ = r.sink.findings.filter((f) => f.kind === "type-rights-differ-from-code-list");
    expect(differ).to.have.length(1);
    expect(differ[0].message).to.contain("2026.2").and.contain("type 2");
    expect(r.codeListEpochs[1].rightsMatch).to.equal(false);

    const { r: r2, gov: gov2 } = deployedReplayer([], 0);
    gov2.join(SYNTH_AGENCIES[2], 1); // type 3 has no rights under 2026.1
    expect(kinds(r2.sink)).to.deep.equal(["agency-type-without-rights"]);

    const { r: r3 } = deployedReplayer([], 1);
    r3.push(
      {
        name: "CodeListChanged",
        args: {
          previousHash: r3.codeListEpochs[0].hash,
          newHash: "0x" + "99".repeat(32),
          version: "0x" + "00".repeat(32),
        },
        block: 3,
        logIndex: 0,
        blockHash: "0x" + "00".repeat(32),
        txHash: "0x" + "00".repeat(32),
      },
      36,
    );
    r3.finish();
    expect(kinds(r3.sink)).to.deep.equal(["code-list-version-unknown"]);
  });

  it("keeps erasure per member agency", () => {
    const { r, gov } = deployedReplayer();
    const c = ref("erased by the district");
    gov.steps(steps([...allocatedTo(c, 14625), [3, c, S.ARRIVED_REGISTERED], [3, c, S.ERASED, 2, 2]]));
    r.finish();
    expect(kinds(r.sink)).to.deep.equal([]);
    expect(r.erasedBy(c, 3)).to.equal(2);
    expect(r.erasedBy(c, 1)).to.equal(undefined);
    expect(r.erasedBy(c, 2)).to.equal(undefined);
  });

  it("reports allocations without arrival as a rule observation: counts per district and case references", () => {
    const { r, gov } = deployedReplayer();
    const day = 86400;
    const overdue = ref("overdue");
    const arrived = ref("arrived");
    const notArrived = ref("not arrived");
    const reallocated = ref("re-allocated lately");
    const elsewhere = ref("allocated elsewhere, overdue");
    // Timestamps are block * 12 s: block 1 is "long ago", block 100,000 (13.9 days later) is recent.
    gov.steps(
      steps([
        ...allocatedTo(overdue, 14625, 1),
        ...allocatedTo(arrived, 14625, 1),
        ...allocatedTo(notArrived, 14625, 1),
        ...allocatedTo(reallocated, 14625, 1),
        [3, arrived, S.ARRIVED_REGISTERED, 0, 2],
        [3, notArrived, S.NOT_ARRIVED, 0, 2],
        [3, reallocated, S.ARRIVED_REGISTERED, 0, 2],
        ...allocatedTo(elsewhere, 14612, 3),
        [2, reallocated, S.MUNICIPAL_ALLOCATION, 14625, 100_000],
      ]),
    );
    r.finish();
    expect(kinds(r.sink)).to.deep.equal([]);
    const asOf = 12 + 15 * day;
    const a = arrivalsOf(r, {
      asOf,
      allocationDays: 30,
      arrivalOverdueDays: 14,
    });
    expect(a.overdueDays).to.equal(14);
    expect(a.awaiting).to.equal(3);
    expect(a.overdue.map((x) => [x.caseRef, x.district, x.days]).sort()).to.deep.equal(
      [
        [elsewhere, 14612, 14],
        [overdue, 14625, 15],
      ].sort(),
    );
    expect(a.byDistrict).to.deep.equal([
      {
        district: 14612,
        allocated: 1,
        received: 0,
        arrived: 0,
        notArrived: 0,
        awaiting: 1,
        overdue: 1,
      },
      {
        district: 14625,
        authority: "AGENCY_3",
        allocated: 4,
        received: 0,
        arrived: 1,
        notArrived: 1,
        awaiting: 2,
        overdue: 1,
      },
    ]);
    // Not a finding: the compliance check lists it, the sink stays empty of it.
    const sink = new FindingSink();
    const comp = compliance(r, { asOf, allocationDays: 30, arrivalOverdueDays: 14 }, sink);
    expect(comp.arrivals.overdue).to.have.length(2);
    expect(sink.findings.filter((f) => /arriv/i.test(f.kind))).to.deep.equal([]);
    expect(JSON.stringify(comp.arrivals)).to.not.match(/name|birth|nationality/i);
  });

  it("expects a checkpoint from every agency that was a member at its height", () => {
    const v = (blockNumber: number, signerAgency: string): CheckpointVerdict => ({
      source: "s",
      blockNumber,
      blockHash: "0x",
      caseCount: 1,
      commitmentsRoot: null,
      commitmentsTree: "sorted",
      rootVerified: true,
      signer: "0x",
      signerAgency,
      valid: true,
      problems: [],
    });
    const verdicts = [v(10, "BAMF"), v(10, "ZAB"), v(20, "BAMF"), v(20, "ZAB"), v(20, "ABH-14625"), v(30, "BAMF"), v(30, "ZAB")];
    const joinedAt15 = (a: string, block: number) => a !== "ABH-14625" || block >= 15;
    expect(coSigning(verdicts, ["BAMF", "ZAB", "ABH-14625"], joinedAt15)).to.deep.equal({
      blocks: 3,
      coSigned: 2,
      rootVerified: 2,
      partial: [{ blockNumber: 30, agencies: ["BAMF", "ZAB"] }],
    });
  });

  it("takes exports, checkpoints and services of any agency on the command line: KEY, number or KEY:NUMBER", () => {
    expect(splitSpec("BAMF=/tmp/b.json", agencyCodeOf)).to.deep.include({ agency: 1, key: "BAMF", file: "/tmp/b.json" });
    expect(splitSpec("4=/tmp/d.json", agencyCodeOf)).to.deep.include({ agency: 4, file: "/tmp/d.json" });
    expect(splitSpec("AGENCY_5=/tmp/e.json", agencyCodeOf)).to.deep.include({ agency: 5 });
    const named: [number, string][] = [];
    expect(splitSpec("abh-14625:3=http://127.0.0.1:3003", agencyCodeOf, (code, key) => named.push([code, key]))).to.deep.equal({ agency: 3, key: "ABH-14625", file: "http://127.0.0.1:3003" });
    expect(named).to.deep.equal([[3, "ABH-14625"]]);
    expect(() => splitSpec("LRA-XY=/tmp/x.json", agencyCodeOf)).to.throw(CannotRun, "LRA-XY:NUMBER=");
    expect(splitSpec("/tmp/plain.json", agencyCodeOf)).to.deep.equal({ file: "/tmp/plain.json" });
    nameAgency(9, "LRA-TEST");
    expect([agencyName(9), agencyCodeOf("lra-test"), agencyName(8)]).to.deep.equal(["LRA-TEST", 9, "AGENCY_8"]);
  });
});
