// Event ids are recorded once: a retry is told apart (AlreadyRecorded), a bad batch leaves no trace.
import { expect } from "chai";
import { eventIdOf, ZERO_HEAD } from "../../services/shared/ledger-codec";
import { AGENCY, FLAG, caseRefOf, code, eventIdOfStep, rawStep, setUp } from "./helpers";

describe("idempotency and batches", function () {
  it("isRecorded() is false before and true after a step is recorded", async function () {
    const { ledger, zab, clerk } = await setUp();
    const step = clerk.make(caseRefOf("x"), "REGISTERED");
    const id = eventIdOfStep(step);
    expect(await ledger.isRecorded(id)).to.equal(false);
    await ledger.connect(zab).record(step);
    expect(await ledger.isRecorded(id)).to.equal(true);
    // neighbours in the same bitmap word and the same sequence of the other agency stay unrecorded
    expect(await ledger.isRecorded(id + 1n)).to.equal(false);
    expect(await ledger.isRecorded(id - 1n)).to.equal(false);
    expect(await ledger.isRecorded(eventIdOf(AGENCY.BAMF, id & 0xffn))).to.equal(false);
  });

  it("the same event id sent again is rejected (AlreadyRecorded) and changes nothing", async function () {
    const { ledger, zab, clerk } = await setUp();
    const caseRef = caseRefOf("retry");
    const step = clerk.make(caseRef, "REGISTERED");
    await ledger.connect(zab).record(step);
    const before = await ledger.caseHead(caseRef);
    await expect(ledger.connect(zab).record(step))
      .to.be.revertedWithCustomError(ledger, "AlreadyRecorded")
      .withArgs(0, eventIdOfStep(step));
    // also with other content under the same event id, and in another case
    const other = { ...clerk.make(caseRefOf("other"), "DEPARTURE_OBLIGATION"), packedStep: 0n };
    other.packedStep = (BigInt(step.packedStep) & ((1n << 64n) - 1n)) | (BigInt(code("DEPARTURE_OBLIGATION")) << 64n);
    await expect(ledger.connect(zab).record(other))
      .to.be.revertedWithCustomError(ledger, "AlreadyRecorded")
      .withArgs(0, eventIdOfStep(step));
    expect(await ledger.caseHead(caseRef)).to.deep.equal(before);
    expect((await ledger.caseHead(caseRefOf("other")))[1]).to.equal(0n);
  });

  it("a duplicate within one batch names the index of the second occurrence", async function () {
    const { ledger, zab, clerk } = await setUp();
    const caseRef = caseRefOf("dup-batch");
    const a = clerk.make(caseRef, "REGISTERED");
    const b = clerk.make(caseRef, "DEPARTURE_OBLIGATION");
    await expect(ledger.connect(zab).recordBatch([a, b, a]))
      .to.be.revertedWithCustomError(ledger, "AlreadyRecorded")
      .withArgs(2, eventIdOfStep(a));
    expect(await ledger.isRecorded(eventIdOfStep(a))).to.equal(false);
    expect(await ledger.isRecorded(eventIdOfStep(b))).to.equal(false);
  });

  it("a duplicate across batches names its index and nothing of the second batch is recorded", async function () {
    const { ledger, bamf, clerk } = await setUp();
    const caseRef = caseRefOf("dup-across");
    const first = [clerk.make(caseRef, "APPLICATION_FILED"), clerk.make(caseRef, "HEARING_SCHEDULED"), clerk.make(caseRef, "HEARING_HELD")];
    await ledger.connect(bamf).recordBatch(first);
    const headAfterFirst = await ledger.caseHead(caseRef);
    const flagsAfterFirst = await ledger.caseState(caseRef);
    const fresh = clerk.make(caseRef, "DECISION_ISSUED");
    const fresh2 = clerk.make(caseRefOf("dup-across-2"), "APPLICATION_FILED");
    await expect(ledger.connect(bamf).recordBatch([fresh, fresh2, first[1]]))
      .to.be.revertedWithCustomError(ledger, "AlreadyRecorded")
      .withArgs(2, eventIdOfStep(first[1]));
    expect(await ledger.isRecorded(eventIdOfStep(fresh))).to.equal(false);
    expect(await ledger.isRecorded(eventIdOfStep(fresh2))).to.equal(false);
    expect(await ledger.caseHead(caseRef)).to.deep.equal(headAfterFirst);
    expect(await ledger.caseState(caseRef)).to.deep.equal(flagsAfterFirst);
    // the same batch without the duplicate goes through
    await expect(ledger.connect(bamf).recordBatch([fresh, fresh2])).to.emit(ledger, "StepRecorded");
    expect(await ledger.isRecorded(eventIdOfStep(fresh))).to.equal(true);
  });

  it("the same sequence number of two agencies is two different events", async function () {
    const { ledger, bamf, zab } = await setUp();
    const caseRef = caseRefOf("same-seq");
    await ledger.connect(zab).record(rawStep(AGENCY.ZAB, 42, caseRef, code("REGISTERED")));
    await expect(ledger.connect(bamf).record(rawStep(AGENCY.BAMF, 42, caseRef, code("APPLICATION_FILED")))).to.emit(ledger, "StepRecorded");
    expect(await ledger.isRecorded(eventIdOf(AGENCY.ZAB, 42))).to.equal(true);
    expect(await ledger.isRecorded(eventIdOf(AGENCY.BAMF, 42))).to.equal(true);
    expect(await ledger.isRecorded(eventIdOf(AGENCY.BAMF, 43))).to.equal(false);
  });

  it("event ids across bitmap words (sequence 255, 256, 511, 2^56-1) are kept apart", async function () {
    const { ledger, zab } = await setUp();
    const caseRef = caseRefOf("words");
    const seqs = [255n, 256n, 511n, (1n << 56n) - 1n];
    await ledger.connect(zab).recordBatch(seqs.map((s) => rawStep(AGENCY.ZAB, s, caseRef, code("REGISTERED"))));
    for (const s of seqs) expect(await ledger.isRecorded(eventIdOf(AGENCY.ZAB, s))).to.equal(true);
    for (const s of [254n, 257n, 510n, 512n, (1n << 56n) - 2n]) expect(await ledger.isRecorded(eventIdOf(AGENCY.ZAB, s))).to.equal(false);
    await expect(ledger.connect(zab).record(rawStep(AGENCY.ZAB, 256n, caseRef, code("REGISTERED"))))
      .to.be.revertedWithCustomError(ledger, "AlreadyRecorded")
      .withArgs(0, eventIdOf(AGENCY.ZAB, 256n));
  });

  it("a batch with one bad step fails as a whole: no event id, no head, no flags are kept", async function () {
    const { ledger, zab, clerk } = await setUp();
    const c1 = caseRefOf("atomic-1");
    const c2 = caseRefOf("atomic-2");
    const good = [clerk.make(c1, "REGISTERED"), clerk.make(c2, "REGISTERED"), clerk.make(c1, "DEPARTURE_OBLIGATION")];
    const bad = clerk.make(c2, "MUNICIPAL_ALLOCATION", 99n); // not a district code
    await expect(ledger.connect(zab).recordBatch([...good, bad]))
      .to.be.revertedWithCustomError(ledger, "InvalidDetail")
      .withArgs(3, code("MUNICIPAL_ALLOCATION"), 99n);
    for (const s of [...good, bad]) expect(await ledger.isRecorded(eventIdOfStep(s))).to.equal(false);
    for (const c of [c1, c2]) {
      expect(await ledger.caseHead(c)).to.deep.equal([ZERO_HEAD, 0n]);
      expect(await ledger.caseState(c)).to.deep.equal([0n, 0n]);
    }
  });

  it("a good batch records every step in order, one StepRecorded each", async function () {
    const { ledger, zab, clerk } = await setUp();
    const c1 = caseRefOf("batch-ok-1");
    const c2 = caseRefOf("batch-ok-2");
    const steps = [clerk.make(c1, "REGISTERED"), clerk.make(c2, "REGISTERED"), clerk.make(c1, "DEPARTURE_OBLIGATION")];
    const tx = ledger.connect(zab).recordBatch(steps);
    for (const s of steps) await expect(tx).to.emit(ledger, "StepRecorded").withArgs(s.caseRef, s.packedStep, s.commitment);
    const receipt = await (await tx).wait();
    const recorded = receipt!.logs.map((l) => ledger.interface.parseLog(l)).filter((l) => l?.name === "StepRecorded");
    expect(recorded.map((l) => l!.args.packedStep)).to.deep.equal(steps.map((s) => s.packedStep));
    expect((await ledger.caseHead(c1))[1]).to.equal(2n);
    expect((await ledger.caseHead(c2))[1]).to.equal(1n);
    expect(Number((await ledger.caseState(c1))[0])).to.equal(FLAG.REGISTERED | FLAG.DEPARTURE_OBLIGATION);
  });
});
