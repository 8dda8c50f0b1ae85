// The pure checks over a captured ledger (vectors/ledger.json): clean as captured, and every kind of
// tampering with the captured data is found.
import { expect } from "chai";
import { loadVector, auditVector } from "./support/vector";
import { STEP } from "../../services/audit/rules";
import { LedgerLogDecoder } from "../../services/audit/events";
import { initFastKeccak } from "../../services/shared/keccak";
import { SignedCheckpoint } from "../../services/audit/types";

const topic = (name: string) => LedgerLogDecoder.topicOf(name);

describe("audit over the captured ledger (fixed vector)", () => {
  before(() => initFastKeccak());

  it("audits the captured history clean apart from its one ignored stop", () => {
    const v = loadVector();
    const a = auditVector(v);
    expect(a.kinds).to.deep.equal(["stop-ignored"]);
    expect(a.engine.headers.headersChecked).to.equal(v.head - v.deployment.block + 1);
    expect(a.engine.replayer.steps.length).to.equal(v.exports.BAMF.length + v.exports.ZAB.length);
    expect(a.engine.replayer.cases.size).to.equal(Object.keys(v.heads).length);
    expect(a.checkpoints).to.have.length(1);
    expect(a.checkpoints[0].valid).to.equal(true);
    expect(a.checkpoints[0].signerAgency).to.equal("BAMF");
    expect(a.checkpoints[0].rootVerified, "the signed commitments root recomputed from the logs").to.equal(true);
    expect(a.checkpoints[0].commitmentsTree).to.equal("rfc6962");
  });

  it("verifies a checkpoint signed under the sorted tree's type (before the log tree) against the sorted tree, also as an agency from before served it", () => {
    const v = loadVector();
    const a = auditVector(v, { checkpoints: [v.sortedCheckpoint, v.checkpoint] });
    expect(a.kinds).to.deep.equal(["stop-ignored"]);
    expect(a.checkpoints.map((c) => [c.commitmentsTree, c.valid, c.rootVerified])).to.deep.equal([["sorted", true, true], ["rfc6962", true, true]]);
    expect(v.sortedCheckpoint.commitmentsRoot).to.not.equal(v.checkpoint.commitmentsRoot);
    const { commitmentsTree: _, ...servedBefore } = v.sortedCheckpoint;
    expect(auditVector(v, { checkpoints: [SignedCheckpoint.parse(servedBefore)] }).checkpoints[0]).to.deep.include({ valid: true, rootVerified: true, commitmentsTree: "sorted" });
    // Relabelled as the log tree's: its signature is over the other type.
    expect(auditVector(v, { checkpoints: [{ ...v.sortedCheckpoint, commitmentsTree: "rfc6962" }] }).kinds).to.include("checkpoint-signature-invalid");
  });

  it("tells erased records apart from missing ones and matches every other commitment", () => {
    const v = loadVector();
    const a = auditVector(v);
    const erasedSteps = [...a.engine.replayer.steps].filter((s) => s.agency === 1 && s.caseRef === v.scenario.erasedCase && s.step !== STEP.ERASED);
    expect(erasedSteps.length).to.be.greaterThan(0);
    expect(a.commitments.BAMF).to.include({ erased: erasedSteps.length, missing: 0, mismatched: 0, notOnChain: 0 });
    expect(a.commitments.BAMF.matched + a.commitments.BAMF.erased).to.equal(a.commitments.BAMF.onChain);
    expect(a.commitments.ZAB).to.include({ erased: 0, missing: 0, mismatched: 0, notOnChain: 0 });
    expect(a.compliance.erasures).to.have.length(1);
    expect(a.compliance.erasures[0]).to.include({ caseRef: v.scenario.erasedCase, agency: "BAMF", reason: "ERASURE_REQUEST" });
    expect(a.compliance.corrections).to.have.length(1);
    expect(a.compliance.corrections[0].originalEventId).to.equal(v.scenario.correctedEventId);
    // the correction's time: its step found among its case's steps, with its block's time
    const correction = [...a.engine.replayer.steps].find((s) => s.eventId.toString() === a.compliance.corrections[0].eventId)!;
    expect(a.compliance.corrections[0].time).to.equal(new Date(a.engine.headers.timestampAt(correction.block)! * 1000).toISOString());
  });

  it("lists the ignored stop, the open stop and the open allocation; overdue after the limit", () => {
    const v = loadVector();
    const a = auditVector(v);
    expect(a.compliance.ignoredStops).to.have.length(1);
    expect(a.compliance.ignoredStops[0].reasons).to.deep.equal(["NO_NEGATIVE_DECISION"]);
    expect(a.compliance.ignoredStops[0].time).to.equal(new Date(a.engine.headers.timestampAt(a.compliance.ignoredStops[0].block)! * 1000).toISOString());
    expect(a.compliance.openAllocations).to.equal(1); // good prospects, no allocation yet
    expect(a.compliance.overdueAllocations).to.have.length(0);
    const later = auditVector(v, { asOf: a.engine.headers.timestampAt(v.head)! + 31 * 86400 });
    expect(later.compliance.overdueAllocations).to.have.length(1);
    // the step that made the allocation due, named by its event id
    const due = later.compliance.overdueAllocations[0];
    const dueStep = [...later.engine.replayer.steps].find((s) => s.eventId.toString() === due.eventId)!;
    expect([dueStep.caseRef, dueStep.block]).to.deep.equal([due.caseRef, due.dueSinceBlock]);
    expect(later.kinds).to.include("allocation-overdue");
  });

  it("finds an altered commitment in the logs (hash chain against the on-chain head)", () => {
    const v = loadVector();
    const i = v.logs.findIndex((l) => l.topics[0] === topic("StepRecorded"));
    v.logs[i].data = v.logs[i].data.slice(0, 66) + "ab".repeat(32);
    const a = auditVector(v);
    expect(a.kinds).to.include("hash-chain-mismatch");
    expect(a.kinds).to.include("commitment-mismatch");
  });

  it("finds a withheld step log and a rule event the contract never raised", () => {
    const v = loadVector();
    // The last step is the erasure marker: without it the case's erased export lines have no marker.
    const last = v.logs.map((l, i) => [l, i] as const).filter(([l]) => l.topics[0] === topic("StepRecorded")).pop()![1];
    v.logs.splice(last, 1);
    const a = auditVector(v);
    expect(a.kinds).to.include("hash-chain-mismatch");
    expect(a.kinds).to.include("erased-without-marker");

    // A whole case withheld: the checkpoint's case count no longer matches.
    const u = loadVector();
    const caseRef = u.logs.find((l) => l.topics[0] === topic("StepRecorded"))!.topics[1];
    u.logs = u.logs.filter((l) => l.topics[1] !== caseRef);
    const b = auditVector(u);
    expect(b.kinds).to.include("checkpoint-case-count");
    expect(b.kinds).to.include("not-on-chain");

    const w = loadVector();
    w.logs.splice(w.logs.findIndex((l) => l.topics[0] === topic("OutOfOrder")), 1);
    expect(auditVector(w).kinds).to.include("missing-rule-event");
  });

  it("finds a rule event whose arguments differ from the replayed rules", () => {
    const v = loadVector();
    const i = v.logs.findIndex((l) => l.topics[0] === topic("OutOfOrder"));
    // OutOfOrder: change `missing` (third word)
    v.logs[i].data = v.logs[i].data.slice(0, 2 + 128) + (1n << 20n).toString(16).padStart(64, "0");
    const kinds = auditVector(v).kinds;
    expect(kinds).to.include("unexpected-rule-event");
    expect(kinds).to.include("missing-rule-event");
  });

  it("finds a duplicate event id and a step the contract rejects", () => {
    const v = loadVector();
    const steps = v.logs.filter((l) => l.topics[0] === topic("StepRecorded"));
    // Give the second step the first step's event id: duplicate (and the hash chain no longer matches).
    const first = steps[0].data.slice(2 + 48, 2 + 64);
    steps[1].data = steps[1].data.slice(0, 2 + 48) + first + steps[1].data.slice(2 + 64);
    const dup = auditVector(v);
    expect(dup.kinds).to.include("duplicate-event-id");
    // the finding names the block of the first step with that id and of the repeat
    const f = dup.engine.sink.findings.find((x) => x.kind === "duplicate-event-id")!;
    const [b0, b1] = [0, 1].map((k) => Number(BigInt(steps[k].blockNumber)));
    expect(f.message).to.include(`(blocks ${b0} and ${b1})`);

    const w = loadVector();
    const s = w.logs.filter((l) => l.topics[0] === topic("StepRecorded"))[0];
    // step code 99: unknown
    s.data = s.data.slice(0, 2 + 46) + "63" + s.data.slice(2 + 48);
    expect(auditVector(w).kinds).to.include("step-should-have-been-rejected");
  });

  it("finds a changed block header, a broken parent link and a log from another block", () => {
    const v = loadVector();
    v.blocks[2].gasUsed = "0x1";
    expect(auditVector(v).kinds).to.include("header-hash-mismatch");

    const w = loadVector();
    w.blocks[3].parentHash = "0x" + "11".repeat(32);
    const kinds = auditVector(w).kinds;
    expect(kinds).to.include("header-hash-mismatch"); // the parent hash is a header field
    expect(kinds).to.include("header-link-broken");

    const x = loadVector();
    x.logs[5].blockHash = "0x" + "22".repeat(32);
    expect(auditVector(x).kinds).to.include("log-from-other-block");
  });

  it("finds a fabricated log that is not in its block's logs bloom", () => {
    const v = loadVector();
    const l = { ...v.logs[v.logs.length - 1] };
    const other = "0x" + "77".repeat(32); // a case reference the block never saw
    l.topics = [l.topics[0], other];
    l.logIndex = "0x" + (parseInt(l.logIndex, 16) + 1).toString(16);
    v.logs.push(l);
    const kinds = auditVector(v).kinds;
    expect(kinds).to.include("log-not-in-bloom");
  });

  it("finds a checkpoint over a different block hash, a forged signature and a foreign signer", async () => {
    const v = loadVector();
    const forked = { ...v.checkpoint, blockHash: "0x" + "33".repeat(32) };
    expect(auditVector(v, { checkpoints: [forked] }).kinds).to.include("checkpoint-signature-invalid"); // the signature covers the hash
    const { Wallet } = await import("ethers");
    const { signCheckpoint } = await import("./support/sign");
    const bamf = new Wallet(v.keys.BAMF);
    const signedFork = await signCheckpoint(bamf, { chainId: v.deployment.chainId, ledger: v.deployment.contracts.ProcedureLedger.address, blockNumber: v.head, blockHash: forked.blockHash, caseCount: v.checkpoint.caseCount, commitmentsRoot: v.checkpoint.commitmentsRoot!, stepCount: v.checkpoint.stepCount });
    expect(auditVector(v, { checkpoints: [signedFork] }).kinds).to.include("checkpoint-fork");
    const outsider = Wallet.createRandom();
    const foreign = await signCheckpoint(outsider as unknown as InstanceType<typeof Wallet>, { chainId: v.deployment.chainId, ledger: v.deployment.contracts.ProcedureLedger.address, blockNumber: v.head, blockHash: v.checkpoint.blockHash, caseCount: v.checkpoint.caseCount, commitmentsRoot: v.checkpoint.commitmentsRoot!, stepCount: v.checkpoint.stepCount });
    expect(auditVector(v, { checkpoints: [foreign] }).kinds).to.include("checkpoint-signer-not-member");
    const beyond = await signCheckpoint(bamf, { chainId: v.deployment.chainId, ledger: v.deployment.contracts.ProcedureLedger.address, blockNumber: v.head + 5, blockHash: v.checkpoint.blockHash, caseCount: 5, commitmentsRoot: v.checkpoint.commitmentsRoot!, stepCount: v.checkpoint.stepCount });
    expect(auditVector(v, { checkpoints: [beyond] }).kinds).to.include("checkpoint-beyond-head");
  });

  it("finds a step's commitment changed in the logs through the checkpoint's commitments root, with the case count unchanged", () => {
    const v = loadVector();
    // Another commitment in a StepRecorded log (block hash and bloom aside: the data is not in the bloom).
    const log = v.logs.find((l) => l.topics[0] === topic("StepRecorded"))!;
    log.data = log.data.slice(0, 66) + "77".repeat(32);
    const a = auditVector(v);
    expect(a.kinds).to.include("checkpoint-commitments-root");
    expect(a.kinds).to.not.include("checkpoint-case-count");
    expect(a.checkpoints[0]).to.deep.include({ valid: false, rootVerified: false });
    // The same in the sorted tree, for a checkpoint signed before the log tree.
    expect(auditVector(v, { checkpoints: [v.sortedCheckpoint] }).checkpoints[0]).to.deep.include({ valid: false, rootVerified: false, commitmentsTree: "sorted" });
    // A served checkpoint whose root was changed to match: the agency's signature no longer holds.
    const b = auditVector(v, { checkpoints: [{ ...v.checkpoint, commitmentsRoot: "0x" + "77".repeat(32) }] });
    expect(b.kinds).to.include("checkpoint-signature-invalid");
  });
});
