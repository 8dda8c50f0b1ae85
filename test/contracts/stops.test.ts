// Repatriation stops: when they open, how they are resolved, StopIgnored, and the openStops()/caseState() views.
import { expect } from "chai";
import {
  FLAG, STOP, NEGATIVE_SERVED, POSITIVE_SERVED, OUTCOME, SUSPENSIVE, NON_SUSPENSIVE, UPHELD, QUASHED, NEW_PROCEDURE, NO_NEW_PROCEDURE,
  caseRefOf, setUp, type Clerk,
} from "./helpers";

/** A negative decision served and enforceable: ZAB may schedule without a stop. */
const ENFORCEABLE: (string | [string, bigint])[] = [...NEGATIVE_SERVED, "DECISION_FINAL", "DEPARTURE_OBLIGATION"];

async function expectStops(clerk: Clerk, caseRef: string, reasons: number) {
  expect(await clerk.ledger.openStops(caseRef)).to.equal(reasons);
  const [flags, stops] = await clerk.ledger.caseState(caseRef);
  expect(stops).to.equal(reasons);
  return Number(flags);
}

describe("stops: opening", function () {
  it("no stop for a case that has no scheduled repatriation", async function () {
    const { clerk } = await setUp();
    const caseRef = caseRefOf("unknown");
    expect(await clerk.ledger.caseState(caseRef)).to.deep.equal([0n, 0n]);
    await expectStops(clerk, caseRef, 0);
    // pending suspensive appeal and follow-up, positive decision: still no stop without a scheduled repatriation
    await clerk.play(caseRef, ...POSITIVE_SERVED, ["APPEAL_FILED", SUSPENSIVE], "FOLLOW_UP_APPLICATION_FILED");
    await expectStops(clerk, caseRef, 0);
  });

  it("REPATRIATION_SCHEDULED with no negative decision opens NO_NEGATIVE_DECISION", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("no-decision");
    await clerk.play(caseRef, "REGISTERED", "APPLICATION_FILED", "DEPARTURE_OBLIGATION");
    const sent = await clerk.record(caseRef, "REPATRIATION_SCHEDULED");
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, 0, STOP.NO_NEGATIVE_DECISION);
    await expect(sent.tx).to.emit(ledger, "StepRecorded"); // accepted nevertheless
    const flags = await expectStops(clerk, caseRef, STOP.NO_NEGATIVE_DECISION);
    expect(flags & FLAG.REPATRIATION_SCHEDULED).to.equal(FLAG.REPATRIATION_SCHEDULED);
  });

  it("REPATRIATION_SCHEDULED after a positive decision opens POSITIVE_DECISION", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("positive");
    await clerk.play(caseRef, ...POSITIVE_SERVED, "DEPARTURE_OBLIGATION");
    const sent = await clerk.record(caseRef, "REPATRIATION_SCHEDULED");
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, 0, STOP.POSITIVE_DECISION);
    await expectStops(clerk, caseRef, STOP.POSITIVE_DECISION);
  });

  it("REPATRIATION_SCHEDULED after a negative decision with nothing pending opens no stop", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("enforceable");
    await clerk.play(caseRef, ...ENFORCEABLE);
    const sent = await clerk.record(caseRef, "REPATRIATION_SCHEDULED");
    await expect(sent.tx).not.to.emit(ledger, "StopChanged");
    await expectStops(clerk, caseRef, 0);
    // a non-suspensive appeal pending does not stop it either
    const other = caseRefOf("enforceable-nonsuspensive");
    await clerk.play(other, ...NEGATIVE_SERVED, ["APPEAL_FILED", NON_SUSPENSIVE], "DEPARTURE_OBLIGATION");
    const s2 = await clerk.record(other, "REPATRIATION_SCHEDULED");
    await expect(s2.tx).not.to.emit(ledger, "StopChanged");
    await expectStops(clerk, other, 0);
  });

  it("REPATRIATION_SCHEDULED while a suspensive appeal is pending opens SUSPENSIVE_APPEAL", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("suspensive-pending");
    await clerk.play(caseRef, ...NEGATIVE_SERVED, ["APPEAL_FILED", SUSPENSIVE], "DEPARTURE_OBLIGATION");
    const sent = await clerk.record(caseRef, "REPATRIATION_SCHEDULED");
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, 0, STOP.SUSPENSIVE_APPEAL);
    await expectStops(clerk, caseRef, STOP.SUSPENSIVE_APPEAL);
  });

  it("REPATRIATION_SCHEDULED while a follow-up application is pending opens FOLLOW_UP_PENDING", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("follow-up-pending");
    await clerk.play(caseRef, ...ENFORCEABLE, "FOLLOW_UP_APPLICATION_FILED");
    const sent = await clerk.record(caseRef, "REPATRIATION_SCHEDULED");
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, 0, STOP.FOLLOW_UP_PENDING);
    await expectStops(clerk, caseRef, STOP.FOLLOW_UP_PENDING);
  });

  it("several reasons add up (positive decision + suspensive appeal + follow-up)", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("all-reasons");
    await clerk.play(caseRef, ...POSITIVE_SERVED, ["APPEAL_FILED", SUSPENSIVE], "FOLLOW_UP_APPLICATION_FILED");
    const sent = await clerk.record(caseRef, "REPATRIATION_SCHEDULED");
    const all = STOP.POSITIVE_DECISION | STOP.SUSPENSIVE_APPEAL | STOP.FOLLOW_UP_PENDING;
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, 0, all);
    await expectStops(clerk, caseRef, all);
  });

  it("a suspensive APPEAL_FILED while a repatriation is scheduled opens a stop; a non-suspensive one does not", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("appeal-after-scheduling");
    await clerk.play(caseRef, ...ENFORCEABLE, "REPATRIATION_SCHEDULED");
    const nonSuspensive = await clerk.record(caseRef, "APPEAL_FILED", NON_SUSPENSIVE);
    await expect(nonSuspensive.tx).not.to.emit(ledger, "StopChanged");
    await expectStops(clerk, caseRef, 0);
    const suspensive = await clerk.record(caseRef, "APPEAL_FILED", SUSPENSIVE);
    await expect(suspensive.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, suspensive.eventId, 0, STOP.SUSPENSIVE_APPEAL);
    await expectStops(clerk, caseRef, STOP.SUSPENSIVE_APPEAL);
  });

  it("FOLLOW_UP_APPLICATION_FILED while a repatriation is scheduled opens a stop", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("follow-up-after-scheduling");
    await clerk.play(caseRef, ...ENFORCEABLE, "REPATRIATION_SCHEDULED");
    const sent = await clerk.record(caseRef, "FOLLOW_UP_APPLICATION_FILED");
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, 0, STOP.FOLLOW_UP_PENDING);
    await expectStops(clerk, caseRef, STOP.FOLLOW_UP_PENDING);
  });

  it("a positive decision while a repatriation is scheduled turns the stop reason to POSITIVE_DECISION", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("positive-later");
    await clerk.play(caseRef, ...ENFORCEABLE, "REPATRIATION_SCHEDULED");
    const sent = await clerk.record(caseRef, "DECISION_ISSUED", OUTCOME.REFUGEE_PROTECTION);
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, 0, STOP.POSITIVE_DECISION);
  });

  it("re-scheduling (another planned date) does not raise the stop again", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("reschedule");
    await clerk.play(caseRef, "REGISTERED", "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED");
    const again = await clerk.record(caseRef, "REPATRIATION_SCHEDULED", undefined, 20270401);
    await expect(again.tx).not.to.emit(ledger, "StopChanged");
    await expectStops(clerk, caseRef, STOP.NO_NEGATIVE_DECISION);
  });
});

