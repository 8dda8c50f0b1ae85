// The auditor's record of the head it verified before (--verified-head, services/audit/verified-head.ts):
// history up to it must hash as recorded, even where a quorum of validators sealed a rewrite; on QBFT the
// seals up to it are not recovered again, those after it are. QBFT-shaped chains built here and served
// over JSON-RPC (support/qbft-audit.ts); the development-chain case on a real anvil.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERIFIED_HEAD_FORMAT, type VerifiedHead } from "../../services/audit/verified-head";
import type { RpcBlock } from "../../services/audit/types";
import { startTestChain } from "../support/chain";
import { runCli, type CliRun } from "./support/cli";
import { A, B, D, buildChain } from "./support/qbft-chain";
import { CHAIN_ID, LEDGER, auditQbft, chainKinds, cliOnQbft } from "./support/qbft-audit";

const AUDITED_AT = "2026-12-01T08:00:00.000Z";

/** What an earlier clean audit of `chain` up to `block` recorded. */
const headOf = (chain: RpcBlock[], block: number, hash = chain[block].hash): VerifiedHead => ({
  format: VERIFIED_HEAD_FORMAT,
  chainId: CHAIN_ID,
  ledger: LEDGER,
  deploymentBlock: 0,
  block,
  hash: hash.toLowerCase(),
  consensus: "qbft",
  auditedAt: AUDITED_AT,
});

/** The same eight blocks with block 2 proposed by D instead of B: another history, sealed by all four validators. */
const rewritten = (length = 8) => buildChain({ length, blocks: { 2: { proposer: D } } });

