// The whole system on two EVM implementations: anvil and Hardhat's node (EDR). Both agency services as
// child processes, the ledger deployed as every test chain is, the same scenario on each node
// (test/support/e2e-scenario.ts), and the audit CLI must come out clean. The services and the audit use
// only standard JSON-RPC; a call only one node knows would fail here on the other.
import { expect } from "chai";
import { startTestChain, type TestNode } from "../support/chain";
import { startSystem, type System } from "../support/system";
import { FOLLOW_UP_TIMELINE, followUpWhileRepatriationScheduled, type ScenarioResult } from "../support/e2e-scenario";

const NODES: { node: TestNode; name: string; fileNumber: string }[] = [
  { node: "hardhat", name: "Hardhat's node (EDR)", fileNumber: "9200001-423" },
  { node: "anvil", name: "anvil", fileNumber: "9200002-423" },
];

for (const { node, name, fileNumber } of NODES) {
  describe(`end to end on ${name}: both agencies record, the partner is notified, the audit is clean`, function () {
    this.timeout(300_000);
    let sys: System;
    let result: ScenarioResult;

    before(async () => {
      sys = await startSystem({ chain: await startTestChain({ node }) });
      result = await followUpWhileRepatriationScheduled(sys, fileNumber);
    });
    after(async () => {
      await sys?.stop();
    });

    it(`runs on ${name}`, async () => {
      expect(sys.chain.node).to.equal(node);
      const client = String(await sys.chain.provider.send("web3_clientVersion", [])).toLowerCase();
      expect(client).to.contain(node === "hardhat" ? "hardhat" : "anvil");
    });

    it("shows every step of both agencies in order", () => {
      expect(result.timeline).to.deep.equal(FOLLOW_UP_TIMELINE);
    });

    it("notifies ZAB of BAMF's steps and, first of all, of the stop", () => {
      const kinds = result.zabNotifications.map((n) => n.kind);
      expect(kinds).to.include("FORWARD");
      expect(result.zabNotifications[0]).to.include({ kind: "STOP", priority: 0, caseRef: result.caseRef });
    });

    it("audits clean: exit 0, both exports and checkpoints checked, no finding", () => {
      const { audit } = result;
      expect(audit.code, audit.stdout + audit.stderr).to.equal(0);
      const rep = audit.report!;
      expect(rep.verdict).to.equal("clean");
      expect(rep.summary.findings).to.equal(0);
      expect(rep.inputs.exports.map((x) => [x.agency, x.lines])).to.deep.equal([
        ["BAMF", 7],
        ["ZAB", 3],
      ]);
      expect(rep.commitments!.BAMF.missing + rep.commitments!.ZAB.missing).to.equal(0);
      for (const agency of ["BAMF", "ZAB"]) {
        const signed = rep.checkpoints.filter((c) => c.agency === agency);
        expect(signed.length, `${agency} checkpoints`).to.be.greaterThan(0);
        expect(signed.every((c) => c.valid && c.signerAgency === agency), JSON.stringify(signed)).to.equal(true);
      }
      expect(rep.checks.filter((c) => c.status === "fail")).to.deep.equal([]);
    });
  });
}
