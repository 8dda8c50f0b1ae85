// Deadline notices computed from stored ledger events, each raised once; EIP-712 checkpoints signed by the
// agency key over blocks the listener has stored, verifiable with the shared definition; both agencies
// sign the same blocks with the same commitments root from their own mirrors (co-signed), as the audit
// recomputes it from the chain's logs.
import { expect } from "chai";
import { OutboxWriter } from "../../services/agency/outbox/writer";
import { LedgerListener } from "../../services/agency/listener/listener";
import { raiseDeadlines } from "../../services/agency/deadlines/deadline-notices";
import { CheckpointSigner } from "../../services/agency/checkpoints/checkpoint-signer";
import { commitmentsLogRootAt } from "../../services/agency/checkpoints/commitments-root";
import { recoverCheckpointSigner } from "../../services/shared/checkpoint";
import { checkpointSummary, coSigning, verifyCheckpoints } from "../../services/audit/checkpoints";
import { FindingSink, SignedCheckpoint, type RpcLog } from "../../services/audit/types";
import type { CommitmentsTree } from "../../services/shared/vocab/commitments-tree";
import { STEP_RECORDED_TOPIC } from "../../services/audit/events";
import { unpackStep } from "../../services/shared/ledger-codec";
import { dataSlice } from "ethers";
import { commitmentsRootFromLogs, stepCountFromLogs } from "../audit/support/commitments-root";
import { signCheckpoint } from "../audit/support/sign";
import { CODE_LISTS } from "../../services/shared/codelists";
import { startTestChain, type TestChain } from "../support/chain";
import { openTestAgency, addCase, queueStep, waitFor, LOCAL_CODE_LIST_HASH, type TestAgency } from "../support/agency";

const NON_SUSPENSIVE = BigInt(CODE_LISTS.appealKinds.find((c) => c.key === "NON_SUSPENSIVE")!.code);
const DAY = 86_400_000;

