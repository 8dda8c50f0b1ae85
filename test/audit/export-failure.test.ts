// An export that fails while it is indexed (beside the chain's answers) ends the audit with that error,
// as a rejected runAudit, after the chain was read; it does not end the process as an unhandled
// rejection while the chain is still being read. The failure used: an export table whose salts and
// digests an earlier audit released (export-table.ts), given to a second audit.
import { expect } from "chai";
import { runAudit } from "../../services/audit/audit";
import { indexExports } from "../../services/audit/commitments";
import { ExportTable } from "../../services/audit/export-table";
import { DEFAULT_ARTIFACT, readArtifact } from "../../services/audit/source";
import type { Deployment } from "../../services/shared/deployment";
import { serveChain } from "./support/json-rpc-chain";
import { buildChain } from "./support/qbft-chain";

const CHAIN_ID = 4242;

describe("an export that fails while it is indexed", () => {
  it("rejects the audit with the export's error instead of ending the process", async () => {
    const chain = buildChain({ length: 40 });
    const node = await serveChain(chain, CHAIN_ID);
    const rejections: unknown[] = [];
    const onUnhandled = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const h = "0x" + "11".repeat(32);
      const deployment: Deployment = {
        chainId: CHAIN_ID,
        rpcUrl: node.url,
        deployedAt: "2026-01-01T00:00:00.000Z",
        block: 0,
        blockHash: chain[0].hash,
        contracts: { ProcedureLedger: { address: "0x" + "aa".repeat(20), codeHash: h, txHash: h } },
        codeList: { hash: h, version: "v1" },
        accounts: { BAMF: "0x" + "01".repeat(20), ZAB: "0x" + "02".repeat(20), auditor: "0x" + "03".repeat(20) },
      };
      const table = ExportTable.of([{ ledgerEventId: String((1n << 56n) + 1n), caseRef: "0x" + "cc".repeat(32), salt: "0x" + "01".repeat(32), dataDigest: "0x" + "02".repeat(32) }]);
      indexExports([{ agency: 1, source: "bamf.jsonl", lines: table }]); // an audit before this one: its pairs are released
      // Several ranges of one block each: the chain is read over several turns of the event loop.
      const err = await runAudit({ rpcUrl: node.url, deployment, artifact: readArtifact(DEFAULT_ARTIFACT), fromGenesis: true, maxBlocksPerRequest: 1, exports: [{ agency: 1, source: "bamf.jsonl", lines: table }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      await new Promise((r) => setImmediate(r));
      expect(String(err)).to.match(/released once hashed/);
      expect(rejections, "unhandled rejections").to.deep.equal([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await node.close();
    }
  });
});