describe("stops: resolution", function () {
  it("REPATRIATION_CANCELLED resolves every open reason", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("cancel");
    await clerk.play(caseRef, ...POSITIVE_SERVED, ["APPEAL_FILED", SUSPENSIVE], "REPATRIATION_SCHEDULED");
    const open = STOP.POSITIVE_DECISION | STOP.SUSPENSIVE_APPEAL;
    await expectStops(clerk, caseRef, open);
    const sent = await clerk.record(caseRef, "REPATRIATION_CANCELLED");
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, open, 0);
    const flags = await expectStops(clerk, caseRef, 0);
    expect(flags & FLAG.REPATRIATION_SCHEDULED).to.equal(0);
    // the pending appeal is still pending; only the repatriation is off
    expect(flags & FLAG.SUSPENSIVE_APPEAL).to.equal(FLAG.SUSPENSIVE_APPEAL);
  });

  it("APPEAL_DECIDED (upheld) resolves SUSPENSIVE_APPEAL", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("appeal-upheld");
    await clerk.play(caseRef, ...NEGATIVE_SERVED, ["APPEAL_FILED", SUSPENSIVE], "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED");
    const sent = await clerk.record(caseRef, "APPEAL_DECIDED", UPHELD);
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, STOP.SUSPENSIVE_APPEAL, 0);
    await expectStops(clerk, caseRef, 0);
  });

  it("APPEAL_DECIDED (quashed) ends the appeal but leaves no negative decision: the stop reason changes", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("appeal-quashed");
    await clerk.play(caseRef, ...NEGATIVE_SERVED, ["APPEAL_FILED", SUSPENSIVE], "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED");
    const sent = await clerk.record(caseRef, "APPEAL_DECIDED", QUASHED);
    await expect(sent.tx)
      .to.emit(ledger, "StopChanged")
      .withArgs(caseRef, sent.eventId, STOP.SUSPENSIVE_APPEAL, STOP.NO_NEGATIVE_DECISION);
    await expectStops(clerk, caseRef, STOP.NO_NEGATIVE_DECISION);
  });

  it("FOLLOW_UP_DECIDED (no new procedure) resolves FOLLOW_UP_PENDING; a new procedure does not", async function () {
    const { ledger, clerk } = await setUp();
    const a = caseRefOf("follow-up-not-opened");
    await clerk.play(a, ...ENFORCEABLE, "REPATRIATION_SCHEDULED", "FOLLOW_UP_APPLICATION_FILED");
    const s1 = await clerk.record(a, "FOLLOW_UP_DECIDED", NO_NEW_PROCEDURE);
    await expect(s1.tx).to.emit(ledger, "StopChanged").withArgs(a, s1.eventId, STOP.FOLLOW_UP_PENDING, 0);
    await expectStops(clerk, a, 0);

    const b = caseRefOf("follow-up-opened");
    await clerk.play(b, ...ENFORCEABLE, "REPATRIATION_SCHEDULED", "FOLLOW_UP_APPLICATION_FILED");
    const s2 = await clerk.record(b, "FOLLOW_UP_DECIDED", NEW_PROCEDURE);
    await expect(s2.tx).to.emit(ledger, "StopChanged").withArgs(b, s2.eventId, STOP.FOLLOW_UP_PENDING, STOP.NO_NEGATIVE_DECISION);
    await expectStops(clerk, b, STOP.NO_NEGATIVE_DECISION);
  });

  it("a negative DECISION_ISSUED resolves NO_NEGATIVE_DECISION and POSITIVE_DECISION", async function () {
    const { ledger, clerk } = await setUp();
    const a = caseRefOf("late-negative");
    await clerk.play(a, "REGISTERED", "APPLICATION_FILED", "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED");
    await expectStops(clerk, a, STOP.NO_NEGATIVE_DECISION);
    const s1 = await clerk.record(a, "DECISION_ISSUED", OUTCOME.REJECTED_UNFOUNDED);
    await expect(s1.tx).to.emit(ledger, "StopChanged").withArgs(a, s1.eventId, STOP.NO_NEGATIVE_DECISION, 0);
    await expectStops(clerk, a, 0);

    const b = caseRefOf("positive-then-negative");
    await clerk.play(b, ...POSITIVE_SERVED, "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED");
    const s2 = await clerk.record(b, "DECISION_ISSUED", OUTCOME.REJECTED_UNFOUNDED);
    await expect(s2.tx).to.emit(ledger, "StopChanged").withArgs(b, s2.eventId, STOP.POSITIVE_DECISION, 0);
    await expectStops(clerk, b, 0);
  });

  it("resolving one of two reasons leaves the other open", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("partial");
    await clerk.play(caseRef, ...ENFORCEABLE, "REPATRIATION_SCHEDULED", ["APPEAL_FILED", SUSPENSIVE], "FOLLOW_UP_APPLICATION_FILED");
    const both = STOP.SUSPENSIVE_APPEAL | STOP.FOLLOW_UP_PENDING;
    await expectStops(clerk, caseRef, both);
    const sent = await clerk.record(caseRef, "APPEAL_DECIDED", UPHELD);
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, both, STOP.FOLLOW_UP_PENDING);
    await expectStops(clerk, caseRef, STOP.FOLLOW_UP_PENDING);
  });
});

