// The audit as a QBFT light client, end to end over JSON-RPC: QBFT-shaped chains built here
// (support/qbft-chain.ts: validator wallets, Besu's extraData, seals and block hashes per Besu's
// algorithm) are served by a real HTTP JSON-RPC node on 127.0.0.1 (support/json-rpc-chain.ts), and the
// audit reads them through its own RpcClient, as it reads Besu. The fake node has no ledger (no code, no
// logs), so the audit's other checks report that; these tests judge the chain check, the consensus
// findings and the finality line. anvil and Hardhat's node are real nodes.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { id } from "ethers";
import { commitSeal, blockHashOf } from "../../services/audit/consensus/qbft";
import { headerHash } from "../../services/audit/headers";
import { renderHtml } from "../../services/audit/html";
import { exitCodeOf } from "../../services/audit/report";
import type { RpcBlock } from "../../services/audit/types";
import { sortValidators, type QbftVote } from "../../services/shared/qbft/extra-data";
import { startTestChain, type TestNode } from "../support/chain";
import { runCli } from "./support/cli";
import { auditQbft, chainCheck, chainKinds, cliOnQbft } from "./support/qbft-audit";
import { A, B, C, D, E, FOUR, X, addr, buildChain, sealsOf, withSeals } from "./support/qbft-chain";

