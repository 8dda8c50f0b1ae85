// Regenerates test/audit/vectors/ledger.json: a real ledger history captured from a throwaway anvil
// (block headers, the ledger's logs, caseHead() of every case, both agencies' audit exports, a signed
// checkpoint under each commitments tree), so that the unit tests verify fixed data offline.
// `npx tsx test/audit/support/capture-vectors.ts` (only after a change of the contract's events/rules).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestChain } from "../../support/chain";
import { LedgerWriter } from "./writer";
import { recordScenario, B, Z } from "./scenario";
import { signCheckpoint } from "./sign";
import { commitmentsRootFromLogs, stepCountFromLogs } from "./commitments-root";
import { LEDGER_INTERFACE } from "../../../services/audit/events";
import type { RpcLog } from "../../../services/audit/types";

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await res.json()) as { result: T }).result;
}

async function main(): Promise<void> {
  const c = await startTestChain();
  try {
    const bamf = c.wallets.BAMF.connect(c.provider);
    const zab = c.wallets.ZAB.connect(c.provider);
    const ledger = c.deployment.contracts.ProcedureLedger.address;
    const w = new LedgerWriter(c.provider, ledger, { [B]: bamf, [Z]: zab });
    const scenario = await recordScenario(w, { ignoredStop: true });
    const head = Number(await rpc<string>(c.rpcUrl, "eth_blockNumber", []));
    const blocks = [];
    for (let n = c.deployment.block; n <= head; n++) blocks.push(await rpc(c.rpcUrl, "eth_getBlockByNumber", ["0x" + n.toString(16), false]));
    const logs = await rpc<RpcLog[]>(c.rpcUrl, "eth_getLogs", [{ address: ledger, fromBlock: "0x" + c.deployment.block.toString(16), toBlock: "0x" + head.toString(16) }]);
    const heads: Record<string, { head: string; stepCount: number }> = {};
    for (const caseRef of new Set(w.kept.map((k) => k.caseRef))) {
      const [h, n] = LEDGER_INTERFACE.decodeFunctionResult("caseHead", await rpc<string>(c.rpcUrl, "eth_call", [{ to: ledger, data: LEDGER_INTERFACE.encodeFunctionData("caseHead", [caseRef]) }, "0x" + head.toString(16)]));
      heads[caseRef] = { head: h, stepCount: Number(n) };
    }
    const headBlock = blocks[blocks.length - 1] as { hash: string };
    const signed = { chainId: c.deployment.chainId, ledger, blockNumber: head, blockHash: headBlock.hash, caseCount: w.caseCountAt(head) };
    const checkpoint = await signCheckpoint(bamf, { ...signed, commitmentsRoot: commitmentsRootFromLogs(logs, ledger, head, "rfc6962"), commitmentsTree: "rfc6962", stepCount: stepCountFromLogs(logs, ledger, head) });
    // As checkpoints signed before the log tree: the audit must still verify them under their own type.
    const sortedCheckpoint = await signCheckpoint(bamf, { ...signed, commitmentsRoot: commitmentsRootFromLogs(logs, ledger, head, "sorted"), commitmentsTree: "sorted" });
    const vector = {
      note: "captured by test/audit/support/capture-vectors.ts from a throwaway anvil; keys are throwaway test keys",
      deployment: c.deployment,
      keys: { BAMF: bamf.privateKey, ZAB: zab.privateKey },
      head,
      blocks,
      logs,
      heads,
      exports: { BAMF: w.exportLines(B), ZAB: w.exportLines(Z) },
      checkpoint,
      sortedCheckpoint,
      scenario: { erasedCase: scenario.erasedCase, skippedBamfSequence: scenario.skippedBamfSequence, correctedEventId: scenario.corrected.eventId.toString() },
    };
    writeFileSync(join(__dirname, "..", "vectors", "ledger.json"), JSON.stringify(vector, null, 1) + "\n");
    console.log(`captured ${blocks.length} blocks, ${logs.length} logs, ${Object.keys(heads).length} cases`);
  } finally {
    await c.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
