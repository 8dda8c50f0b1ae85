// A network that charges nothing, as permissioned Besu networks run (min-gas-price 0): anvil with a zero
// base fee and gas price. BAMF talks to anvil directly (London blocks with baseFeePerGas 0); ZAB talks
// through a proxy that serves blocks without baseFeePerGas, as a node without the London fork does. Both
// sign legacy (type 0) transactions at eth_gasPrice 0, record their steps, pay nothing, and each agency's
// listener stores the other's step.
import { expect } from "chai";
import { OutboxWriter } from "../../services/agency/outbox/writer";
import { LedgerListener } from "../../services/agency/listener/listener";
import { startTestChain, type TestChain } from "../support/chain";
import { startLimitingProxy, type LimitingProxy } from "../support/limiting-proxy";
import { openTestAgency, addCase, queueStep, waitFor, LOCAL_CODE_LIST_HASH, type TestAgency } from "../support/agency";

describe("transactions on a network with a zero gas price (anvil started with --base-fee 0 --gas-price 0)", function () {
  let chain: TestChain;
  let proxy: LimitingProxy;
  const agencies: TestAgency[] = [];
  const loops: (OutboxWriter | LedgerListener)[] = [];

  before(async () => {
    chain = await startTestChain({ zeroGasPrice: true });
    proxy = await startLimitingProxy(chain.rpcUrl, { maxLogsRange: 1_000_000, dropBaseFee: true });
    agencies.push(await openTestAgency(chain, "BAMF"), await openTestAgency(chain, "ZAB", { ANKER_RPC_URL: proxy.url }));
    for (const a of agencies) {
      loops.push(
        new OutboxWriter(a.db, a.chain, a.log, { agencyCode: a.code, batchSize: 50, pollMs: 20, localCodeListHash: LOCAL_CODE_LIST_HASH }),
        new LedgerListener(a.db, a.chain, a.log, { agency: a.agency, pollMs: 50, deploymentBlockHash: chain.deployment.blockHash, webhook: false }),
      );
    }
    for (const l of loops) l.start();
  });

  after(async () => {
    for (const l of loops) await l.stop();
    for (const a of agencies) await a.close();
    await proxy?.close();
    await chain?.dispose();
  });

  it("sees what each node serves: a zero base fee directly, no base fee through the pre-London proxy, gas price 0", async () => {
    const direct = await chain.provider.send("eth_getBlockByNumber", ["latest", false]);
    expect(direct.baseFeePerGas).to.equal("0x0");
    const viaProxy = (await (await fetch(proxy.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }) })).json()) as { result: Record<string, unknown> };
    expect(viaProxy.result).to.not.have.property("baseFeePerGas");
    expect(BigInt(await chain.provider.send("eth_gasPrice", []))).to.equal(0n);
    for (const a of agencies) expect(await a.chain.currentFees(), a.agency).to.deep.equal({ type: 0, gasPrice: 0n });
  });

  it("records both agencies' steps in legacy transactions at gas price 0, paying nothing", async () => {
    const [bamf, zab] = agencies;
    const balances = await Promise.all(agencies.map((a) => chain.provider.getBalance(a.chain.address)));
    const steps = [await queueStep(bamf, await addCase(bamf), "APPLICATION_FILED"), await queueStep(zab, await addCase(zab), "REGISTERED")];
    for (const [i, a] of agencies.entries()) {
      const row = await waitFor(async () => {
        const r = await a.db.step.findUnique({ where: { id: steps[i].id } });
        return r?.state === "confirmed" ? r : undefined;
      }, `${a.agency} step confirmed`);
      const tx = await chain.provider.send("eth_getTransactionByHash", [row.txHash]);
      expect({ type: tx.type, gasPrice: BigInt(tx.gasPrice) }, a.agency).to.deep.equal({ type: "0x0", gasPrice: 0n });
    }
    for (const a of agencies) {
      for (const s of steps) {
        await waitFor(() => a.db.ledgerEvent.findFirst({ where: { name: "StepRecorded", eventId: s.ledgerEventId.toString() } }), `${a.agency} stored step ${s.ledgerEventId}`);
      }
    }
    expect(await Promise.all(agencies.map((a) => chain.provider.getBalance(a.chain.address))), "no agency paid for its transactions").to.deep.equal(balances);
  });
});