describe("stops: REPATRIATION_COMPLETED while a stop is open", function () {
  it("raises StopIgnored with the open reasons (not StopChanged) and marks the case", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("ignored");
    await clerk.play(caseRef, ...ENFORCEABLE, "REPATRIATION_SCHEDULED", ["APPEAL_FILED", SUSPENSIVE]);
    const sent = await clerk.record(caseRef, "REPATRIATION_COMPLETED");
    await expect(sent.tx).to.emit(ledger, "StopIgnored").withArgs(caseRef, sent.eventId, STOP.SUSPENSIVE_APPEAL);
    await expect(sent.tx).not.to.emit(ledger, "StopChanged");
    await expect(sent.tx).to.emit(ledger, "StepRecorded"); // a fact: accepted
    const flags = await expectStops(clerk, caseRef, 0);
    expect(flags & (FLAG.STOP_IGNORED | FLAG.DEPARTED | FLAG.REPATRIATION_SCHEDULED)).to.equal(FLAG.STOP_IGNORED | FLAG.DEPARTED);
  });

  it("without an open stop REPATRIATION_COMPLETED raises no StopIgnored", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("completed-clean");
    await clerk.play(caseRef, ...ENFORCEABLE, "REPATRIATION_SCHEDULED");
    const sent = await clerk.record(caseRef, "REPATRIATION_COMPLETED");
    await expect(sent.tx).not.to.emit(ledger, "StopIgnored");
    await expect(sent.tx).not.to.emit(ledger, "StopChanged");
    expect((await clerk.flags(caseRef)) & FLAG.STOP_IGNORED).to.equal(0);
  });

  it("a second repatriation against an open stop on the same case is reported as StopIgnored again", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("ignored-twice");
    await clerk.play(caseRef, "REGISTERED", "APPLICATION_FILED", "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED");
    const first = await clerk.record(caseRef, "REPATRIATION_COMPLETED");
    await expect(first.tx).to.emit(ledger, "StopIgnored").withArgs(caseRef, first.eventId, STOP.NO_NEGATIVE_DECISION);
    // the person returns; a follow-up application is pending when the next repatriation is scheduled
    await clerk.play(caseRef, "FOLLOW_UP_APPLICATION_FILED", "REPATRIATION_SCHEDULED");
    await expectStops(clerk, caseRef, STOP.NO_NEGATIVE_DECISION | STOP.FOLLOW_UP_PENDING);
    const second = await clerk.record(caseRef, "REPATRIATION_COMPLETED");
    await expect(second.tx)
      .to.emit(ledger, "StopIgnored")
      .withArgs(caseRef, second.eventId, STOP.NO_NEGATIVE_DECISION | STOP.FOLLOW_UP_PENDING);
    await expect(second.tx).not.to.emit(ledger, "StopChanged");
  });

  it("VOLUNTARY_DEPARTURE ends a scheduled repatriation without StopIgnored", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("voluntary");
    await clerk.play(caseRef, ...POSITIVE_SERVED, "DEPARTURE_OBLIGATION", "REPATRIATION_SCHEDULED");
    const sent = await clerk.record(caseRef, "VOLUNTARY_DEPARTURE");
    await expect(sent.tx).not.to.emit(ledger, "StopIgnored");
    await expect(sent.tx).to.emit(ledger, "StopChanged").withArgs(caseRef, sent.eventId, STOP.POSITIVE_DECISION, 0);
    const flags = await expectStops(clerk, caseRef, 0);
    expect(flags & (FLAG.STOP_IGNORED | FLAG.DEPARTED)).to.equal(FLAG.DEPARTED);
  });
});
