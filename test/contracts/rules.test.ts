// Forward and alert rules: every step is forwarded (StepRecorded, packed layout), steps out of the
// target order are accepted but raise OutOfOrder with the missing prerequisite flags.
import { expect } from "chai";
import { unpackStep } from "../../services/shared/ledger-codec";
import {
  FLAG, NEGATIVE_SERVED, OUTCOME, POSITIVE_SERVED, QUASHED, UPHELD, SUSPENSIVE, NEW_PROCEDURE, NO_NEW_PROCEDURE, GOOD, DRESDEN,
  caseRefOf, code, eventsNamed, setUp,
} from "./helpers";

describe("rules: forward", function () {
  it("StepRecorded carries the case and the packed step (event id, code, detail, date) and the commitment", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("forward");
    await clerk.play(caseRef, "REGISTERED", "APPLICATION_FILED");
    const cases: [string, bigint | undefined, number | undefined, bigint, number][] = [
      ["HEARING_SCHEDULED", undefined, 20270301, 0n, 20270301],
      ["HEARING_HELD", undefined, undefined, 0n, 0],
      ["DECISION_ISSUED", 6n, undefined, 6n, 0],
      ["APPEAL_FILED", SUSPENSIVE, undefined, SUSPENSIVE, 0],
      ["REPATRIATION_SCHEDULED", undefined, 20280229, 0n, 20280229],
      ["MUNICIPAL_ALLOCATION", 14713n, undefined, 14713n, 0],
    ];
    for (const [key, detail, date, wantDetail, wantDate] of cases) {
      const sent = await clerk.record(caseRef, key, detail, date);
      const receipt = await sent.tx.wait();
      const events = eventsNamed(ledger, receipt!, "StepRecorded");
      expect(events, key).to.have.length(1);
      const [ref, packed, commitment] = events[0].args;
      expect(ref).to.equal(caseRef);
      expect(commitment).to.equal(sent.step.commitment);
      expect(unpackStep(packed)).to.deep.equal({ eventId: sent.eventId, step: code(key), detail: wantDetail, businessDate: wantDate });
      // the case reference is an indexed topic: the partner agency can filter by case
      const log = receipt!.logs.find((l) => l.topics[0] === ledger.interface.getEvent("StepRecorded").topicHash)!;
      expect(log.topics[1]).to.equal(caseRef);
    }
  });

  it("a negative procedure in target order raises no alert and no stop, and sets the expected flags", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("negative-in-order");
    const keys: (string | [string, bigint])[] = [
      ...NEGATIVE_SERVED, "DECISION_FINAL", "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED", "REPATRIATION_COMPLETED",
    ];
    for (const k of keys) {
      const sent = typeof k === "string" ? await clerk.record(caseRef, k) : await clerk.record(caseRef, k[0], k[1]);
      await expect(sent.tx).to.emit(ledger, "StepRecorded");
      await expect(sent.tx).not.to.emit(ledger, "OutOfOrder");
      await expect(sent.tx).not.to.emit(ledger, "StopChanged");
      await expect(sent.tx).not.to.emit(ledger, "StopIgnored");
      await expect(sent.tx).not.to.emit(ledger, "AllocationDue");
    }
    expect(await clerk.flags(caseRef)).to.equal(
      FLAG.REGISTERED | FLAG.FILED | FLAG.HEARING_SCHEDULED | FLAG.HEARING_HELD | FLAG.DECIDED | FLAG.NEGATIVE |
        FLAG.SERVED | FLAG.FINAL | FLAG.DEPARTURE_OBLIGATION | FLAG.DEPARTED,
    );
    expect(await ledger.openStops(caseRef)).to.equal(0);
    expect((await ledger.caseHead(caseRef))[1]).to.equal(BigInt(keys.length));
  });

  it("a positive procedure in target order: allocation, transfer, no alert", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("positive-in-order");
    for (const k of [...POSITIVE_SERVED, "DECISION_FINAL", ["MUNICIPAL_ALLOCATION", DRESDEN], "TRANSFERRED_TO_MUNICIPALITY"] as (string | [string, bigint])[]) {
      const sent = typeof k === "string" ? await clerk.record(caseRef, k) : await clerk.record(caseRef, k[0], k[1]);
      await expect(sent.tx).not.to.emit(ledger, "OutOfOrder");
    }
    expect(await clerk.flags(caseRef)).to.equal(
      FLAG.REGISTERED | FLAG.FILED | FLAG.HEARING_SCHEDULED | FLAG.HEARING_HELD | FLAG.DECIDED | FLAG.POSITIVE |
        FLAG.SERVED | FLAG.FINAL | FLAG.ALLOCATED | FLAG.TRANSFERRED,
    );
  });

  it("appeal and follow-up paths in target order raise no alert", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("appeal-in-order");
    await clerk.play(caseRef, ...NEGATIVE_SERVED);
    for (const [k, d] of [
      ["APPEAL_FILED", SUSPENSIVE], ["APPEAL_DECIDED", UPHELD], ["DECISION_FINAL", undefined],
      ["FOLLOW_UP_APPLICATION_FILED", undefined], ["FOLLOW_UP_DECIDED", NO_NEW_PROCEDURE],
      ["DEPARTURE_OBLIGATION", undefined], ["VOLUNTARY_DEPARTURE", undefined],
    ] as [string, bigint | undefined][]) {
      const sent = await clerk.record(caseRef, k, d);
      await expect(sent.tx, k).not.to.emit(ledger, "OutOfOrder");
    }
    const flags = await clerk.flags(caseRef);
    expect(flags & (FLAG.APPEAL_PENDING | FLAG.SUSPENSIVE_APPEAL | FLAG.FOLLOW_UP_PENDING)).to.equal(0);
    expect(flags & (FLAG.NEGATIVE | FLAG.FINAL | FLAG.DEPARTED)).to.equal(FLAG.NEGATIVE | FLAG.FINAL | FLAG.DEPARTED);
  });

  it("APPEAL_FILED sets APPEAL_PENDING, and SUSPENSIVE_APPEAL only when suspensive", async function () {
    const { clerk } = await setUp();
    const a = caseRefOf("appeal-kinds-a");
    const b = caseRefOf("appeal-kinds-b");
    await clerk.play(a, ...NEGATIVE_SERVED, ["APPEAL_FILED", SUSPENSIVE]);
    await clerk.play(b, ...NEGATIVE_SERVED, ["APPEAL_FILED", 2n]);
    expect((await clerk.flags(a)) & (FLAG.APPEAL_PENDING | FLAG.SUSPENSIVE_APPEAL)).to.equal(FLAG.APPEAL_PENDING | FLAG.SUSPENSIVE_APPEAL);
    expect((await clerk.flags(b)) & (FLAG.APPEAL_PENDING | FLAG.SUSPENSIVE_APPEAL)).to.equal(FLAG.APPEAL_PENDING);
  });

  it("a quashed decision and a newly opened procedure remove the decision in force", async function () {
    const { clerk } = await setUp();
    const decision = FLAG.DECIDED | FLAG.NEGATIVE | FLAG.SERVED;
    const quashed = caseRefOf("quashed");
    await clerk.play(quashed, ...NEGATIVE_SERVED, ["APPEAL_FILED", SUSPENSIVE], ["APPEAL_DECIDED", QUASHED]);
    expect((await clerk.flags(quashed)) & (decision | FLAG.APPEAL_PENDING | FLAG.SUSPENSIVE_APPEAL)).to.equal(0);
    const upheld = caseRefOf("upheld");
    await clerk.play(upheld, ...NEGATIVE_SERVED, ["APPEAL_FILED", SUSPENSIVE], ["APPEAL_DECIDED", UPHELD]);
    expect((await clerk.flags(upheld)) & (decision | FLAG.APPEAL_PENDING | FLAG.SUSPENSIVE_APPEAL)).to.equal(decision);

    const reopened = caseRefOf("reopened");
    await clerk.play(reopened, ...NEGATIVE_SERVED, "DECISION_FINAL", "FOLLOW_UP_APPLICATION_FILED", ["FOLLOW_UP_DECIDED", NEW_PROCEDURE]);
    expect((await clerk.flags(reopened)) & (decision | FLAG.FINAL | FLAG.FOLLOW_UP_PENDING)).to.equal(0);
    const notReopened = caseRefOf("not-reopened");
    await clerk.play(notReopened, ...NEGATIVE_SERVED, "DECISION_FINAL", "FOLLOW_UP_APPLICATION_FILED", ["FOLLOW_UP_DECIDED", NO_NEW_PROCEDURE]);
    expect((await clerk.flags(notReopened)) & (decision | FLAG.FINAL | FLAG.FOLLOW_UP_PENDING)).to.equal(decision | FLAG.FINAL);
  });

  it("a new decision replaces the earlier one (positive after negative)", async function () {
    const { clerk } = await setUp();
    const caseRef = caseRefOf("new-decision");
    await clerk.play(caseRef, ...NEGATIVE_SERVED, "DECISION_FINAL", ["DECISION_ISSUED", OUTCOME.REFUGEE_PROTECTION]);
    const flags = await clerk.flags(caseRef);
    expect(flags & (FLAG.DECIDED | FLAG.POSITIVE | FLAG.NEGATIVE | FLAG.SERVED | FLAG.FINAL)).to.equal(FLAG.DECIDED | FLAG.POSITIVE);
  });
});

