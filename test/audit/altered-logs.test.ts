// The audit against a node that lies about one step: a real HTTP proxy in front of anvil serves one
// StepRecorded log with another commitment. The case's hash chain, recomputed from the logs on the
// step-hash thread while the audit reads on, no longer reaches the head the contract holds, and the
// agency's export no longer matches the served commitment. Against anvil directly the same audit is clean.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STEP_RECORDED_TOPIC } from "../../services/audit/events";
import { startTestChain, type TestChain } from "../support/chain";
import { startLimitingProxy, type LimitingProxy } from "../support/limiting-proxy";
import { bamfZabWriter, recordScenario } from "./support/scenario";
import { exportArgs, kindsOf, runCli } from "./support/cli";

describe("audit against a node that serves an altered step log", function () {
  let chain: TestChain;
  let proxy: LimitingProxy;
  let dir: string;
  let args: string[];
  let target: { blockNumber: string; logIndex: string; caseRef: string };

  before(async () => {
    chain = await startTestChain();
    dir = mkdtempSync(join(tmpdir(), "anker-audit-altered-"));
    const w = bamfZabWriter(chain);
    await recordScenario(w);
    args = exportArgs(dir, chain.deploymentFile, w);
    const logs = (await chain.provider.send("eth_getLogs", [{ address: chain.deployment.contracts.ProcedureLedger.address, topics: [STEP_RECORDED_TOPIC], fromBlock: "0x0", toBlock: "latest" }])) as { blockNumber: string; logIndex: string; topics: string[] }[];
    expect(logs.length, "steps recorded").to.be.greaterThan(5);
    const third = logs[2];
    target = { blockNumber: third.blockNumber, logIndex: third.logIndex, caseRef: third.topics[1] };
    // The commitment is the data's second word: its last byte flipped.
    proxy = await startLimitingProxy(chain.rpcUrl, {
      maxLogsRange: Number.MAX_SAFE_INTEGER,
      alterLog: (log) => {
        if (log.blockNumber !== target.blockNumber || log.logIndex !== target.logIndex || log.topics[0] !== STEP_RECORDED_TOPIC) return;
        const last = log.data.slice(-2);
        log.data = log.data.slice(0, -2) + (last === "00" ? "01" : "00");
      },
    });
  });

  after(async () => {
    await proxy?.close();
    await chain?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is clean against anvil directly", async () => {
    const r = await runCli([...args, "--rpc", chain.rpcUrl]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.report!.verdict).to.equal("clean");
  });

  it("finds the altered step's case off its on-chain head, and the export's commitment not on chain (exit 1)", async () => {
    const r = await runCli([...args, "--rpc", proxy.url]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    const chains = r.report!.findings.filter((f) => f.kind === "hash-chain-mismatch");
    expect(chains.map((f) => f.caseRef), "exactly the altered step's case").to.deep.equal([target.caseRef]);
    expect(kindsOf(r)).to.include("commitment-mismatch");
  });
});
