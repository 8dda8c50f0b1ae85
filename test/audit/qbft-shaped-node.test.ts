// The QBFT benchmark's node (bench/qbft-shaped-node.ts): an anvil ledger shown as a Besu QBFT chain. Its
// headers re-hash as Besu's and carry the seals of a quorum (3 of the 4 validators, as Besu's blocks do), the logs name the re-shaped blocks, and
// the audit of the re-shaped ledger (exports and checkpoints signed over it) is as clean as the audit of
// the anvil behind it, with BFT finality verified for every block; spread over three blocks a block too.
// A real anvil, a real ledger history, real HTTP; the audit reaches the node through its own RpcClient.
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { runAudit } from "../../services/audit/audit";
import { blockHashOf, commitSeal, recoverSealers } from "../../services/audit/consensus/qbft";
import type { AuditReport } from "../../services/audit/report";
import { readArtifact } from "../../services/audit/source";
import type { RpcBlock, SignedCheckpoint } from "../../services/audit/types";
import { decodeQbftExtraData, encodeQbftExtraData } from "../../services/shared/qbft/extra-data";
import { BENCH_VALIDATOR_KEYS } from "../../bench/qbft-shaped-chain";
import { startQbftShapedNode, type QbftShapedNode } from "../../bench/qbft-shaped-node";
import { startTestChain, type TestChain } from "../support/chain";
import { logTreeOnChain } from "./support/commitments-root";
import { B, Z, bamfZabWriter, recordScenario } from "./support/scenario";
import { signCheckpoint } from "./support/sign";
import type { LedgerWriter } from "./support/writer";

describe("the QBFT-shaped view of an anvil ledger (the QBFT benchmark's node)", function () {
  let chain: TestChain;
  let w: LedgerWriter;
  let anvilHead: number;

  before(async () => {
    chain = await startTestChain();
    w = bamfZabWriter(chain);
    await recordScenario(w);
    anvilHead = Number(await chain.provider.send("eth_blockNumber", []));
  });

  after(async () => {
    await chain?.dispose();
  });

  /** The audit of the ledger as `url` serves it, with both exports and a checkpoint by each agency at its head. */
  async function auditAt(url: string, deploymentBlock: number, head: number, anvilBlockOf: (n: number) => number): Promise<AuditReport> {
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    try {
      const ledger = chain.deployment.contracts.ProcedureLedger.address;
      const b = (await provider.send("eth_getBlockByNumber", ["0x" + head.toString(16), false])) as RpcBlock;
      const signed: SignedCheckpoint[] = [];
      for (const wallet of [chain.wallets.BAMF, chain.wallets.ZAB]) {
        signed.push(await signCheckpoint(wallet, { chainId: chain.deployment.chainId, ledger, blockNumber: head, blockHash: b.hash, caseCount: w.caseCountAt(anvilBlockOf(head)), ...(await logTreeOnChain(provider, ledger, head)) }));
      }
      const deploymentHash = ((await provider.send("eth_getBlockByNumber", ["0x" + deploymentBlock.toString(16), false])) as RpcBlock).hash;
      const { report } = await runAudit({
        rpcUrl: url,
        deployment: { ...chain.deployment, rpcUrl: url, block: deploymentBlock, blockHash: deploymentHash },
        artifact: readArtifact(),
        exports: [
          { agency: B, source: "bamf", lines: w.exportLines(B) },
          { agency: Z, source: "zab", lines: w.exportLines(Z) },
        ],
        checkpoints: [
          { agency: B, source: "bamf", checkpoints: [signed[0]] },
          { agency: Z, source: "zab", checkpoints: [signed[1]] },
        ],
        toBlock: head,
      });
      return report;
    } finally {
      provider.destroy();
    }
  }

  for (const k of [1, 3]) {
    describe(`${k} QBFT block(s) per anvil block`, function () {
      let node: QbftShapedNode;
      before(async () => {
        node = await startQbftShapedNode(chain.rpcUrl, k);
      });
      after(async () => {
        await node?.close();
      });

      it("serves headers that re-hash as Besu's, link, and carry a quorum's seals (the proposer's first) over the committed-seal hash", async () => {
        const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
        try {
          expect(Number(await provider.send("eth_blockNumber", []))).to.equal(anvilHead * k);
          const blocks: RpcBlock[] = [];
          for (let n = 0; n <= Math.min(anvilHead * k, 7); n++) blocks.push((await provider.send("eth_getBlockByNumber", ["0x" + n.toString(16), false])) as RpcBlock);
          const validators = BENCH_VALIDATOR_KEYS.map((v) => v.address.toLowerCase()).sort();
          expect(decodeQbftExtraData(blocks[0].extraData).validators).to.deep.equal(validators);
          for (const [n, b] of blocks.entries()) {
            expect(blockHashOf(b), `block ${n}`).to.equal(b.hash);
            if (n === 0) continue;
            expect(b.parentHash).to.equal(blocks[n - 1].hash);
            const extra = decodeQbftExtraData(b.extraData);
            expect(extra.round).to.equal(0);
            const sealers = recoverSealers(b).map((s) => s.signer);
            expect(sealers, `block ${n}: 3 of 4`).to.have.length(3);
            expect(new Set(sealers).size).to.equal(3);
            expect(sealers[0], "the proposer seals first").to.equal(b.miner.toLowerCase());
            for (const s of sealers) expect(validators).to.include(s);
            // libsecp256k1's seals are ethers' (RFC 6979, low s)
            const unsealed = { ...b, extraData: encodeQbftExtraData({ ...extra, seals: [] }) };
            const key = BENCH_VALIDATOR_KEYS.find((v) => v.address.toLowerCase() === sealers[0])!;
            expect(commitSeal(unsealed, key.signingKey, extra)).to.equal(extra.seals[0]);
          }
          // the logs name the re-shaped blocks
          const logs = (await provider.send("eth_getLogs", [{ address: chain.deployment.contracts.ProcedureLedger.address, fromBlock: "0x0", toBlock: "latest" }])) as { blockNumber: string; blockHash: string }[];
          expect(logs.length).to.be.greaterThan(0);
          for (const l of logs) {
            const n = Number(l.blockNumber);
            expect(n % k).to.equal(0);
            expect(l.blockHash).to.equal(node.chain.hashAt(n));
          }
        } finally {
          provider.destroy();
        }
      });

      it("audits as clean as the anvil behind it, with BFT finality verified for every block", async () => {
        const plain = await auditAt(chain.rpcUrl, chain.deployment.block, anvilHead, (n) => n);
        const shaped = await auditAt(node.url, chain.deployment.block * k, anvilHead * k, (n) => node.chain.anvilBlockAt(n));
        expect(plain.consensus?.kind).to.equal("dev");
        expect(shaped.consensus?.kind).to.equal("qbft");
        expect(shaped.consensus?.finality.status).to.equal("verified");
        expect(shaped.consensus?.finality.blocks).to.equal(anvilHead * k);
        expect(shaped.consensus?.finality.line).to.equal(`BFT finality verified: ${anvilHead * k} blocks, each sealed by ≥ 3 of 4 validators`);
        expect(shaped.findings).to.deep.equal(plain.findings);
        expect(shaped.checks.map((c) => [c.id, c.status])).to.deep.equal(plain.checks.map((c) => [c.id, c.status]));
        expect(shaped.checks.find((c) => c.id === "checkpoints")?.status).to.equal("pass");
        expect(shaped.scope.logsChecked).to.equal(plain.scope.logsChecked).and.to.be.greaterThan(0);
      });
    });
  }
});
