// `npm run audit` with no input files reads the exports and checkpoints from the agency services'
// auditor endpoints (GET /api/audit/export, GET /api/checkpoints). Here the real agency API (test harness:
// real service code, a fresh agency database) serves what the agencies recorded on a throwaway ledger.
import { expect } from "chai";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, type ApiHarness } from "../support/api-harness";
import { LedgerWriter } from "./support/writer";
import { recordScenario, B, Z } from "./support/scenario";
import { signCheckpoint } from "./support/sign";
import { logTreeOnChain } from "./support/commitments-root";
import { fillAgencyDb } from "./support/agency-db";
import { runCli } from "./support/cli";

describe("audit CLI against the agency services' audit endpoints", function () {
  let chain: TestChain;
  let bamfApi: ApiHarness;
  let zabApi: ApiHarness;
  let w: LedgerWriter;

  before(async () => {
    chain = await startTestChain();
    const bamf = chain.wallets.BAMF.connect(chain.provider);
    const zab = chain.wallets.ZAB.connect(chain.provider);
    w = new LedgerWriter(chain.provider, chain.deployment.contracts.ProcedureLedger.address, { [B]: bamf, [Z]: zab });
    await recordScenario(w);
    const head = Number(await chain.provider.send("eth_blockNumber", []));
    const block = await chain.provider.send("eth_getBlockByNumber", ["0x" + head.toString(16), false]);
    const ledger = chain.deployment.contracts.ProcedureLedger.address;
    const cp = { chainId: chain.deployment.chainId, ledger, blockNumber: head, blockHash: block.hash, caseCount: w.caseCountAt(head), ...(await logTreeOnChain(chain.provider, ledger, head)) };
    bamfApi = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
    zabApi = await startApi({ agency: "ZAB", chain: chainPortFor(chain, "ZAB") });
    await fillAgencyDb(bamfApi.db, B, w.kept, [await signCheckpoint(bamf, cp)]);
    await fillAgencyDb(zabApi.db, Z, w.kept, [await signCheckpoint(zab, cp)]);
  });

  after(async () => {
    await bamfApi?.close();
    await zabApi?.close();
    await chain?.dispose();
  });

  it("fetches both agencies' exports and checkpoints as the auditor and audits clean", async () => {
    const r = await runCli(["--deployment", chain.deploymentFile, "--bamf-url", bamfApi.url, "--zab-url", zabApi.url], {
      env: { ANKER_AUDIT_TOKEN_BAMF: bamfApi.tokens.auditor, ANKER_AUDIT_TOKEN_ZAB: zabApi.tokens.auditor },
    });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const rep = r.report!;
    expect(rep.inputs.exports.map((x) => [x.agency, x.lines])).to.deep.equal([
      ["BAMF", w.kept.filter((k) => k.agency === B).length],
      ["ZAB", w.kept.filter((k) => k.agency === Z).length],
    ]);
    expect(rep.commitments!.BAMF.erased).to.be.greaterThan(0);
    expect(rep.commitments!.BAMF.missing + rep.commitments!.ZAB.missing).to.equal(0);
    expect(rep.checkpoints.map((c) => [c.agency, c.signerAgency, c.valid])).to.deep.equal([
      ["BAMF", "BAMF", true],
      ["ZAB", "ZAB", true],
    ]);
  });

  it("exits 2 when an agency refuses the auditor token", async () => {
    const r = await runCli(["--deployment", chain.deploymentFile, "--bamf-url", bamfApi.url, "--zab-url", zabApi.url], {
      env: { ANKER_AUDIT_TOKEN_BAMF: "wrong-token-0123456789", ANKER_AUDIT_TOKEN_ZAB: zabApi.tokens.auditor },
    });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/refused the auditor token/);
  });
});
