// The audit against a node that caps eth_getLogs as Besu does: a real HTTP proxy in front of anvil that
// refuses toBlock - fromBlock above a small limit with Besu's -32005 "Requested range exceeds maximum RPC
// range limit". The audit pages within `--max-block-range`, shrinks when refused, and reports exactly
// what it reports against anvil directly.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestChain, type TestChain } from "../support/chain";
import { startLimitingProxy, type LimitingProxy } from "../support/limiting-proxy";
import { bamfZabWriter, recordScenario } from "./support/scenario";
import { exportArgs, runCli, type CliRun } from "./support/cli";

/** two blocks a request at most */
const NODE_LIMIT = 1;

describe("audit against a node that caps eth_getLogs ranges", function () {
  let chain: TestChain;
  let proxy: LimitingProxy;
  let dir: string;
  let args: string[];
  let direct: CliRun;

  before(async () => {
    chain = await startTestChain();
    proxy = await startLimitingProxy(chain.rpcUrl, { maxLogsRange: NODE_LIMIT });
    dir = mkdtempSync(join(tmpdir(), "anker-audit-range-"));
    const w = bamfZabWriter(chain);
    await recordScenario(w);
    args = exportArgs(dir, chain.deploymentFile, w);
    direct = await runCli([...args, "--rpc", chain.rpcUrl]);
  });

  after(async () => {
    await proxy?.close();
    await chain?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What must not depend on the node's limit: verdict, scope and every check's outcome. */
  const essence = (r: CliRun) => ({ verdict: r.report?.verdict, scope: { ...r.report?.scope, rpcUrl: undefined }, checks: r.report?.checks.map((c) => [c.id, c.status, c.summary]), findings: r.report?.findings });

  it("is clean against anvil directly (the reference)", () => {
    expect(direct.code, direct.stdout + direct.stderr).to.equal(0);
    expect(direct.report!.verdict).to.equal("clean");
    expect(direct.report!.scope.toBlock - direct.report!.scope.fromBlock, "more blocks than one request may span").to.be.greaterThan(4 * NODE_LIMIT);
  });

  it("shrinks from the default 5000 blocks when the node refuses, and reports the same", async () => {
    const refused = proxy.refused;
    const r = await runCli([...args, "--rpc", proxy.url, "--to-block", String(direct.report!.scope.toBlock)]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(essence(r)).to.deep.equal(essence(direct));
    expect(proxy.refused).to.be.greaterThan(refused);
    expect(Math.max(...proxy.answeredSpans)).to.be.at.most(NODE_LIMIT + 1);
  });

  it("asks for no more than --max-block-range blocks at once: within the node's limit, nothing is refused", async () => {
    const refused = proxy.refused;
    const r = await runCli([...args, "--rpc", proxy.url, "--to-block", String(direct.report!.scope.toBlock), "--max-block-range", String(NODE_LIMIT + 1)]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(essence(r)).to.deep.equal(essence(direct));
    expect(proxy.refused).to.equal(refused);
  });

  it("refuses a --max-block-range below 1 (exit 2)", async () => {
    const r = await runCli([...args, "--rpc", proxy.url, "--max-block-range", "0"]);
    expect(r.code).to.equal(2);
  });
});
