// Allocation to a district: due after a positive decision or good prospects, raised once, cleared by MUNICIPAL_ALLOCATION.
import { expect } from "chai";
import { CODE_LISTS } from "../../services/shared/codelists";
import { FLAG, GOOD, NOT_GOOD, OUTCOME, DRESDEN, QUASHED, SUSPENSIVE, POSITIVE_SERVED, caseRefOf, setUp } from "./helpers";

const PRE_DECISION = ["REGISTERED", "APPLICATION_FILED", "HEARING_SCHEDULED", "HEARING_HELD"];

describe("allocation", function () {
  for (const outcome of CODE_LISTS.outcomes) {
    it(`DECISION_ISSUED ${outcome.key} ${outcome.positive ? "makes" : "does not make"} an allocation due`, async function () {
      const { ledger, clerk } = await setUp();
      const caseRef = caseRefOf(`outcome-${outcome.key}`);
      await clerk.play(caseRef, ...PRE_DECISION);
      const sent = await clerk.record(caseRef, "DECISION_ISSUED", BigInt(outcome.code));
      const flags = await clerk.flags(caseRef);
      if (outcome.positive) {
        await expect(sent.tx).to.emit(ledger, "AllocationDue").withArgs(caseRef, sent.eventId);
        expect(flags & (FLAG.POSITIVE | FLAG.NEGATIVE | FLAG.ALLOCATION_DUE)).to.equal(FLAG.POSITIVE | FLAG.ALLOCATION_DUE);
      } else {
        await expect(sent.tx).not.to.emit(ledger, "AllocationDue");
        expect(flags & (FLAG.POSITIVE | FLAG.NEGATIVE | FLAG.ALLOCATION_DUE)).to.equal(FLAG.NEGATIVE);
      }
    });
  }

  it("PROSPECTS_ASSESSED good makes an allocation due; not good does not", async function () {
    const { ledger, clerk } = await setUp();
    const good = caseRefOf("good");
    await clerk.play(good, "REGISTERED", "APPLICATION_FILED");
    const s1 = await clerk.record(good, "PROSPECTS_ASSESSED", GOOD);
    await expect(s1.tx).to.emit(ledger, "AllocationDue").withArgs(good, s1.eventId);
    expect((await clerk.flags(good)) & FLAG.ALLOCATION_DUE).to.equal(FLAG.ALLOCATION_DUE);

    const notGood = caseRefOf("not-good");
    await clerk.play(notGood, "REGISTERED", "APPLICATION_FILED");
    const s2 = await clerk.record(notGood, "PROSPECTS_ASSESSED", NOT_GOOD);
    await expect(s2.tx).not.to.emit(ledger, "AllocationDue");
    expect((await clerk.flags(notGood)) & FLAG.ALLOCATION_DUE).to.equal(0);
  });

  it("is raised once: good prospects, then a positive decision, then another positive decision", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("once");
    await clerk.play(caseRef, "REGISTERED", "APPLICATION_FILED");
    await expect((await clerk.record(caseRef, "PROSPECTS_ASSESSED", GOOD)).tx).to.emit(ledger, "AllocationDue");
    await clerk.play(caseRef, "HEARING_SCHEDULED", "HEARING_HELD");
    await expect((await clerk.record(caseRef, "DECISION_ISSUED", OUTCOME.REFUGEE_PROTECTION)).tx).not.to.emit(ledger, "AllocationDue");
    await expect((await clerk.record(caseRef, "PROSPECTS_ASSESSED", GOOD)).tx).not.to.emit(ledger, "AllocationDue");
  });

  it("is raised once: a positive decision, then good prospects", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("once-2");
    await clerk.play(caseRef, ...PRE_DECISION);
    await expect((await clerk.record(caseRef, "DECISION_ISSUED", OUTCOME.REFUGEE_PROTECTION)).tx).to.emit(ledger, "AllocationDue");
    await expect((await clerk.record(caseRef, "PROSPECTS_ASSESSED", GOOD)).tx).not.to.emit(ledger, "AllocationDue");
  });

  it("MUNICIPAL_ALLOCATION clears it, and an allocated case does not become due again", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("allocated");
    await clerk.play(caseRef, ...POSITIVE_SERVED);
    const alloc = await clerk.record(caseRef, "MUNICIPAL_ALLOCATION", DRESDEN);
    await expect(alloc.tx).not.to.emit(ledger, "OutOfOrder");
    await expect(alloc.tx).to.emit(ledger, "StepRecorded");
    expect((await clerk.flags(caseRef)) & (FLAG.ALLOCATION_DUE | FLAG.ALLOCATED)).to.equal(FLAG.ALLOCATED);

    // the decision is quashed and taken anew, positive again: the person is already allocated
    await clerk.play(caseRef, ["APPEAL_FILED", SUSPENSIVE], ["APPEAL_DECIDED", QUASHED]);
    const again = await clerk.record(caseRef, "DECISION_ISSUED", OUTCOME.REFUGEE_PROTECTION);
    await expect(again.tx).not.to.emit(ledger, "AllocationDue");
    await expect((await clerk.record(caseRef, "PROSPECTS_ASSESSED", GOOD)).tx).not.to.emit(ledger, "AllocationDue");
    expect((await clerk.flags(caseRef)) & (FLAG.ALLOCATION_DUE | FLAG.ALLOCATED)).to.equal(FLAG.ALLOCATED);
  });
});
