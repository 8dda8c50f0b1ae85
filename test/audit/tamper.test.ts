// The audit CLI against a throwaway anvil with a real ledger history, the agencies' exports and an agency
// database: a clean ledger audits clean (exit 0); each kind of tampering is found (exit 1) and named; what
// cannot be audited exits 2.
import { expect } from "chai";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toUtf8Bytes, type Wallet } from "ethers";
import { startTestChain, type TestChain } from "../support/chain";
import { migrate, openDb } from "../../services/agency/store/db";
import { writeDeployment } from "../../services/shared/deployment";
import { eventIdOf } from "../../services/shared/ledger-codec";
import type { ExportLine, SignedCheckpoint } from "../../services/audit/types";
import { LedgerWriter } from "./support/writer";
import { recordScenario, B, Z, type ScenarioResult } from "./support/scenario";
import { signCheckpoint } from "./support/sign";
import { logTreeOnChain } from "./support/commitments-root";
import { fillAgencyDb, FICTITIOUS_FAMILY_NAME } from "./support/agency-db";
import { runCli, kindsOf } from "./support/cli";
import { mined } from "../../services/shared/mined";

const head = async (chain: TestChain) => Number(await chain.provider.send("eth_blockNumber", []));

async function checkpointAt(chain: TestChain, w: LedgerWriter, wallet: Wallet, block: number): Promise<SignedCheckpoint> {
  const b = await chain.provider.send("eth_getBlockByNumber", ["0x" + block.toString(16), false]);
  const ledger = chain.deployment.contracts.ProcedureLedger.address;
  return signCheckpoint(wallet, { chainId: chain.deployment.chainId, ledger, blockNumber: block, blockHash: b.hash, caseCount: w.caseCountAt(block), ...(await logTreeOnChain(chain.provider, ledger, block)) });
}