describe("audit: a QBFT chain served over JSON-RPC (the audit as a light client)", () => {
  it("detects QBFT from block 0, hashes as Besu, and verifies finality of every block", async () => {
    const r = await auditQbft(buildChain({ length: 8 }));
    expect(chainKinds(r)).to.deep.equal([]);
    expect(chainCheck(r).status).to.equal("pass");
    expect(r.consensus!.kind).to.equal("qbft");
    expect(r.consensus!.detectedFrom).to.equal("genesis");
    expect(r.consensus!.finality).to.include({ status: "verified", line: "BFT finality verified: 8 blocks, each sealed by ≥ 3 of 4 validators", blocks: 8 });
    expect(r.consensus!.finality.anchor).to.deep.include({ block: 0, validators: sortValidators(FOUR.map(addr)) });
    expect(chainCheck(r).summary).to.contain("BFT finality verified: 8 blocks, each sealed by ≥ 3 of 4 validators");
    expect(renderHtml(r)).to.contain("BFT finality verified: 8 blocks, each sealed by ≥ 3 of 4 validators");
    expect(r.consensus!.finality.sealProcessCpuSeconds, "checked in the audit's own thread below 2,000 blocks").to.equal(undefined);
    // the headers' hashing is part of the finality time, and given apart
    const fin = r.consensus!.finality;
    expect(fin.hashSeconds).to.be.greaterThan(0).and.at.most(fin.seconds!);
    // The same with the seals checked in a process beside the audit: the same verdict, and that process's CPU time.
    const apart = await auditQbft(buildChain({ length: 8 }), { sealsApart: true });
    expect(apart.consensus!.finality).to.deep.include({ status: "verified", line: r.consensus!.finality.line, blocks: 8, weakest: r.consensus!.finality.weakest });
    expect(apart.consensus!.finality.sealProcessCpuSeconds).to.be.greaterThan(0);
  });

  it("audited as a development chain, the same QBFT chain fails every header after genesis (why the consensus matters)", async () => {
    const r = await auditQbft(buildChain({ length: 3 }), { consensus: "dev" });
    expect(chainKinds(r)).to.include.members(["1:header-hash-mismatch", "2:header-hash-mismatch", "3:header-hash-mismatch"]);
    expect(r.consensus!.finality.status).to.equal("not-applicable");
  });

  const cases: { name: string; chain: () => RpcBlock[]; expected: string[] }[] = [
    { name: "a seal by a non-validator", chain: () => buildChain({ length: 4, blocks: { 3: { sealers: [A, B, X] } } }), expected: ["3:qbft-seal-not-by-validator", "3:qbft-quorum-missing"] },
    { name: "too few seals", chain: () => buildChain({ length: 4, blocks: { 2: { sealers: [A, B] } } }), expected: ["2:qbft-quorum-missing"] },
    { name: "a duplicated seal", chain: () => buildChain({ length: 3, blocks: { 2: { sealers: [A, B, C, C] } } }), expected: ["2:qbft-seal-duplicated"] },
    {
      name: "a seal over a different header",
      chain: () => {
        const chain = buildChain({ length: 4, blocks: { 3: { sealers: [A, B] } } });
        // C's seal over block 3 with another state root, moved into the real block 3 (its hash is unchanged: seals are not hashed).
        chain[3] = withSeals(chain[3], [...sealsOf(chain[3]), commitSeal({ ...chain[3], stateRoot: id("other state") }, C.signingKey)]);
        return chain;
      },
      expected: ["3:qbft-seal-not-by-validator", "3:qbft-quorum-missing"],
    },
    {
      name: "a validator added without a vote",
      chain: () => buildChain({ length: 4, setFor: (n) => (n >= 3 ? [...FOUR, E] : FOUR), blocks: { 4: { proposer: E } } }),
      expected: ["3:qbft-validator-added-without-vote", "3:qbft-seal-not-by-validator", "4:qbft-validator-added-without-vote", "4:qbft-proposer-not-validator", "4:qbft-seal-not-by-validator"],
    },
    {
      name: "a changed validator list in extraData",
      chain: () => buildChain({ length: 3, blocks: { 2: { listed: sortValidators([addr(A), addr(B), addr(C), addr(X)]) } } }),
      expected: ["2:qbft-validator-added-without-vote", "2:qbft-validator-removed-without-vote"],
    },
    {
      name: "a header whose hash a forger recomputed without seals",
      chain: () => {
        const chain = buildChain({ length: 5 });
        chain[3] = withSeals({ ...chain[3], stateRoot: id("rewritten state") }, []);
        // Re-hashed as Besu hashes and re-linked: every hash and link holds, only the seals give it away.
        for (let n = 3; n < chain.length; n++) {
          if (n > 3) chain[n] = { ...chain[n], parentHash: chain[n - 1].hash };
          chain[n] = { ...chain[n], hash: blockHashOf(chain[n]) };
        }
        return chain;
      },
      expected: ["3:qbft-quorum-missing", "4:qbft-seal-not-by-validator", "4:qbft-seal-not-by-validator", "4:qbft-seal-not-by-validator", "4:qbft-seal-not-by-validator", "4:qbft-quorum-missing", "5:qbft-seal-not-by-validator", "5:qbft-seal-not-by-validator", "5:qbft-seal-not-by-validator", "5:qbft-seal-not-by-validator", "5:qbft-quorum-missing"],
    },
  ];
  for (const c of cases) {
    for (const sealsApart of [false, true]) it(`finds ${c.name} as a critical audit finding, and says finality is not verified${sealsApart ? " (seals checked in a process beside the audit)" : ""}`, async () => {
      const r = await auditQbft(c.chain(), { sealsApart });
      expect(chainKinds(r)).to.have.members(c.expected);
      expect(r.findings.filter((f) => f.check === "chain").every((f) => f.severity === "critical")).to.equal(true);
      expect(chainCheck(r).status).to.equal("fail");
      expect(r.consensus!.finality.status).to.equal("failed");
      expect(r.consensus!.finality.line).to.match(/^BFT finality NOT verified/);
      expect(exitCodeOf(r)).to.equal(1);
    });
  }

  it("finds a stated hash that is the plain Ethereum hash (the header chain, hashing as Besu)", async () => {
    const chain = buildChain({ length: 3 });
    chain[2] = { ...chain[2], hash: headerHash(chain[2]) };
    chain[3] = { ...chain[3], parentHash: chain[2].hash };
    // Block 3 then names another parent than the one its validators sealed: its seals fail as well.
    expect(chainKinds(await auditQbft(chain))).to.include.members(["2:header-hash-mismatch", "3:header-link-broken", "3:qbft-quorum-missing"]);
  });

  it("finds extraData that is not QBFT extraData: a malformed header whose seals cannot be checked", async () => {
    const chain = buildChain({ length: 3 });
    chain[2] = { ...chain[2], extraData: "0x" + "00".repeat(32) };
    const r = await auditQbft(chain);
    expect(chainKinds(r)).to.include.members(["2:header-malformed", "2:qbft-extra-data-malformed"]);
    expect(r.consensus!.finality.status).to.equal("failed");
  });

  describe("from the deployment block: the validator set from the epoch block at or before it", () => {
    // Epoch length 10, deployment at block 12: the set comes from epoch block 10. A, B, C vote E in at
    // blocks 11 (before the audited range), 12 and 13; from block 14 on, five validators seal.
    const vote: QbftVote = { recipient: addr(E), kind: "add" };
    const five = [...FOUR, E];
    const plan = (extra: Parameters<typeof buildChain>[0]["blocks"] = {}) =>
      buildChain({ length: 16, setFor: (n) => (n >= 14 ? five : FOUR), blocks: { 11: { proposer: A, vote }, 12: { proposer: B, vote }, 13: { proposer: C, vote }, ...extra } });

    it("follows the votes cast before the audited range and says where it started and why", async () => {
      const r = await auditQbft(plan(), { block: 12, epochLength: 10 });
      expect(chainKinds(r)).to.deep.equal([]);
      expect(r.scope.fromBlock).to.equal(12);
      const f = r.consensus!.finality;
      expect(f).to.include({ status: "verified", blocks: 6, epochLength: 10 });
      expect(f.line).to.equal("BFT finality verified: 6 blocks, each sealed by ≥ ⌈2n/3⌉ of its n validators (n from 4 to 5)");
      expect(f.anchor).to.deep.include({ block: 10, validators: sortValidators(FOUR.map(addr)) });
      expect(f.anchor!.reason).to.match(/^epoch block 10, the last one \(every 10 blocks\) at or before the first audited block 12/);
      expect(renderHtml(r)).to.contain("validator set from epoch block 10");
    });

    it("finds too few seals before the audited range too (the blocks that carry the votes), also with the seals checked beside the audit", async () => {
      for (const sealsApart of [false, true]) {
        const r = await auditQbft(plan({ 11: { proposer: A, vote, sealers: [A, B] } }), { block: 12, epochLength: 10, sealsApart });
        expect(chainKinds(r), `sealsApart ${sealsApart}`).to.deep.equal(["11:qbft-quorum-missing"]);
      }
    });

    it("checks the link from the blocks before the range into the first audited block", async () => {
      const served = plan();
      // Another validly sealed block 11 (D casts the vote instead of A): the served block 12 does not name it as parent.
      served[11] = plan({ 11: { proposer: D, vote } })[11];
      const r = await auditQbft(served, { block: 12, epochLength: 10 });
      expect(chainKinds(r)).to.deep.equal(["12:header-link-broken"]);
    });
  });
});

