// GET /api/ledger/status reads the rule history as the vocabulary interprets the stored events: each
// alert and stop (raised, changed, resolved, ignored) with its kind, reasons, missing flags and the step
// that raised it, and the counts. The chain is unreachable here: the status says so and still answers.
import { expect } from "chai";
import { Wallet } from "ethers";
import { freePort } from "../support/chain";
import { startApi, TEST_CONSORTIUM_KEY, type ApiHarness } from "../support/api-harness";
import { LedgerMirror } from "../support/ledger-mirror";
import { ChainAdapter } from "../../services/agency/chain/adapter";
import { caseRefOf } from "../../services/shared/pseudonym";
import { FLAG } from "../../services/shared/vocab";

describe("ledger status: the rule history", function () {
  let zab: ApiHarness;
  const stopCase = caseRefOf("6000002-423", TEST_CONSORTIUM_KEY);
  const alertCase = caseRefOf("6000003-423", TEST_CONSORTIUM_KEY);

  before(async () => {
    const deadPort = await freePort();
    const unreachable = new ChainAdapter({
      rpcUrl: `http://127.0.0.1:${deadPort}`,
      chainId: 4242,
      ledgerAddress: "0x" + "11".repeat(20),
      deploymentBlock: 0,
      wallet: Wallet.createRandom() as unknown as Wallet,
      requestTimeoutMs: 500,
    });
    zab = await startApi({ agency: "ZAB", chain: unreachable });
    const m = new LedgerMirror(zab.db);
    await m.record({ caseRef: stopCase, agency: "ZAB", seq: 1, step: "REGISTERED" });
    await m.record({ caseRef: stopCase, agency: "ZAB", seq: 2, step: "DEPARTURE_OBLIGATION", notices: [{ name: "StopChanged", args: { previousReasons: 0, reasons: 1 } }] });
    await m.record({ caseRef: stopCase, agency: "BAMF", seq: 3, step: "FOLLOW_UP_APPLICATION_FILED", notices: [{ name: "StopChanged", args: { previousReasons: 1, reasons: 9 } }] });
    await m.record({ caseRef: stopCase, agency: "ZAB", seq: 4, step: "REPATRIATION_COMPLETED", notices: [{ name: "StopIgnored", args: { reasons: 9 } }] });
    await m.record({ caseRef: alertCase, agency: "BAMF", seq: 5, step: "HEARING_HELD", notices: [{ name: "OutOfOrder", args: { step: 4, missing: FLAG.REGISTERED | FLAG.HEARING_SCHEDULED } }] });
    await m.record({ caseRef: alertCase, agency: "BAMF", seq: 6, step: "DECISION_ISSUED", notices: [{ name: "StopChanged", args: { previousReasons: 0, reasons: 1 } }] });
    await m.record({ caseRef: alertCase, agency: "BAMF", seq: 7, step: "DECISION_SERVED", notices: [{ name: "StopChanged", args: { previousReasons: 1, reasons: 0 } }] });
  });
  after(async () => zab?.close());

  it("lists the newest first with kind, step, reasons and missing flags, and counts them", async () => {
    const r = await zab.call("GET", "/api/ledger/status", { token: zab.tokens.auditor });
    expect(r.status).to.equal(200);
    expect(r.json.headBlock).to.equal(null);
    expect(r.json.chainError).to.be.a("string");
    expect(r.json.counts).to.deep.equal({ events: 13, steps: 7, alerts: 1, stopsRaised: 2, stopsResolved: 1, stopsIgnored: 1, casesWithOpenStop: 0 });
    const keys = (xs: { key: string }[]) => xs.map((x) => x.key);
    const history = r.json.ruleHistory as { name: string; kind: string; caseRef: string; step: { key: string } | null; reasons: { key: string }[]; missing: { key: string }[] }[];
    expect(history.map((h) => [h.name, h.kind, h.caseRef === stopCase ? "stop" : "alert", h.step?.key, keys(h.reasons), keys(h.missing)])).to.deep.equal([
      ["StopChanged", "stop-resolved", "alert", "DECISION_SERVED", [], []],
      ["StopChanged", "stop-raised", "alert", "DECISION_ISSUED", ["NO_NEGATIVE_DECISION"], []],
      ["OutOfOrder", "alert", "alert", "HEARING_HELD", [], ["REGISTERED", "HEARING_SCHEDULED"]],
      ["StopIgnored", "stop-ignored", "stop", "REPATRIATION_COMPLETED", ["NO_NEGATIVE_DECISION", "FOLLOW_UP_PENDING"], []],
      ["StopChanged", "stop-changed", "stop", "FOLLOW_UP_APPLICATION_FILED", ["NO_NEGATIVE_DECISION", "FOLLOW_UP_PENDING"], []],
      ["StopChanged", "stop-raised", "stop", "DEPARTURE_OBLIGATION", ["NO_NEGATIVE_DECISION"], []],
    ]);
    const limited = await zab.call("GET", "/api/ledger/status?limit=2", { token: zab.tokens.auditor });
    expect(limited.json.ruleHistory).to.have.length(2);
  });
});