describe("audit: the auditor's record of the head it verified before (QBFT)", () => {
  for (const sealsApart of [false, true]) {
    const how = sealsApart ? " (seals checked in a process beside the audit)" : "";
    it(`recovers only the seals after the recorded block, and says so${how}`, async () => {
      const chain = buildChain({ length: 8 });
      const r = await auditQbft(chain, { verifiedHead: headOf(chain, 5), sealsApart });
      expect(chainKinds(r)).to.deep.equal([]);
      expect(r.consensus!.finality).to.deep.include({
        status: "verified",
        blocks: 8,
        sealsChecked: 3,
        verifiedHead: { block: 5, hash: chain[5].hash, auditedAt: AUDITED_AT },
        line: `BFT finality verified: 8 blocks, each sealed by ≥ 3 of 4 validators (the seals of the 5 up to block 5 as this auditor verified them at ${AUDITED_AT}, that block's hash unchanged; of the 3 after it, now)`,
      });
      // without the record every block's seals
      expect((await auditQbft(chain, { sealsApart })).consensus!.finality).to.include({ blocks: 8, sealsChecked: 8 });
    });

    it(`does not check again the seals up to the recorded block, and checks those after it${how}`, async () => {
      // Block 3 carries only two seals of four: what an earlier audit would have found.
      const chain = buildChain({ length: 8, blocks: { 3: { sealers: [A, B] } } });
      expect(chainKinds(await auditQbft(chain, { verifiedHead: headOf(chain, 2), sealsApart }))).to.deep.equal(["3:qbft-quorum-missing"]);
      expect(chainKinds(await auditQbft(chain, { verifiedHead: headOf(chain, 4), sealsApart }))).to.deep.equal([]);
    });
  }

  it("finds history rewritten below the recorded block although a quorum of validators sealed the rewrite", async () => {
    const chain = buildChain({ length: 8 });
    const other = rewritten();
    expect(other[2].hash).not.to.equal(chain[2].hash);
    // Every seal of the rewrite verifies: without the record the audit has nothing to object to.
    expect(chainKinds(await auditQbft(other))).to.deep.equal([]);
    const r = await auditQbft(other, { verifiedHead: headOf(chain, 4) });
    expect(chainKinds(r)).to.deep.equal(["4:history-changed-since-verified"]);
    const f = r.findings.find((x) => x.kind === "history-changed-since-verified")!;
    expect(f.severity).to.equal("critical");
    expect(f.details).to.deep.include({ recorded: chain[4].hash, now: other[4].hash, auditedAt: AUDITED_AT });
    expect(r.consensus!.finality.status).to.equal("failed");
    expect(r.consensus!.finality.line).to.match(/^BFT finality NOT verified/);
  });

  it("reports a record above the audited head, and then checks every seal", async () => {
    const chain = buildChain({ length: 8 });
    const r = await auditQbft(chain, { verifiedHead: { ...headOf(chain, 8), block: 20 } });
    expect(chainKinds(r)).to.deep.equal(["8:head-below-verified"]);
    expect(r.findings.find((x) => x.kind === "head-below-verified")!.severity).to.equal("warning");
    expect(r.consensus!.finality).to.include({ status: "verified", blocks: 8, sealsChecked: 8 });
    expect(r.consensus!.finality.verifiedHead).to.equal(undefined);
  });

  it("refuses a record of another ledger, and one below its deployment block", async () => {
    const chain = buildChain({ length: 3 });
    const err = await auditQbft(chain, { verifiedHead: { ...headOf(chain, 2), ledger: "0x" + "bb".repeat(20) } }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.contain("the verified-head record is of chain 4242, ledger 0xbbbb");
    // Below the deployment block it would never be compared while the seals up to it were taken as verified.
    const low = await auditQbft(chain, { block: 2, verifiedHead: { ...headOf(chain, 1), deploymentBlock: 2 } }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(low?.message).to.contain("names block 1, below its deployment block 2");
  });
});

describe("audit CLI: --verified-head", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "w2-verified-head-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const readHead = (file: string) => JSON.parse(readFileSync(file, "utf8")) as VerifiedHead;

  it("QBFT: records the head, checks only the seals added since, and keeps the record when history was rewritten", async () => {
    const file = join(dir, "verified-head.json");
    // The served chain has no ledger, so other checks find that; the chain check is what the record needs.
    const chainPasses = (run: CliRun) => expect(run.report?.checks.find((c) => c.id === "chain")?.status, run.stderr).to.equal("pass");
    const first = await cliOnQbft(buildChain({ length: 5 }), ["--verified-head", file]);
    chainPasses(first);
    expect(readHead(file)).to.deep.include({ format: VERIFIED_HEAD_FORMAT, chainId: CHAIN_ID, ledger: LEDGER, block: 5, hash: buildChain({ length: 5 })[5].hash, consensus: "qbft", auditedAt: first.report!.generatedAt });
    expect(first.stdout).to.contain(`Verified head: block 5 (${buildChain({ length: 5 })[5].hash}) recorded in ${file}`);

    // The chain has grown by four blocks: their seals are checked, the five before are pinned by block 5's hash.
    const longer = buildChain({ length: 9 });
    const second = await cliOnQbft(longer, ["--verified-head", file]);
    chainPasses(second);
    expect(second.report!.consensus!.finality).to.include({ blocks: 9, sealsChecked: 4 });
    expect(second.stdout).to.contain(`the seals of the 5 up to block 5 as this auditor verified them at ${first.report!.generatedAt}`);
    expect(second.html).to.contain("Compared with this auditor's record of the head it verified before (--verified-head): block 5");
    expect(readHead(file)).to.include({ block: 9, hash: longer[9].hash });

    // A rewrite of block 2, sealed by all four validators: found, and the record stays as it was.
    const before = readFileSync(file, "utf8");
    const third = await cliOnQbft(rewritten(9), ["--verified-head", file]);
    expect(third.report!.findings.filter((f) => f.check === "chain").map((f) => f.kind)).to.deep.equal(["history-changed-since-verified"]);
    expect(third.stdout).to.contain("chain/history-changed-since-verified").and.contain(`Verified head: ${file} left as it was (block 9): the chain check has findings`);
    expect(readFileSync(file, "utf8")).to.equal(before);
  });

  it("refuses (exit 2) a file that is not a record of a verified head", async () => {
    const file = join(dir, "not-a-head.json");
    writeFileSync(file, JSON.stringify({ block: 3 }));
    const run = await cliOnQbft(buildChain({ length: 3 }), ["--verified-head", file]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("is not a record of a verified head");
  });

  it("anvil: pins the history of a development chain too", async () => {
    const chain = await startTestChain({ node: "anvil" });
    try {
      const file = join(dir, "verified-head.json");
      const args = ["--rpc", chain.rpcUrl, "--deployment", chain.deploymentFile, "--no-agencies", "--verified-head", file];
      const first = await runCli(args, { out: join(dir, "out1") });
      expect(first.code, first.stderr).to.equal(0);
      const head = readHead(file);
      expect(head).to.include({ consensus: "dev", block: first.report!.scope.toBlock, hash: first.report!.scope.headHash });

      // The same block recorded with another hash: the chain no longer has the history this auditor verified.
      const forged = { ...head, hash: "0x" + "ab".repeat(32) };
      writeFileSync(file, JSON.stringify(forged));
      const second = await runCli([...args, "--to-block", String(head.block)], { out: join(dir, "out2") });
      expect(second.code).to.equal(1);
      expect(second.report!.findings.map((f) => `${f.blockNumber}:${f.kind}`)).to.include(`${head.block}:history-changed-since-verified`);
      expect(second.report!.consensus!.finality.verifiedHead).to.deep.equal({ block: head.block, hash: forged.hash, auditedAt: head.auditedAt });
      expect(readHead(file)).to.deep.equal(forged);
      expect(existsSync(`${file}.${process.pid}.tmp`)).to.equal(false);
    } finally {
      await chain.dispose();
    }
  });
});