describe("deadline notices and checkpoints", function () {
  let chain: TestChain;
  let bamf: TestAgency;
  let zab: TestAgency;
  let writer: OutboxWriter;
  let listeners: LedgerListener[];
  const ids: Record<string, string> = {};

  before(async () => {
    chain = await startTestChain();
    bamf = await openTestAgency(chain, "BAMF");
    zab = await openTestAgency(chain, "ZAB");
    writer = new OutboxWriter(bamf.db, bamf.chain, bamf.log, { agencyCode: bamf.code, batchSize: 50, pollMs: 20, localCodeListHash: LOCAL_CODE_LIST_HASH });
    listeners = [bamf, zab].map(
      (a) => new LedgerListener(a.db, a.chain, a.log, { agency: a.agency, pollMs: 50, deploymentBlockHash: chain.deployment.blockHash, webhook: false }),
    );

    const plan: [string, string, bigint, number][] = [
      ["hearingPassed", "HEARING_SCHEDULED", 0n, 20240115],
      ["hearingHeld", "HEARING_SCHEDULED", 0n, 20240115],
      ["hearingHeld.2", "HEARING_HELD", 0n, 0],
      ["hearingFuture", "HEARING_SCHEDULED", 0n, 29991231],
      ["served", "DECISION_SERVED", 0n, 0],
      ["appealed", "DECISION_SERVED", 0n, 0],
      ["appealed.2", "APPEAL_FILED", NON_SUSPENSIVE, 0],
      ["final", "DECISION_SERVED", 0n, 0],
      ["final.2", "DECISION_FINAL", 0n, 0],
    ];
    for (const [name, key, detail, date] of plan) {
      const c = await addCase(bamf, name.split(".")[0]);
      ids[name] = (await queueStep(bamf, c, key, detail, date)).ledgerEventId.toString();
    }
    writer.start();
    for (const l of listeners) l.start();
    const last = ids["final.2"];
    for (const a of [bamf, zab]) await waitFor(() => a.db.ledgerEvent.findFirst({ where: { eventId: last, name: "StepRecorded" } }), `${a.agency} stored the steps`);
  });

  after(async () => {
    await writer.stop();
    for (const l of listeners) await l.stop();
    await bamf.close();
    await zab.close();
    await chain.dispose();
  });

  const deadlines = (a: TestAgency) => a.db.notification.findMany({ where: { kind: "DEADLINE" }, orderBy: { id: "asc" } });

  it("raises a passed hearing date without a hearing once, for the BAMF", async () => {
    const now = new Date();
    expect(await raiseDeadlines(bamf.db, { agency: "BAMF", appealPeriodDays: 14, webhook: false }, now)).to.equal(1);
    expect(await raiseDeadlines(bamf.db, { agency: "BAMF", appealPeriodDays: 14, webhook: false }, now)).to.equal(0);
    const [n] = await deadlines(bamf);
    expect(n.sourceKey).to.equal(`deadline:HEARING_OVERDUE:${ids.hearingPassed}`);
    expect(n.priority).to.equal(2);
    expect(JSON.parse(n.payload)).to.include({ deadline: "HEARING_OVERDUE", hearingDate: 20240115, ledgerEventId: ids.hearingPassed });
    // The ZAB holds no hearings: nothing for it yet (the appeal periods still run).
    expect(await raiseDeadlines(zab.db, { agency: "ZAB", appealPeriodDays: 14, webhook: false }, now)).to.equal(0);
  });

  it("raises an appeal period that ran out without appeal or finality once, for both agencies", async () => {
    const later = new Date(Date.now() + 16 * DAY);
    expect(await raiseDeadlines(bamf.db, { agency: "BAMF", appealPeriodDays: 14, webhook: false }, later)).to.equal(1);
    expect(await raiseDeadlines(bamf.db, { agency: "BAMF", appealPeriodDays: 14, webhook: false }, later)).to.equal(0);
    const appeal = (await deadlines(bamf)).filter((n) => JSON.parse(n.payload).deadline === "APPEAL_PERIOD_OVER");
    expect(appeal.map((n) => n.sourceKey)).to.deep.equal([`deadline:APPEAL_PERIOD_OVER:${ids.served}`]);

    expect(await raiseDeadlines(zab.db, { agency: "ZAB", appealPeriodDays: 14, webhook: false }, later)).to.equal(1);
    expect((await deadlines(zab)).map((n) => n.sourceKey)).to.deep.equal([`deadline:APPEAL_PERIOD_OVER:${ids.served}`]);
    // A longer configured period has not run out yet.
    expect(await raiseDeadlines(zab.db, { agency: "ZAB", appealPeriodDays: 30, webhook: false }, later)).to.equal(0);
  });

  it("signs EIP-712 checkpoints every N blocks that verify against the agency key and the chain (anvil only: evm_mine)", async () => {
    const listener = listeners[0];
    // Blocks beyond the one that recorded the steps, so that a checkpoint covers them.
    for (let i = 0; i < 3; i++) await chain.provider.send("evm_mine", []);
    await waitFor(async () => listener.storedThrough() >= (await bamf.chain.blockNumber()), "listener at the head");
    const signer = new CheckpointSigner(bamf.db, bamf.chain, bamf.log, { everyBlocks: 3, storedThrough: () => listener.storedThrough() });
    const signed = await signer.signDue();
    expect(signed).to.be.greaterThan(0);
    expect(await signer.signDue(), "each block signed once").to.equal(0);

    const logs = await bamf.chain.getLedgerLogs(chain.deployment.block, listener.storedThrough());
    const rows = await bamf.db.signedCheckpoint.findMany({ orderBy: { blockNumber: "asc" } });
    expect(rows).to.have.length(signed);
    for (const r of rows) {
      expect(r.blockNumber % 3).to.equal(0);
      expect(r.blockHash).to.equal((await bamf.chain.block(r.blockNumber)).hash);
      const cases = new Set(logs.filter((l) => l.name === "StepRecorded" && l.blockNumber <= r.blockNumber).map((l) => l.caseRef));
      expect(r.caseCount, `cases up to block ${r.blockNumber}`).to.equal(cases.size);
      expect(r.commitmentsTree, "signed over the RFC 6962 log tree").to.equal("rfc6962");
      expect(r.commitmentsRoot, `commitments root at block ${r.blockNumber} as the audit computes it from the chain`).to.equal(commitmentsRootFromLogs(await rawLogs(r.blockNumber), ledger(), r.blockNumber, "rfc6962"));
      expect(r.stepCount, `steps up to block ${r.blockNumber}`).to.equal(logs.filter((l) => l.name === "StepRecorded" && l.blockNumber <= r.blockNumber).length);
      const cp = { chainId: chain.deployment.chainId, ledger: chain.deployment.contracts.ProcedureLedger.address, blockNumber: r.blockNumber, blockHash: r.blockHash, caseCount: r.caseCount, commitmentsRoot: r.commitmentsRoot, commitmentsTree: "rfc6962" as const, stepCount: r.stepCount };
      expect(recoverCheckpointSigner(cp, r.signature)).to.equal(chain.wallets.BAMF.address);
      expect(r.signer).to.equal(chain.wallets.BAMF.address);
      expect(recoverCheckpointSigner({ ...cp, caseCount: cp.caseCount + 1 }, r.signature)).to.not.equal(chain.wallets.BAMF.address);
      expect(recoverCheckpointSigner({ ...cp, commitmentsRoot: "0x" + "11".repeat(32) }, r.signature), "the root is signed").to.not.equal(chain.wallets.BAMF.address);
      expect(recoverCheckpointSigner({ ...cp, commitmentsTree: "sorted" }, r.signature), "under the log tree's type, not the sorted tree's").to.not.equal(chain.wallets.BAMF.address);
      expect(recoverCheckpointSigner({ ...cp, stepCount: cp.stepCount! + 1 }, r.signature), "the tree's size is signed").to.not.equal(chain.wallets.BAMF.address);
    }
    expect(rows[rows.length - 1].caseCount, "six cases in the plan").to.equal(6);
  });

  const ledger = () => chain.deployment.contracts.ProcedureLedger.address;
  const rawLogs = async (upto: number) => (await chain.provider.send("eth_getLogs", [{ address: ledger(), fromBlock: "0x0", toBlock: "0x" + upto.toString(16) }])) as RpcLog[];

  it("is co-signed: both agencies sign the same blocks with the same root from their own mirrors, and the audit verifies them (anvil only: evm_mine)", async () => {
    // A ZAB step too, so that the root covers both agencies' events.
    const zabWriter = new OutboxWriter(zab.db, zab.chain, zab.log, { agencyCode: zab.code, batchSize: 50, pollMs: 20, localCodeListHash: LOCAL_CODE_LIST_HASH });
    const zabCase = await addCase(zab, "zabCheckpoint");
    const zabStep = (await queueStep(zab, zabCase, "REGISTERED", 0n, 0)).ledgerEventId.toString();
    zabWriter.start();
    try {
      for (const a of [bamf, zab]) await waitFor(() => a.db.ledgerEvent.findFirst({ where: { eventId: zabStep, name: "StepRecorded" } }), `${a.agency} stored the ZAB step`);
    } finally {
      await zabWriter.stop();
    }
    for (let i = 0; i < 3; i++) await chain.provider.send("evm_mine", []);
    const head = await bamf.chain.blockNumber();
    for (const l of listeners) await waitFor(() => l.storedThrough() >= head, "listeners at the head");
    const [bamfRows, zabRows] = await Promise.all(
      [bamf, zab].map(async (a, i) => {
        await new CheckpointSigner(a.db, a.chain, a.log, { everyBlocks: 3, storedThrough: () => listeners[i].storedThrough() }).signDue();
        return a.db.signedCheckpoint.findMany({ orderBy: { blockNumber: "asc" } });
      }),
    );
    const fields = (rows: typeof bamfRows) => rows.map((r) => [r.blockNumber, r.blockHash, r.caseCount, r.stepCount, r.commitmentsRoot]);
    expect(fields(zabRows), "the same blocks, hashes, case counts and roots").to.deep.equal(fields(bamfRows));
    // The mirror read in pages of two rows gives the same root as in one page.
    const last = bamfRows[bamfRows.length - 1];
    expect(await commitmentsLogRootAt(zab.db, last.blockNumber, 2)).to.equal(last.commitmentsRoot);
    expect(new Set(bamfRows.map((r) => r.commitmentsRoot)).size, "the root grows with the events").to.be.greaterThan(1);

    // The audit's check over both agencies' checkpoints, with everything recomputed from the chain.
    const logs = await rawLogs(head);
    const hashes = new Map<number, string>();
    for (const r of bamfRows) hashes.set(r.blockNumber, (await bamf.chain.block(r.blockNumber)).hash);
    const ctx = {
      chainId: chain.deployment.chainId,
      ledger: ledger(),
      headBlock: head,
      blockHashAt: (n: number) => hashes.get(n),
      caseCountAt: (n: number) => bamfRows.find((r) => r.blockNumber === n)!.caseCount,
      stepCountAt: (n: number) => stepCountFromLogs(logs, ledger(), n),
      commitmentsRootAt: (n: number, tree: CommitmentsTree) => commitmentsRootFromLogs(logs, ledger(), n, tree),
      memberAgencyAt: (a: string) => ({ [chain.wallets.BAMF.address.toLowerCase()]: 1, [chain.wallets.ZAB.address.toLowerCase()]: 2 })[a.toLowerCase()] ?? 0,
    };
    // As the audit reads them (GET /api/checkpoints or the table): validated at its edge.
    const sets = [{ agency: 1, source: "BAMF", checkpoints: bamfRows.map((r) => SignedCheckpoint.parse(r)) }, { agency: 2, source: "ZAB", checkpoints: zabRows.map((r) => SignedCheckpoint.parse(r)) }];
    const sink = new FindingSink();
    const verdicts = verifyCheckpoints(sets, ctx, sink);
    expect(sink.findings).to.deep.equal([]);
    expect(coSigning(verdicts, ["BAMF", "ZAB"])).to.deep.equal({ blocks: bamfRows.length, coSigned: bamfRows.length, rootVerified: bamfRows.length, partial: [] });
    expect(checkpointSummary(verdicts, ["BAMF", "ZAB"], ["BAMF", "ZAB"], head).text).to.match(/^\d+ checkpoints \(\d+ signatures from BAMF, ZAB\), each co-signed by BAMF and ZAB, commitments root verified \(in the RFC 6962 log tree\)$/);

    // The ZAB step withheld from the chain's logs: every checkpoint from its block on is a finding.
    const zabLog = logs.findIndex((l) => l.topics[0] === STEP_RECORDED_TOPIC && unpackStep(BigInt(dataSlice(l.data, 0, 32))).eventId === BigInt(zabStep));
    expect(zabLog).to.be.greaterThan(-1);
    const withheld = [...logs.slice(0, zabLog), ...logs.slice(zabLog + 1)];
    const zabBlock = parseInt(logs[zabLog].blockNumber, 16);
    const tampered = new FindingSink();
    verifyCheckpoints(sets, { ...ctx, commitmentsRootAt: (n, tree) => commitmentsRootFromLogs(withheld, ledger(), n, tree) }, tampered);
    const after = bamfRows.filter((r) => r.blockNumber >= zabBlock).length;
    expect(after).to.be.greaterThan(0);
    expect(tampered.findings.map((f) => f.kind)).to.deep.equal(Array(2 * after).fill("checkpoint-commitments-root"));
    // A checkpoint signed before the change (the sorted tree's type, as the row says) is verified against the sorted tree.
    const old = await signCheckpoint(chain.wallets.BAMF, { chainId: ctx.chainId, ledger: ctx.ledger, blockNumber: last.blockNumber, blockHash: last.blockHash, caseCount: last.caseCount, commitmentsRoot: commitmentsRootFromLogs(logs, ledger(), last.blockNumber, "sorted"), commitmentsTree: "sorted" });
    const oldSink = new FindingSink();
    const oldVerdicts = verifyCheckpoints([{ agency: 1, source: "BAMF before the change", checkpoints: [old] }], ctx, oldSink);
    expect(oldSink.findings).to.deep.equal([]);
    expect(oldVerdicts[0]).to.deep.include({ valid: true, rootVerified: true, commitmentsTree: "sorted" });
    const oldTampered = new FindingSink();
    verifyCheckpoints([{ agency: 1, source: "BAMF before the change", checkpoints: [old] }], { ...ctx, commitmentsRootAt: (n, tree) => commitmentsRootFromLogs(withheld, ledger(), n, tree) }, oldTampered);
    expect(oldTampered.findings.map((f) => f.kind), "the sorted root of a withheld event").to.deep.equal(["checkpoint-commitments-root"]);
  });
});
