// The audit's phases without a node: the verify phase's pure verdicts (deployment-checks.ts) one by one,
// then the verify and report phases over the captured ledger (vectors/ledger.json) as the fetch phase
// would hand it over.
import { expect } from "chai";
import { encodeBytes32String, keccak256 } from "ethers";
import { AuditEngine } from "../../services/audit/engine";
import { indexExportsAlongside } from "../../services/audit/export-indexing";
import { anchorFinding, codeListVerdict, codeListVersionText, deploymentMemberFindings } from "../../services/audit/deployment-checks";
import { initFastKeccak } from "../../services/shared/keccak";
import { verifyInclusionProof } from "../../services/audit/merkle";
import type { Fetched } from "../../services/audit/phases/fetch";
import { buildReport, inclusionProofOf } from "../../services/audit/phases/report";
import { dbAgencyOf, verifyAudit, type VerifyInputs } from "../../services/audit/phases/verify";
import { CannotRun } from "../../services/audit/rpc";
import { loadVector, type LedgerVector } from "./support/vector";

const HASH_A = "0x" + "aa".repeat(32);
const HASH_B = "0x" + "bb".repeat(32);

describe("audit: the deployment record's and build's verdicts (pure)", () => {
  it("finds a deployment block whose verified hash is not the record's, in any letter case", () => {
    const d = { block: 7, blockHash: HASH_A };
    expect(anchorFinding(d, HASH_A.toUpperCase().replace("0X", "0x"))).to.equal(undefined);
    expect(anchorFinding(d, undefined)).to.equal(undefined);
    const f = anchorFinding(d, HASH_B)!;
    expect(f).to.include({ check: "chain", kind: "anchor-mismatch", severity: "critical", blockNumber: 7 });
    expect(f.message).to.contain(HASH_B).and.contain(HASH_A);
  });

  it("reads the on-chain code-list version label, keeping a value that is no label", () => {
    expect(codeListVersionText(encodeBytes32String("2026-01"))).to.equal("2026-01");
    expect(codeListVersionText("")).to.equal("");
    expect(codeListVersionText("0x1234")).to.equal("0x1234");
    const notUtf8 = "0x" + "ff".repeat(32);
    expect(codeListVersionText(notUtf8)).to.equal(notUtf8);
  });

  it("compares the chain's code lists with the build's by hash and names both versions when they differ", () => {
    const same = codeListVerdict({ hash: HASH_A, version: encodeBytes32String("v1") }, { hash: HASH_A.toUpperCase().replace("0X", "0x"), version: "v1" });
    expect(same).to.deep.equal({ onChain: { hash: HASH_A, version: "v1" }, local: { hash: HASH_A.toUpperCase().replace("0X", "0x"), version: "v1" }, matches: true });
    const differ = codeListVerdict({ hash: HASH_B, version: encodeBytes32String("v0") }, { hash: HASH_A, version: "v1" });
    expect(differ.matches).to.equal(false);
    expect(differ.finding).to.include({ check: "rules", kind: "code-lists-differ", severity: "error" });
    expect(differ.finding!.message).to.contain("v0").and.contain("v1").and.contain(HASH_B);
    const unreadable = codeListVerdict({ hash: "", version: "" }, { hash: HASH_A, version: "v1" });
    expect(unreadable.finding!.message).to.contain("?, unreadable");
  });

  it("finds a deployment record whose agency key the chain does not register for that agency", () => {
    const accounts = { BAMF: "0x" + "01".repeat(20), ZAB: "0x" + "02".repeat(20), auditor: "0x" + "03".repeat(20) };
    const registered = new Map([[accounts.BAMF, 1], [accounts.ZAB, 2]]);
    expect(deploymentMemberFindings({ accounts }, (a) => registered.get(a) ?? 0)).to.deep.equal([]);
    const swapped = deploymentMemberFindings({ accounts: { ...accounts, BAMF: accounts.ZAB, ZAB: accounts.BAMF } }, (a) => registered.get(a) ?? 0);
    expect(swapped.map((f) => [f.kind, f.agency, f.severity])).to.deep.equal([
      ["deployment-record-members", "BAMF", "error"],
      ["deployment-record-members", "ZAB", "error"],
    ]);
  });
});