describe("rules: alerts (OutOfOrder)", function () {
  it("HEARING_HELD before APPLICATION_FILED is accepted and alerts that FILED and HEARING_SCHEDULED are missing", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("hearing-first");
    await clerk.record(caseRef, "REGISTERED");
    const sent = await clerk.record(caseRef, "HEARING_HELD");
    await expect(sent.tx)
      .to.emit(ledger, "OutOfOrder")
      .withArgs(caseRef, sent.eventId, code("HEARING_HELD"), FLAG.FILED | FLAG.HEARING_SCHEDULED);
    await expect(sent.tx).to.emit(ledger, "StepRecorded");
    expect(await ledger.isRecorded(sent.eventId)).to.equal(true);
    expect(await clerk.flags(caseRef)).to.equal(FLAG.REGISTERED | FLAG.HEARING_HELD);

    // the late APPLICATION_FILED is accepted too; the missing flags shrink to what is still missing
    await expect((await clerk.record(caseRef, "APPLICATION_FILED")).tx).not.to.emit(ledger, "OutOfOrder");
    const other = caseRefOf("hearing-unscheduled");
    await clerk.play(other, "REGISTERED", "APPLICATION_FILED");
    const held = await clerk.record(other, "HEARING_HELD");
    await expect(held.tx).to.emit(ledger, "OutOfOrder").withArgs(other, held.eventId, code("HEARING_HELD"), FLAG.HEARING_SCHEDULED);
  });

  // Each step on a case that holds only REGISTERED (or nothing, for the steps that expect REGISTERED).
  const expected: [string, number, boolean][] = [
    ["APPLICATION_FILED", FLAG.REGISTERED, false],
    ["HEARING_SCHEDULED", FLAG.FILED, true],
    ["HEARING_HELD", FLAG.FILED | FLAG.HEARING_SCHEDULED, true],
    ["DECISION_ISSUED", FLAG.FILED | FLAG.HEARING_HELD, true],
    ["DECISION_SERVED", FLAG.DECIDED, true],
    ["APPEAL_FILED", FLAG.SERVED, true],
    ["APPEAL_DECIDED", FLAG.APPEAL_PENDING, true],
    ["DECISION_FINAL", FLAG.SERVED, true],
    ["FOLLOW_UP_APPLICATION_FILED", FLAG.FINAL, true],
    ["FOLLOW_UP_DECIDED", FLAG.FOLLOW_UP_PENDING, true],
    ["DEPARTURE_OBLIGATION", FLAG.NEGATIVE | FLAG.SERVED, true],
    ["REPATRIATION_SCHEDULED", FLAG.DEPARTURE_OBLIGATION, true],
    ["REPATRIATION_CANCELLED", FLAG.REPATRIATION_SCHEDULED, true],
    ["REPATRIATION_COMPLETED", FLAG.REPATRIATION_SCHEDULED, true],
    ["VOLUNTARY_DEPARTURE", FLAG.DEPARTURE_OBLIGATION, true],
    ["PROSPECTS_ASSESSED", FLAG.REGISTERED, false],
    ["MUNICIPAL_ALLOCATION", FLAG.ALLOCATION_DUE, true],
    ["TRANSFERRED_TO_MUNICIPALITY", FLAG.ALLOCATED, true],
  ];
  for (const [key, missing, registered] of expected) {
    it(`${key} out of order alerts with missing = ${missing}`, async function () {
      const { ledger, clerk } = await setUp();
      const caseRef = caseRefOf(`ooo-${key}`);
      if (registered) await clerk.record(caseRef, "REGISTERED");
      const sent = await clerk.record(caseRef, key);
      await expect(sent.tx).to.emit(ledger, "OutOfOrder").withArgs(caseRef, sent.eventId, code(key), missing);
      expect(await ledger.isRecorded(sent.eventId)).to.equal(true);
      expect((await ledger.caseHead(caseRef))[1]).to.equal(registered ? 2n : 1n);
    });
  }

  it("REGISTERED, CORRECTION and ERASED never alert", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("no-prereq");
    const reg = await clerk.record(caseRef, "REGISTERED");
    await expect(reg.tx).not.to.emit(ledger, "OutOfOrder");
    const corr = await clerk.record(caseRef, "CORRECTION", reg.eventId, undefined, "ZAB");
    await expect(corr.tx).not.to.emit(ledger, "OutOfOrder");
    const erased = await clerk.record(caseRefOf("no-prereq-2"), "ERASED", 1n, undefined, "BAMF");
    await expect(erased.tx).not.to.emit(ledger, "OutOfOrder");
    // a second REGISTERED (a re-registration) is not out of order either
    await expect((await clerk.record(caseRef, "REGISTERED")).tx).not.to.emit(ledger, "OutOfOrder");
  });

  it("in a batch each out-of-order step raises its own alert", async function () {
    const { ledger, bamf, clerk } = await setUp();
    const caseRef = caseRefOf("ooo-batch");
    const steps = [clerk.make(caseRef, "HEARING_HELD"), clerk.make(caseRef, "APPLICATION_FILED"), clerk.make(caseRef, "DECISION_SERVED")];
    const tx = ledger.connect(bamf).recordBatch(steps);
    const receipt = await (await tx).wait();
    const alerts = eventsNamed(ledger, receipt!, "OutOfOrder").map((e) => [e.args.step, e.args.missing]);
    expect(alerts).to.deep.equal([
      [BigInt(code("HEARING_HELD")), BigInt(FLAG.FILED | FLAG.HEARING_SCHEDULED)],
      [BigInt(code("APPLICATION_FILED")), BigInt(FLAG.REGISTERED)],
      [BigInt(code("DECISION_SERVED")), BigInt(FLAG.DECIDED)],
    ]);
  });

  it("good prospects before registration alert, and still make an allocation due", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("prospects-first");
    const sent = await clerk.record(caseRef, "PROSPECTS_ASSESSED", GOOD);
    await expect(sent.tx).to.emit(ledger, "OutOfOrder").withArgs(caseRef, sent.eventId, code("PROSPECTS_ASSESSED"), FLAG.REGISTERED);
    await expect(sent.tx).to.emit(ledger, "AllocationDue").withArgs(caseRef, sent.eventId);
  });
});
