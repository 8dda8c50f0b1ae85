// Rectification and erasure: a correction names an own recorded event; the ERASED marker flags the case.
import { expect } from "chai";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { AGENCY, FLAG, caseRefOf, eventIdOfStep, setUp } from "./helpers";

describe("corrections", function () {
  it("the recording agency corrects its own step: StepCorrected, the case state is unchanged", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("correct");
    await clerk.play(caseRef, "REGISTERED", "APPLICATION_FILED");
    const original = await clerk.record(caseRef, "HEARING_SCHEDULED", undefined, 20270115);
    const flagsBefore = await ledger.caseState(caseRef);
    const [, countBefore] = await ledger.caseHead(caseRef);

    const corr = await clerk.record(caseRef, "CORRECTION", original.eventId, undefined, "BAMF");
    await expect(corr.tx).to.emit(ledger, "StepCorrected").withArgs(caseRef, corr.eventId, original.eventId);
    await expect(corr.tx).to.emit(ledger, "StepRecorded").withArgs(caseRef, corr.step.packedStep, corr.step.commitment);
    await expect(corr.tx).not.to.emit(ledger, "OutOfOrder");
    expect(await ledger.caseState(caseRef)).to.deep.equal(flagsBefore);
    expect((await ledger.caseHead(caseRef))[1]).to.equal(countBefore + 1n);
    expect(await ledger.isRecorded(corr.eventId)).to.equal(true);
  });

  it("ZAB corrects its own step too", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("correct-zab");
    const original = await clerk.record(caseRef, "REGISTERED");
    const corr = await clerk.record(caseRef, "CORRECTION", original.eventId, undefined, "ZAB");
    await expect(corr.tx).to.emit(ledger, "StepCorrected").withArgs(caseRef, corr.eventId, original.eventId);
  });

  it("only the original recorder may correct (NotOriginalRecorder)", async function () {
    const { ledger, bamf, zab, clerk } = await setUp();
    const caseRef = caseRefOf("foreign-correction");
    const registered = await clerk.record(caseRef, "REGISTERED");
    const filed = await clerk.record(caseRef, "APPLICATION_FILED");

    const byBamf = clerk.make(caseRef, "CORRECTION", registered.eventId, undefined, "BAMF");
    await expect(ledger.connect(bamf).record(byBamf))
      .to.be.revertedWithCustomError(ledger, "NotOriginalRecorder")
      .withArgs(0, registered.eventId);
    const byZab = clerk.make(caseRef, "CORRECTION", filed.eventId, undefined, "ZAB");
    await expect(ledger.connect(zab).record(byZab))
      .to.be.revertedWithCustomError(ledger, "NotOriginalRecorder")
      .withArgs(0, filed.eventId);
    // a detail that is no event id of any agency
    const junk = clerk.make(caseRef, "CORRECTION", 12345n, undefined, "ZAB");
    await expect(ledger.connect(zab).record(junk)).to.be.revertedWithCustomError(ledger, "NotOriginalRecorder").withArgs(0, 12345n);
    for (const s of [byBamf, byZab, junk]) expect(await ledger.isRecorded(eventIdOfStep(s))).to.equal(false);
    expect((await ledger.caseHead(caseRef))[1]).to.equal(2n);
  });

  it("an unknown original is rejected (UnknownOriginal), also a correction of itself", async function () {
    const { ledger, bamf, clerk } = await setUp();
    const caseRef = caseRefOf("unknown-original");
    await clerk.play(caseRef, "REGISTERED", "APPLICATION_FILED");
    const never = eventIdOf(AGENCY.BAMF, 999);
    const step = clerk.make(caseRef, "CORRECTION", never, undefined, "BAMF");
    await expect(ledger.connect(bamf).record(step))
      .to.be.revertedWithCustomError(ledger, "UnknownOriginal")
      .withArgs(0, never);
    // a correction whose detail is its own event id
    const self = clerk.make(caseRef, "CORRECTION", 0n, undefined, "BAMF");
    const selfId = eventIdOfStep(self);
    self.packedStep = BigInt(self.packedStep) | (selfId << 72n);
    await expect(ledger.connect(bamf).record(self)).to.be.revertedWithCustomError(ledger, "UnknownOriginal").withArgs(0, selfId);
    expect(await ledger.isRecorded(selfId)).to.equal(false);
  });

  it("in a batch the original must come before its correction; errors name the index", async function () {
    const { ledger, bamf, clerk } = await setUp();
    const caseRef = caseRefOf("batch-correction");
    await clerk.record(caseRef, "REGISTERED");
    const original = clerk.make(caseRef, "APPLICATION_FILED");
    const originalId = eventIdOfStep(original);
    const correction = clerk.make(caseRef, "CORRECTION", originalId, undefined, "BAMF");

    await expect(ledger.connect(bamf).recordBatch([correction, original]))
      .to.be.revertedWithCustomError(ledger, "UnknownOriginal")
      .withArgs(0, originalId);
    expect(await ledger.isRecorded(originalId)).to.equal(false);

    const foreign = clerk.make(caseRef, "CORRECTION", eventIdOf(AGENCY.ZAB, 1), undefined, "BAMF");
    await expect(ledger.connect(bamf).recordBatch([original, correction, foreign]))
      .to.be.revertedWithCustomError(ledger, "NotOriginalRecorder")
      .withArgs(2, eventIdOf(AGENCY.ZAB, 1));
    expect(await ledger.isRecorded(originalId)).to.equal(false);

    const tx = ledger.connect(bamf).recordBatch([original, correction]);
    await expect(tx).to.emit(ledger, "StepCorrected").withArgs(caseRef, eventIdOfStep(correction), originalId);
  });

  it("a correction may itself be corrected by the same agency", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("correct-correction");
    const original = await clerk.record(caseRef, "REGISTERED");
    const c1 = await clerk.record(caseRef, "CORRECTION", original.eventId, undefined, "ZAB");
    const c2 = await clerk.record(caseRef, "CORRECTION", c1.eventId, undefined, "ZAB");
    await expect(c2.tx).to.emit(ledger, "StepCorrected").withArgs(caseRef, c2.eventId, c1.eventId);
  });
});

