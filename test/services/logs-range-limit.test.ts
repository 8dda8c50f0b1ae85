// A node that caps eth_getLogs as Besu does (--rpc-max-logs-range, refused with -32005 "Requested range
// exceeds maximum RPC range limit"): a real HTTP proxy with a small limit in front of a real anvil. The
// listener catches up across many more blocks than one request may span, the outbox's reconciliation
// finds a step's log far behind the head, the deadline scan works on what the listener stored, and the
// audit CLI run against the same node is clean.
import { expect } from "chai";
import { OutboxWriter } from "../../services/agency/outbox/writer";
import { LedgerListener } from "../../services/agency/listener/listener";
import { raiseDeadlines } from "../../services/agency/deadlines/deadline-notices";
import { startTestChain, type TestChain } from "../support/chain";
import { startLimitingProxy, type LimitingProxy } from "../support/limiting-proxy";
import { openTestAgency, addCase, queueStep, waitFor, LOCAL_CODE_LIST_HASH, type TestAgency } from "../support/agency";
import { runCli } from "../audit/support/cli";

/** Besu refuses toBlock - fromBlock above this: at most five blocks a request. */
const NODE_LIMIT = 4;
const DAY = 86_400_000;

describe("eth_getLogs against a node that caps the block range (Besu's error; anvil only: evm_mine)", function () {
  let chain: TestChain;
  let proxy: LimitingProxy;
  let bamf: TestAgency;
  let zab: TestAgency;
  let writer: OutboxWriter;
  const listeners: LedgerListener[] = [];
  const ids: Record<string, { id: number; ledgerEventId: bigint }> = {};

  /** Blocks without ledger events. Mined directly: a transfer from an agency key could race that key's
   * own nonce use (a CI run saw "nonce too low"). */
  async function emptyBlocks(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await chain.provider.send("evm_mine", []);
  }

  async function record(name: string, key: string, businessDate = 0): Promise<void> {
    const c = await addCase(bamf, name);
    ids[name] = await queueStep(bamf, c, key, 0n, businessDate);
    await waitFor(async () => (await bamf.db.step.findUnique({ where: { id: ids[name].id } }))?.state === "confirmed", `${name} confirmed`);
  }

  before(async () => {
    chain = await startTestChain();
    proxy = await startLimitingProxy(chain.rpcUrl, { maxLogsRange: NODE_LIMIT });
    // BAMF configured with a maximum above the node's cap, ZAB with the default 5000: both must shrink.
    bamf = await openTestAgency(chain, "BAMF", { ANKER_RPC_URL: proxy.url, LOGS_MAX_BLOCK_RANGE: "64" });
    zab = await openTestAgency(chain, "ZAB", { ANKER_RPC_URL: proxy.url });
    writer = new OutboxWriter(bamf.db, bamf.chain, bamf.log, { agencyCode: bamf.code, batchSize: 50, pollMs: 20, localCodeListHash: LOCAL_CODE_LIST_HASH });
    writer.start();
    await record("hearingPassed", "HEARING_SCHEDULED", 20240115);
    await emptyBlocks(4 * NODE_LIMIT);
    await record("served", "DECISION_SERVED");
    await emptyBlocks(4 * NODE_LIMIT);
    await record("hearingFuture", "HEARING_SCHEDULED", 29991231);
    await writer.stop();
  });

  after(async () => {
    await writer?.stop();
    for (const l of listeners) await l.stop();
    await bamf?.close();
    await zab?.close();
    await proxy?.close();
    await chain?.dispose();
  });

  it("reconciles a step whose receipt it lost by finding its log far behind the head, page by page", async () => {
    const first = await bamf.db.step.findUniqueOrThrow({ where: { id: ids.hearingPassed.id } });
    const head = await bamf.chain.blockNumber();
    expect(head - first.blockNumber!, "the log lies more blocks back than one request may span").to.be.greaterThan(2 * NODE_LIMIT);
    // As after a crash between signing and storing the hash: submitted, no transaction known. The
    // listener has stored nothing yet, so only a log search can find where the chain recorded it.
    await bamf.db.step.update({ where: { id: first.id }, data: { state: "submitted", txHash: null, blockNumber: null, logIndex: null } });
    const refusedBefore = proxy.refused;
    const restarted = new OutboxWriter(bamf.db, bamf.chain, bamf.log, { agencyCode: bamf.code, batchSize: 50, pollMs: 20, localCodeListHash: LOCAL_CODE_LIST_HASH });
    await restarted.reconcile();
    const after = await bamf.db.step.findUniqueOrThrow({ where: { id: first.id } });
    expect({ state: after.state, txHash: after.txHash, blockNumber: after.blockNumber, logIndex: after.logIndex }).to.deep.equal({
      state: "confirmed",
      txHash: first.txHash,
      blockNumber: first.blockNumber,
      logIndex: first.logIndex,
    });
    expect(proxy.refused, "the node refused the configured 64 blocks").to.be.greaterThan(refusedBefore);
  });

  it("lets both listeners catch up from the deployment block across many more blocks than the node allows", async () => {
    for (const a of [bamf, zab]) {
      const l = new LedgerListener(a.db, a.chain, a.log, { agency: a.agency, pollMs: 50, deploymentBlockHash: chain.deployment.blockHash, webhook: false });
      listeners.push(l);
      l.start();
    }
    const head = Number(await chain.provider.send("eth_blockNumber", []));
    expect(head - chain.deployment.block).to.be.greaterThan(8 * NODE_LIMIT);
    for (const l of listeners) await waitFor(() => l.storedThrough() >= head, "listener at the head");
    // What anvil itself (no cap) holds, read past the proxy.
    const direct = (await chain.provider.send("eth_getLogs", [{ address: chain.deployment.contracts.ProcedureLedger.address, fromBlock: "0x0", toBlock: "latest" }])) as { transactionHash: string; logIndex: string }[];
    const want = direct.map((l) => `${l.transactionHash}:${Number(l.logIndex)}`).sort();
    for (const a of [bamf, zab]) {
      const stored = await a.db.ledgerEvent.findMany({ select: { txHash: true, logIndex: true } });
      expect(stored.map((s) => `${s.txHash}:${s.logIndex}`).sort(), `${a.agency} stored every ledger event`).to.deep.equal(want);
    }
    expect(Math.max(...proxy.answeredSpans), "no answered request spanned more than the node allows").to.be.at.most(NODE_LIMIT + 1);
    // Near the node's cap, not at the configured maximum (it probes upwards again now and then).
    expect(bamf.chain.logRange.current, "BAMF shrank from 64").to.be.below(4 * (NODE_LIMIT + 1));
    expect(zab.chain.logRange.current, "ZAB shrank from 5000").to.be.below(4 * (NODE_LIMIT + 1));
  });

  it("raises the deadline notices from the events the listener stored page by page", async () => {
    const now = new Date();
    expect(await raiseDeadlines(bamf.db, { agency: "BAMF", appealPeriodDays: 14, webhook: false }, now)).to.equal(1);
    expect(await raiseDeadlines(bamf.db, { agency: "BAMF", appealPeriodDays: 14, webhook: false }, new Date(now.getTime() + 16 * DAY))).to.equal(1);
    const keys = (await bamf.db.notification.findMany({ where: { kind: "DEADLINE" }, orderBy: { id: "asc" } })).map((n) => n.sourceKey);
    expect(keys).to.deep.equal([`deadline:HEARING_OVERDUE:${ids.hearingPassed.ledgerEventId}`, `deadline:APPEAL_PERIOD_OVER:${ids.served.ledgerEventId}`]);
  });

  it("audits clean against the same node, with the default maximum and with --max-block-range", async () => {
    for (const extra of [[], ["--max-block-range", String(NODE_LIMIT + 1)]]) {
      const refusedBefore = proxy.refused;
      const r = await runCli(["--deployment", chain.deploymentFile, "--rpc", proxy.url, "--no-agencies", ...extra]);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.report!.verdict).to.equal("clean");
      expect(r.report!.scope.steps).to.equal(3);
      if (extra.length) expect(proxy.refused, "a maximum within the node's cap is never refused").to.equal(refusedBefore);
      else expect(proxy.refused, "the default 5000 blocks were refused and shrunk").to.be.greaterThan(refusedBefore);
    }
    expect(Math.max(...proxy.answeredSpans)).to.be.at.most(NODE_LIMIT + 1);
  });
});