describe("audit: finality on development chains is not applicable, and says so", function () {
  for (const node of ["anvil", "hardhat"] as TestNode[]) {
    it(`${node}: the report, its HTML and the CLI summary say "not applicable (single-node development chain)"`, async () => {
      const chain = await startTestChain({ node });
      const out = mkdtempSync(join(tmpdir(), "w2-consensus-audit-"));
      try {
        const run = await runCli(["--rpc", chain.rpcUrl, "--deployment", chain.deploymentFile, "--no-agencies"], { out });
        expect(run.code).to.equal(0);
        const line = "BFT finality: not applicable (single-node development chain)";
        expect(run.report!.consensus).to.deep.equal({ kind: "dev", detectedFrom: "genesis", finality: { status: "not-applicable", line } });
        expect(run.report!.checks.find((c) => c.id === "chain")!.summary).to.contain(line);
        expect(run.html).to.contain(line);
        expect(run.stdout).to.contain(line);
      } finally {
        rmSync(out, { recursive: true, force: true });
        await chain.dispose();
      }
    });
  }
});

describe("audit CLI on a QBFT chain", () => {
  it("prints the finality line and writes it to report.json and report.html", async () => {
    const run = await cliOnQbft(buildChain({ length: 5 }), ["--consensus", "qbft"]);
    const line = "BFT finality verified: 5 blocks, each sealed by ≥ 3 of 4 validators";
    expect(run.report!.consensus!.finality.line).to.equal(line);
    expect(run.report!.consensus!.detectedFrom).to.equal("option");
    expect(run.stdout).to.contain(line).and.contain("validator set from genesis block 0");
    expect(run.html).to.contain(line);
    expect(run.report!.findings.filter((f) => f.check === "chain")).to.deep.equal([]);
  });

  it("exits 1 on a seal finding and lists it", async () => {
    const run = await cliOnQbft(buildChain({ length: 5, blocks: { 4: { sealers: [A, B] } } }), []);
    expect(run.code).to.equal(1);
    expect(run.report!.consensus!.finality.line).to.equal("BFT finality NOT verified: 1 finding(s) over 5 blocks");
    expect(run.stdout).to.contain("BFT finality NOT verified").and.contain("chain/qbft-quorum-missing");
    expect(run.html).to.contain("BFT finality NOT verified");
  });

  it("takes the consensus and epoch length from the deployment record's consensus field", async () => {
    // Epoch length 10 named only by the record: the validator set from epoch block 10, the vote of block 11 counted.
    const vote: QbftVote = { recipient: addr(E), kind: "add" };
    const chain = buildChain({ length: 15, setFor: (n) => (n >= 14 ? [...FOUR, E] : FOUR), blocks: { 11: { proposer: A, vote }, 12: { proposer: B, vote }, 13: { proposer: C, vote } } });
    const run = await cliOnQbft(chain, [], { block: 12, extra: { consensus: { kind: "qbft", epochLength: 10 } } });
    expect(run.report!.consensus!.detectedFrom).to.equal("deployment record");
    expect(run.report!.consensus!.finality).to.deep.include({ status: "verified", epochLength: 10, blocks: 5 });
    expect(run.report!.consensus!.finality.anchor!.block).to.equal(10);
    expect(run.stdout).to.contain("validator set from epoch block 10");
    const bad = await cliOnQbft(chain, [], { block: 12, extra: { consensus: { kind: "pow" } } });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("its consensus field is not valid");
  });

  it("refuses to run (exit 2) when told QBFT on a chain without QBFT extraData", async () => {
    const run = await cliOnQbft(buildChain({ length: 2 }).map((b) => ({ ...b, extraData: "0x" })), ["--consensus", "qbft"]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/block 0, the epoch block the finality check starts from, has no QBFT extraData/);
  });
});