describe("erasure marker", function () {
  it("ERASED sets the recording agency's bit in erasedBy() and leaves the procedure state alone", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("erased");
    await clerk.play(caseRef, "REGISTERED", "APPLICATION_FILED");
    const base = FLAG.REGISTERED | FLAG.FILED;
    expect(await ledger.erasedBy(caseRef)).to.equal(0n);

    const byBamf = await clerk.record(caseRef, "ERASED", 2n, undefined, "BAMF");
    await expect(byBamf.tx).to.emit(ledger, "StepRecorded").withArgs(caseRef, byBamf.step.packedStep, byBamf.step.commitment);
    await expect(byBamf.tx).not.to.emit(ledger, "OutOfOrder");
    expect(await clerk.flags(caseRef)).to.equal(base);
    expect(await ledger.erasedBy(caseRef)).to.equal(1n << BigInt(AGENCY.BAMF));

    const byZab = await clerk.record(caseRef, "ERASED", 1n, undefined, "ZAB");
    await expect(byZab.tx).to.emit(ledger, "StepRecorded");
    expect(await clerk.flags(caseRef)).to.equal(base);
    expect(await ledger.erasedBy(caseRef)).to.equal((1n << BigInt(AGENCY.BAMF)) | (1n << BigInt(AGENCY.ZAB)));
    expect((await ledger.caseHead(caseRef))[1]).to.equal(4n);
    // a second marker of the same agency changes nothing more
    await clerk.record(caseRef, "ERASED", 0n, undefined, "ZAB");
    expect(await ledger.erasedBy(caseRef)).to.equal((1n << BigInt(AGENCY.BAMF)) | (1n << BigInt(AGENCY.ZAB)));
  });

  it("ERASED by ZAB alone sets only ZAB's bit, on that case only", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("erased-zab");
    await clerk.record(caseRef, "REGISTERED");
    await clerk.record(caseRef, "ERASED", 0n, undefined, "ZAB");
    expect(await clerk.flags(caseRef)).to.equal(FLAG.REGISTERED);
    expect(await ledger.erasedBy(caseRef)).to.equal(1n << BigInt(AGENCY.ZAB));
    expect(await ledger.erasedBy(caseRefOf("other"))).to.equal(0n);
  });
});