/** The fetch phase's result for the captured ledger: code `code` at the ledger, the heads as captured. */
async function fetchedFromVector(v: LedgerVector, code: string, codeList: Fetched["codeList"]): Promise<Fetched> {
  const d = v.deployment;
  const engine = new AuditEngine({ ledger: d.contracts.ProcedureLedger.address.toLowerCase(), fromBlock: d.block, toBlock: v.head, anchorHash: d.blockHash, keepHashesAt: [v.checkpoint.blockNumber, d.block] });
  engine.pushRange(v.blocks, v.logs);
  engine.finish();
  const exportIndexes = await indexExportsAlongside([
    { agency: 1, source: "BAMF", lines: v.exports.BAMF },
    { agency: 2, source: "ZAB", lines: v.exports.ZAB },
  ]);
  return { chainId: d.chainId, fromBlock: d.block, head: v.head, engine, heads: new Map(Object.entries(v.heads)), code, codeList, blocksOutsideRange: [], exportIndexes };
}

describe("audit: verify and report phases over the captured ledger", () => {
  const CODE = "0x6000600055";
  const LISTS = { hash: HASH_A, version: "v1" };
  const onChainLists = { hash: HASH_A, version: encodeBytes32String("v1") };
  let v: LedgerVector;
  let inputs: VerifyInputs;

  before(() => initFastKeccak());
  beforeEach(() => {
    v = loadVector();
    v.deployment.contracts.ProcedureLedger.codeHash = keccak256(CODE);
    inputs = {
      deployment: v.deployment,
      artifact: { file: "vector/ProcedureLedger.json", deployedBytecode: CODE, holes: [] },
      exportsGiven: true,
      checkpoints: [{ agency: 1, source: "vector", checkpoints: [v.checkpoint] }],
      codeLists: LISTS,
      allocationDays: 30,
      now: 0,
    };
  });

  it("gives the verdicts of the pure checks: the captured history has only its ignored stop", async () => {
    const f = await fetchedFromVector(v, CODE, onChainLists);
    const verified = verifyAudit(f, inputs);
    expect(f.engine.sink.findings.map((x) => x.kind)).to.deep.equal(["stop-ignored"]);
    expect(verified.hashChains).to.deep.equal({ compared: Object.keys(v.heads).length, mismatched: 0 });
    expect(verified.code.equal).to.equal(true);
    expect(verified.codeList.matches).to.equal(true);
    expect(verified.commitments!.ZAB).to.include({ missing: 0, mismatched: 0, notOnChain: 0 });
    expect(verified.checkpoints.map((c) => c.valid)).to.deep.equal([true]);
    expect(verified.headTime).to.equal(f.engine.headers.timestampAt(v.head));

    const report = buildReport(f, verified, { rpcUrl: "vector", deployment: v.deployment, artifact: inputs.artifact, exports: [], allocationDays: 30, generatedAt: "2026-01-01T00:00:00.000Z", seconds: 1 });
    expect(report.verdict).to.equal("findings");
    expect(Object.fromEntries(report.checks.map((c) => [c.id, c.status]))).to.deep.equal({
      chain: "pass", code: "pass", events: "pass", hashchains: "pass", rules: "pass", commitments: "pass", internal: "skipped", checkpoints: "pass", compliance: "fail",
    });
    expect(report.members.map((m) => m.agency).sort()).to.include.members(["BAMF", "ZAB"]);
    expect(report.agencies.map((a) => [a.agency, a.label, a.typeKey, a.scope, a.memberAtHead])).to.deep.equal([
      [1, "BAMF", "FEDERAL_OFFICE", 14, true],
      [2, "ZAB", "CENTRAL_AUTHORITY", 14, true],
    ]);
    expect(report.agencies[0].accounts).to.deep.equal([{ account: v.deployment.accounts.BAMF.toLowerCase(), fromBlock: v.deployment.block, toBlock: null }]);
    expect(report.codeList.history.map((h) => [h.version, h.known, h.rightsMatch])).to.deep.equal([["2026.2", true, true]]);
    expect(report.typeRights.map((t) => t.typeKey)).to.deep.equal(["FEDERAL_OFFICE", "CENTRAL_AUTHORITY", "DISTRICT_AUTHORITY"]);
    expect(report.compliance.arrivals).to.deep.include({ overdueDays: 14 });
  });

  it("reports other code, other code lists and a deployment record naming other keys", async () => {
    v.deployment.accounts.BAMF = "0x" + "0b".repeat(20);
    const f = await fetchedFromVector(v, "0x6001600055", { hash: HASH_B, version: encodeBytes32String("v0") });
    verifyAudit(f, inputs);
    const kinds = f.engine.sink.findings.map((x) => x.kind);
    expect(kinds).to.include.members(["code-mismatch", "code-lists-differ", "deployment-record-members", "stop-ignored"]);
    expect(f.engine.sink.findings.find((x) => x.kind === "deployment-record-members")!.agency).to.equal("BAMF");
  });

  it("skips the commitment check without exports, and checks a database's checkpoints as its agency's without changing the input", async () => {
    const f = await fetchedFromVector(v, CODE, onChainLists);
    const dbCheckpoints = { source: "db (SignedCheckpoint)", checkpoints: [v.checkpoint] };
    // No Step rows, but the agency named: the rows check passes empty, the checkpoints count as BAMF's.
    const verified = verifyAudit(f, { ...inputs, exportsGiven: false, checkpoints: [], db: { source: "db", agency: 1, rows: [], checkpoints: dbCheckpoints } });
    expect(verified.commitments).to.equal(undefined);
    expect(verified.checkpointSets.map((s) => s.agency)).to.deep.equal([1]);
    expect(dbCheckpoints).to.not.have.property("agency");
    expect(verified.checkpoints[0]).to.include({ valid: true, agency: "BAMF" });
    expect(verified.internal!.agency).to.equal("BAMF");
  });

  it("cannot run internal mode on a database whose agency is neither named nor found in its rows", async () => {
    const f = await fetchedFromVector(v, CODE, onChainLists);
    expect(() => dbAgencyOf(f, { source: "empty.db", rows: [] })).to.throw(CannotRun, "holds no Step rows");
    const stranger = { id: 999_999, caseRef: "0x" + "77".repeat(32), stepCode: 1, detail: "0", businessDate: 0, data: null, salt: null, commitment: HASH_A, state: "confirmed" };
    expect(() => dbAgencyOf(f, { source: "other.db", rows: [stranger] })).to.throw(CannotRun, "no Step row matches");
    expect(dbAgencyOf(f, { source: "named.db", agency: 2, rows: [stranger] })).to.equal(2);
  });

  it("proves an event up to the first valid checkpoint at or after it, and refuses an event not on chain", async () => {
    const f = await fetchedFromVector(v, CODE, onChainLists);
    const verified = verifyAudit(f, inputs);
    const step = [...f.engine.replayer.steps].find((s) => s.block <= v.checkpoint.blockNumber)!;
    const proof = inclusionProofOf(f, verified.checkpoints, verified.checkpointSets, v.deployment, step.eventId);
    expect(proof.uptoBlock).to.equal(v.checkpoint.blockNumber);
    expect(proof.checkpoints).to.have.length(1);
    expect(proof.checkpoints[0].commitmentsRoot, "the checkpoint signed the proof's own root").to.equal(proof.root);
    expect(verifyInclusionProof(JSON.parse(JSON.stringify(proof))).valid).to.equal(true);
    expect(() => inclusionProofOf(f, verified.checkpoints, verified.checkpointSets, v.deployment, 12345n)).to.throw(CannotRun, "not on chain");
  });
});
