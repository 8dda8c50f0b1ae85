// District immigration authorities write only for their own people: a step of an allocation-scoped type
// needs the case's current allocation (its latest MUNICIPAL_ALLOCATION) to name the authority's district.
// The new phase III steps confirm the allocation, the arrival, or the non-arrival.
import { expect } from "chai";
import { AGENCY, BAUTZEN_DISTRICT, DRESDEN, FLAG, POSITIVE_SERVED, caseRefOf, code, eventIdOfStep, setUpNetwork } from "./helpers";
import { BAUTZEN } from "./fixtures";

const ARRIVAL_FLAGS = FLAG.ALLOCATION_RECEIVED | FLAG.ARRIVED | FLAG.NOT_ARRIVED;

describe("district authority: allocation scope", function () {
  it("records ALLOCATION_RECEIVED and ARRIVED_REGISTERED for a case allocated to its district", async function () {
    const { ledger, district, clerk } = await setUpNetwork();
    const caseRef = caseRefOf("bautzen-arrives");
    await clerk.play(caseRef, ...POSITIVE_SERVED);
    expect(await ledger.allocatedTo(caseRef)).to.equal(0);
    await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
    expect(await ledger.allocatedTo(caseRef)).to.equal(BAUTZEN);

    const received = await clerk.record(caseRef, "ALLOCATION_RECEIVED");
    await expect(received.tx).to.emit(ledger, "StepRecorded").withArgs(caseRef, received.step.packedStep, received.step.commitment);
    await expect(received.tx).not.to.emit(ledger, "OutOfOrder");
    expect((await clerk.flags(caseRef)) & ARRIVAL_FLAGS).to.equal(FLAG.ALLOCATION_RECEIVED);
    const arrived = await clerk.record(caseRef, "ARRIVED_REGISTERED");
    await expect(arrived.tx).not.to.emit(ledger, "OutOfOrder");
    expect((await clerk.flags(caseRef)) & ARRIVAL_FLAGS).to.equal(FLAG.ALLOCATION_RECEIVED | FLAG.ARRIVED);
    expect((await clerk.flags(caseRef)) & FLAG.ALLOCATED).to.equal(FLAG.ALLOCATED);
    // the district's event ids carry its agency number
    expect(received.eventId >> 56n).to.equal(BigInt(AGENCY["ABH-14625"]));
    expect(await ledger.agencyOf(district.address)).to.equal(AGENCY["ABH-14625"]);
  });

  it("is refused with NotAllocatedToDistrict for a case allocated elsewhere or not allocated at all", async function () {
    const { ledger, district, clerk } = await setUpNetwork();
    const dresden = caseRefOf("dresden-case");
    await clerk.play(dresden, ...POSITIVE_SERVED);
    await clerk.record(dresden, "MUNICIPAL_ALLOCATION", DRESDEN);
    const never = caseRefOf("never-allocated");
    await clerk.record(never, "REGISTERED");

    for (const [caseRef, key] of [[dresden, "ALLOCATION_RECEIVED"], [dresden, "ARRIVED_REGISTERED"], [never, "NOT_ARRIVED"], [caseRefOf("unknown"), "ALLOCATION_RECEIVED"]]) {
      const step = clerk.make(caseRef, key);
      await expect(ledger.connect(district).record(step))
        .to.be.revertedWithCustomError(ledger, "NotAllocatedToDistrict")
        .withArgs(0, caseRef, BAUTZEN);
      expect(await ledger.isRecorded(eventIdOfStep(step))).to.equal(false);
    }
    // a batch names the step
    const bautzen = caseRefOf("bautzen-ok");
    await clerk.record(bautzen, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
    const batch = [clerk.make(bautzen, "ALLOCATION_RECEIVED"), clerk.make(dresden, "ALLOCATION_RECEIVED"), clerk.make(bautzen, "ARRIVED_REGISTERED")];
    await expect(ledger.connect(district).recordBatch(batch))
      .to.be.revertedWithCustomError(ledger, "NotAllocatedToDistrict")
      .withArgs(1, dresden, BAUTZEN);
    expect((await ledger.caseHead(bautzen))[1]).to.equal(1n);
    // the other types are not allocation-scoped: ZAB and BAMF write for any case
    await expect((await clerk.record(dresden, "TRANSFERRED_TO_MUNICIPALITY")).tx).to.emit(ledger, "StepRecorded");
    await expect((await clerk.record(bautzen, "APPLICATION_FILED")).tx).to.emit(ledger, "StepRecorded");
  });

  it("a re-allocation elsewhere ends the district's rights on the case and starts the arrival over", async function () {
    const { ledger, district, clerk } = await setUpNetwork();
    const caseRef = caseRefOf("re-allocated");
    await clerk.play(caseRef, ...POSITIVE_SERVED);
    await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
    const received = await clerk.record(caseRef, "ALLOCATION_RECEIVED");
    await clerk.record(caseRef, "NOT_ARRIVED");
    expect((await clerk.flags(caseRef)) & ARRIVAL_FLAGS).to.equal(FLAG.ALLOCATION_RECEIVED | FLAG.NOT_ARRIVED);

    await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", DRESDEN);
    expect(await ledger.allocatedTo(caseRef)).to.equal(DRESDEN);
    expect((await clerk.flags(caseRef)) & ARRIVAL_FLAGS).to.equal(0);
    await expect(ledger.connect(district).record(clerk.make(caseRef, "ARRIVED_REGISTERED")))
      .to.be.revertedWithCustomError(ledger, "NotAllocatedToDistrict")
      .withArgs(0, caseRef, BAUTZEN);
    // a retry of a step recorded before the re-allocation is still told apart as a retry
    await expect(ledger.connect(district).record(received.step))
      .to.be.revertedWithCustomError(ledger, "AlreadyRecorded")
      .withArgs(0, received.eventId);

    // allocated back: the district writes again, and an arrival clears the earlier non-arrival
    await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
    await clerk.record(caseRef, "NOT_ARRIVED");
    await clerk.record(caseRef, "ARRIVED_REGISTERED");
    expect((await clerk.flags(caseRef)) & ARRIVAL_FLAGS).to.equal(FLAG.ARRIVED);
  });

  it("the arrival steps keep the procedure's other flags and raise no stop or allocation notice", async function () {
    const { ledger, clerk } = await setUpNetwork();
    const caseRef = caseRefOf("flags-kept");
    await clerk.play(caseRef, ...POSITIVE_SERVED);
    await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
    const before = await clerk.flags(caseRef);
    for (const key of ["ALLOCATION_RECEIVED", "NOT_ARRIVED", "ARRIVED_REGISTERED"]) {
      const sent = await clerk.record(caseRef, key);
      for (const event of ["OutOfOrder", "StopChanged", "StopIgnored", "AllocationDue", "StepCorrected"]) {
        await expect(sent.tx).not.to.emit(ledger, event);
      }
    }
    expect((await clerk.flags(caseRef)) & ~ARRIVAL_FLAGS).to.equal(before);
    expect(code("ALLOCATION_RECEIVED")).to.equal(22);
    expect(code("ARRIVED_REGISTERED")).to.equal(23);
    expect(code("NOT_ARRIVED")).to.equal(24);
  });

  it("the district corrects and erases its own steps, also after a re-allocation elsewhere; erasure sets its own bit", async function () {
    const { ledger, clerk } = await setUpNetwork();
    const caseRef = caseRefOf("district-correction");
    await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", BAUTZEN_DISTRICT);
    const arrived = await clerk.record(caseRef, "ARRIVED_REGISTERED");
    // the person moves on: new steps of Bautzen are refused, its own records stay in its hands
    await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", DRESDEN);
    await expect(clerk.record(caseRef, "NOT_ARRIVED", 0n, undefined, "ABH-14625")).to.be.revertedWithCustomError(ledger, "NotAllocatedToDistrict");
    const corr = await clerk.record(caseRef, "CORRECTION", arrived.eventId, undefined, "ABH-14625");
    await expect(corr.tx).to.emit(ledger, "StepCorrected").withArgs(caseRef, corr.eventId, arrived.eventId);
    await clerk.record(caseRef, "ERASED", 1n, undefined, "ABH-14625");
    expect(await ledger.erasedBy(caseRef)).to.equal(1n << BigInt(AGENCY["ABH-14625"]));
    await clerk.record(caseRef, "ERASED", 1n, undefined, "ZAB");
    expect(await ledger.erasedBy(caseRef)).to.equal((1n << BigInt(AGENCY["ABH-14625"])) | (1n << BigInt(AGENCY.ZAB)));
  });
});