describe("audit CLI against a throwaway ledger", function () {
  let chain: TestChain;
  let w: LedgerWriter;
  let scenario: ScenarioResult;
  let dir: string;
  let bamfExport: string;
  let zabExport: string;
  let cpFile: string;
  let dbFile: string;
  let bamfLines: ExportLine[];
  let zabLines: ExportLine[];
  let base: string[];

  before(async () => {
    chain = await startTestChain();
    dir = mkdtempSync(join(tmpdir(), "anker-audit-tamper-"));
    const bamf = chain.wallets.BAMF.connect(chain.provider);
    const zab = chain.wallets.ZAB.connect(chain.provider);
    w = new LedgerWriter(chain.provider, chain.deployment.contracts.ProcedureLedger.address, { [B]: bamf, [Z]: zab });
    scenario = await recordScenario(w);
    const h = await head(chain);
    const cps = [await checkpointAt(chain, w, bamf, h), await checkpointAt(chain, w, zab, h - 2)];

    bamfLines = w.exportLines(B);
    zabLines = w.exportLines(Z);
    bamfExport = join(dir, "bamf-export.json");
    zabExport = join(dir, "zab-export.ndjson");
    writeFileSync(bamfExport, JSON.stringify({ agency: "BAMF", lines: bamfLines, next: null }));
    writeFileSync(zabExport, zabLines.map((l) => JSON.stringify(l)).join("\n") + "\n"); // JSON lines
    cpFile = join(dir, "checkpoints.json");
    writeFileSync(cpFile, JSON.stringify({ checkpoints: cps }));

    dbFile = join(dir, "bamf.db");
    migrate(`file:${dbFile}`);
    const db = openDb(`file:${dbFile}`);
    try {
      await fillAgencyDb(db, B, w.kept, [cps[0]]);
    } finally {
      await db.$disconnect();
    }
    base = ["--deployment", chain.deploymentFile, "--no-agencies"];
  });

  after(async () => {
    await chain?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("audits a clean ledger clean (exit 0): every check passes, the erased case is erased, not missing", async () => {
    const r = await runCli([...base, "--export", bamfExport, "--export", `ZAB=${zabExport}`, "--checkpoints", cpFile, "--db", `BAMF=${dbFile}`]);
    expect(r.stderr).to.equal("");
    expect(r.code, r.stdout).to.equal(0);
    const rep = r.report!;
    expect(rep.verdict).to.equal("clean");
    expect(rep.checks.map((c) => [c.id, c.status])).to.deep.equal([
      ["chain", "pass"], ["code", "pass"], ["events", "pass"], ["hashchains", "pass"], ["rules", "pass"],
      ["commitments", "pass"], ["internal", "pass"], ["checkpoints", "pass"], ["compliance", "pass"],
    ]);
    const erasedBamfSteps = w.kept.filter((k) => k.agency === B && k.caseRef === scenario.erasedCase && k.data === null).length;
    expect(erasedBamfSteps).to.be.greaterThan(0);
    expect(rep.commitments!.BAMF).to.deep.include({ erased: erasedBamfSteps, missing: 0, mismatched: 0, notOnChain: 0 });
    expect(rep.internal!.counts).to.deep.include({ erased: erasedBamfSteps, changed: 0, deleted: 0 });
    expect(rep.compliance.erasures.map((e) => e.caseRef)).to.deep.equal([scenario.erasedCase]);
    expect(rep.compliance.corrections.map((c) => c.originalEventId)).to.deep.equal([scenario.corrected.eventId.toString()]);
    expect(rep.checkpoints.filter((c) => c.valid)).to.have.length(3);
    expect(rep.contracts.ProcedureLedger.codeEqualsArtifact).to.equal(true);
    expect(rep.codeList.matches).to.equal(true);
    expect(rep.codeList.onChain.version).to.equal("2026.2");
    expect(rep.codeList.history.map((h) => [h.version, h.rightsMatch])).to.deep.equal([["2026.2", true]]);
    // who was a member when: every agency with its accounts, in the report, the HTML and the CLI's summary
    expect(rep.agencies.map((a) => [a.agency, a.label, a.typeKey, a.accounts.length, a.memberAtHead])).to.deep.equal([
      [1, "BAMF", "FEDERAL_OFFICE", 1, true],
      [2, "ZAB", "CENTRAL_AUTHORITY", 1, true],
    ]);
    expect(r.html).to.contain("Member agencies: who was a member when").and.contain(rep.agencies[0].name);
    expect(r.stdout).to.contain("Member agencies (who was a member when)").and.contain(`agency 2 ZAB: ${rep.agencies[1].name}`);
    // people's report: summary first, charts inline, no personal data from the agency database
    expect(r.html!.indexOf("No findings")).to.be.lessThan(r.html!.indexOf("<h2>Findings"));
    expect(r.html).to.contain("<svg");
    expect(r.html).not.to.match(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    expect(r.html).not.to.contain(FICTITIOUS_FAMILY_NAME);
    expect(JSON.stringify(rep)).not.to.contain(FICTITIOUS_FAMILY_NAME);
    expect(r.stdout).to.match(/^CLEAN/);
  });

  it("finds a forged export line and names its event id", async () => {
    const forged = bamfLines.map((l) => ({ ...l }));
    const target = forged.find((l) => !l.erased)!;
    target.dataDigest = keccak256(toUtf8Bytes("forged"));
    const file = join(dir, "bamf-forged.json");
    writeFileSync(file, JSON.stringify(forged));
    const r = await runCli([...base, "--export", file, "--export", zabExport]);
    expect(r.code).to.equal(1);
    const f = r.report!.findings.find((x) => x.kind === "commitment-mismatch")!;
    expect(f.eventId).to.equal(target.ledgerEventId);
    expect(f.severity).to.equal("error");
    expect(r.report!.checks.find((c) => c.id === "commitments")!.status).to.equal("fail");
  });

  it("finds an event missing from the export, and an export line that is not on chain", async () => {
    const missing = zabLines[3];
    const file = join(dir, "zab-missing.json");
    writeFileSync(file, JSON.stringify(zabLines.filter((l) => l !== missing)));
    const notOnChain = { ledgerEventId: eventIdOf(B, scenario.skippedBamfSequence).toString(), caseRef: bamfLines[0].caseRef, salt: "0x" + "01".repeat(32), dataDigest: "0x" + "02".repeat(32) };
    const file2 = join(dir, "bamf-extra.json");
    writeFileSync(file2, JSON.stringify([...bamfLines, notOnChain]));
    const r = await runCli([...base, "--export", file2, "--export", file]);
    expect(r.code).to.equal(1);
    const byKind = Object.fromEntries(r.report!.findings.map((f) => [f.kind, f.eventId]));
    expect(byKind["missing-from-export"]).to.equal(missing.ledgerEventId);
    expect(byKind["not-on-chain"]).to.equal(notOnChain.ledgerEventId);
    expect(kindsOf(r)).to.have.length(2);
  });

  it("finds a changed and a deleted row in the agency database (internal mode)", async () => {
    const copy = join(dir, "bamf-tampered.db");
    copyFileSync(dbFile, copy);
    const db = openDb(`file:${copy}`);
    const rows = await db.step.findMany({ where: { data: { not: null } }, orderBy: { id: "asc" } });
    const changed = rows[1];
    const deleted = rows[2];
    try {
      await db.step.update({ where: { id: changed.id }, data: { data: changed.data!.replace("}", ',"x":1}') } });
      await db.step.delete({ where: { id: deleted.id } });
    } finally {
      await db.$disconnect();
    }
    const r = await runCli([...base, "--db", copy]); // the agency is found from the rows
    expect(r.code).to.equal(1);
    expect(r.report!.internal!.agency).to.equal("BAMF");
    const byKind = Object.fromEntries(r.report!.findings.map((f) => [f.kind, f.eventId]));
    expect(byKind["row-changed"]).to.equal(eventIdOf(B, changed.id).toString());
    expect(byKind["row-deleted"]).to.equal(eventIdOf(B, deleted.id).toString());
    expect(r.report!.internal!.counts, JSON.stringify(r.report!.findings, null, 1)).to.deep.include({ changed: 1, deleted: 1 });
  });

  it("finds a replaced contract: other code at the ledger address than the audited build", async () => {
    // Other code: a contract whose runtime is 0x60006000f3 (returns nothing).
    const deployer = chain.wallets.ZAB.connect(chain.provider);
    const tx = await deployer.sendTransaction({ data: "0x6460006000f3600052600560" + "1bf3" });
    const receipt = await mined(tx);
    const other = receipt.contractAddress!;
    const code = await chain.provider.getCode(other);
    expect(code).to.not.equal("0x");
    const file = join(dir, "deployment-replaced.json");
    writeDeployment({ ...chain.deployment, contracts: { ProcedureLedger: { ...chain.deployment.contracts.ProcedureLedger, address: other, codeHash: keccak256(code) } } }, file);
    const r = await runCli(["--deployment", file, "--no-agencies"]);
    expect(r.code).to.equal(1);
    expect(kindsOf(r)).to.include("code-mismatch");
    expect(r.report!.checks.find((c) => c.id === "code")!.status).to.equal("fail");
    expect(r.report!.contracts.ProcedureLedger.codeEqualsArtifact).to.equal(false);
  });

  it("verifies the headers from genesis on request", async () => {
    const r = await runCli([...base, "--from-genesis"]);
    expect(r.code, r.stdout).to.equal(0);
    expect(r.report!.scope.fromBlock).to.equal(0);
    expect(r.report!.scope.headersChecked).to.equal(r.report!.scope.toBlock + 1);
  });

  it("writes an inclusion proof that verifies offline, and rejects a tampered one", async () => {
    const target = w.kept.find((k) => k.agency === Z)!;
    const r = await runCli([...base, "--checkpoints", cpFile, "--prove", target.eventId.toString()]);
    expect(r.code, r.stdout).to.equal(0);
    const proofFile = r.report!.proof!.file;
    const proof = JSON.parse(readFileSync(proofFile, "utf8"));
    expect(proof.checkpoints.length).to.be.greaterThan(0);
    expect(proof).to.include({ format: "anker-inclusion-proof-v2", tree: "rfc6962" });
    expect(proof.checkpoints.every((c: { commitmentsTree: string }) => c.commitmentsTree === "rfc6962")).to.equal(true);
    const ok = await runCli(["--verify-proof", proofFile, "--trust", chain.wallets.BAMF.address, "--trust", chain.wallets.ZAB.address]);
    expect(ok.code, ok.stdout).to.equal(0);
    expect(ok.stdout).to.match(/^valid.*RFC 6962 log tree/);
    const moved = join(dir, "proof-moved.json");
    writeFileSync(moved, JSON.stringify({ ...proof, leafIndex: proof.leafIndex === 0 ? 1 : proof.leafIndex - 1 }));
    expect((await runCli(["--verify-proof", moved])).code, "another leaf index").to.equal(1);
    const bad = join(dir, "proof-bad.json");
    writeFileSync(bad, JSON.stringify({ ...proof, leaf: [...proof.leaf.slice(0, 4), keccak256("0x01")] }));
    const no = await runCli(["--verify-proof", bad]);
    expect(no.code).to.equal(1);
    expect(no.stdout).to.match(/INVALID/);
  });

  it("exits 2 with a clear message when it cannot run", async () => {
    const noNode = await runCli([...base, "--rpc", "http://127.0.0.1:9"]);
    expect(noNode.code).to.equal(2);
    expect(noNode.stderr).to.match(/no JSON-RPC node answers at http:\/\/127\.0\.0\.1:9/);
    const noDeployment = await runCli(["--deployment", join(dir, "nope.json"), "--no-agencies"]);
    expect(noDeployment.code).to.equal(2);
    expect(noDeployment.stderr).to.match(/nope\.json is missing/);
    const badExport = join(dir, "bad.json");
    writeFileSync(badExport, JSON.stringify([{ ledgerEventId: "x" }]));
    const bad = await runCli([...base, "--export", badExport]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/bad\.json, entry 1/);
    const noAgencies = await runCli(["--deployment", chain.deploymentFile, "--bamf-url", "http://127.0.0.1:9", "--zab-url", "http://127.0.0.1:9"]);
    expect(noAgencies.code).to.equal(2);
    expect(noAgencies.stderr).to.match(/does not answer.*--no-agencies/);
  });
});

describe("audit CLI against a rewritten chain (anvil only: state file restored across a node restart)", function () {
  let chain: TestChain;
  let dir: string;

  before(async () => {
    chain = await startTestChain();
    dir = mkdtempSync(join(tmpdir(), "anker-audit-rewrite-"));
  });
  after(async () => {
    await chain?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("finds a history rewritten after the agencies signed a checkpoint (restart from an earlier state)", async () => {
    const bamf = chain.wallets.BAMF.connect(chain.provider);
    const zab = chain.wallets.ZAB.connect(chain.provider);
    const ledger = chain.deployment.contracts.ProcedureLedger.address;
    const caseRef = (s: string) => keccak256(toUtf8Bytes(`rewrite:${s}`));
    const w = new LedgerWriter(chain.provider, ledger, { [B]: bamf, [Z]: zab });
    await w.record([{ agency: Z, caseRef: caseRef("1"), step: "REGISTERED" }]);

    // The earlier state, as an operator with access to the node's files could keep it.
    await chain.stop();
    const state = join(chain.dataDir, "chain", "state.json");
    copyFileSync(state, join(dir, "earlier-state.json"));
    await chain.restart();

    // History the agencies see and sign.
    await w.record([{ agency: B, caseRef: caseRef("1"), step: "APPLICATION_FILED" }]);
    await w.record([{ agency: B, caseRef: caseRef("1"), step: "HEARING_SCHEDULED" }]);
    const signedAt = await head(chain);
    const cps = [await checkpointAt(chain, w, bamf, signedAt), await checkpointAt(chain, w, zab, signedAt)];
    const cpFile = join(dir, "checkpoints.json");
    writeFileSync(cpFile, JSON.stringify(cps));
    const before = await runCli(["--deployment", chain.deploymentFile, "--no-agencies", "--checkpoints", cpFile]);
    expect(before.code, before.stdout).to.equal(0);

    // Rewrite: restart from the earlier state and record something else at the same heights.
    await chain.stop();
    copyFileSync(join(dir, "earlier-state.json"), state);
    await chain.restart();
    const w2 = new LedgerWriter(chain.provider, ledger, { [B]: bamf, [Z]: zab });
    await w2.record([{ agency: B, caseRef: caseRef("1"), step: "APPLICATION_FILED", sequence: 1, data: { note: "other" } }]);
    await w2.record([{ agency: B, caseRef: caseRef("2"), step: "PROSPECTS_ASSESSED", detail: 2, sequence: 2 }]);
    await w2.record([{ agency: B, caseRef: caseRef("2"), step: "APPLICATION_FILED", sequence: 3 }]);
    expect(await head(chain)).to.be.at.least(signedAt);

    const after = await runCli(["--deployment", chain.deploymentFile, "--no-agencies", "--checkpoints", cpFile]);
    expect(after.code).to.equal(1);
    const forks = after.report!.findings.filter((f) => f.kind === "checkpoint-fork");
    expect(forks).to.have.length(2);
    expect(forks[0].severity).to.equal("critical");
    expect(forks[0].blockNumber).to.equal(signedAt);
    expect(after.report!.checks.find((c) => c.id === "checkpoints")!.status).to.equal("fail");
    // The rewritten chain is internally consistent: only the checkpoints reveal it.
    expect(after.report!.checks.filter((c) => c.status === "fail").map((c) => c.id)).to.deep.equal(["checkpoints"]);
  });
});
