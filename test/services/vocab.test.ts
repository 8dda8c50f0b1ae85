// The vocabulary (services/shared/vocab): browser-safe, one interpretation of every ledger event, the
// labels in German and English, stop reasons, rule flags, districts and dates.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CODE_LISTS,
  FLAG,
  agencyKeyOrCode,
  detailCodes,
  detailKey,
  detailText,
  detailView,
  districtName,
  findStepByKey,
  interpretLedgerEvent,
  isoDate,
  isoToYyyymmdd,
  openStopBits,
  ruleFlags,
  stepByCode,
  stepByKey,
  stepLabel,
  stepsFor,
  stopReasonKeys,
  stopReasonLabels,
  yyyymmddToIso,
  type LedgerEventFields,
} from "../../services/shared/vocab";

const NONE: LedgerEventFields = { name: "", stepCode: null, detail: null, businessDate: null, missingFlags: null, stopReasons: null, previousStopReasons: null, originalEventId: null };
const ev = (fields: Partial<LedgerEventFields>): LedgerEventFields => ({ ...NONE, ...fields });
const reason = (key: string) => CODE_LISTS.stopReasons.find((r) => r.key === key)!;
const NO_NEGATIVE = reason("NO_NEGATIVE_DECISION");
const SUSPENSIVE = reason("SUSPENSIVE_APPEAL_PENDING");
const label = ({ code, key, de, en }: { code: number; key: string; de: string; en: string }) => ({ code, key, de, en });

describe("vocabulary (services/shared/vocab)", () => {
  it("imports no Node module and not ethers: the web app bundles it", () => {
    const dir = join(__dirname, "..", "..", "services", "shared", "vocab");
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
    expect(files).to.include.members(["index.ts", "rule-events.ts", "codelists.ts"]);
    for (const f of files) {
      const imports = [...readFileSync(join(dir, f), "utf8").matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
      for (const i of imports) expect(i, `${f} imports ${i}`).to.match(/^\.\.?\//);
    }
  });

  describe("code lists", () => {
    it("finds steps by key and code, and the steps an agency may record", () => {
      const filed = stepByKey("APPLICATION_FILED");
      expect(stepByCode(filed.code)).to.equal(filed);
      expect(findStepByKey("NO_SUCH_STEP")).to.equal(undefined);
      expect(() => stepByKey("NO_SUCH_STEP")).to.throw("unknown step NO_SUCH_STEP");
      expect(stepsFor("CENTRAL_AUTHORITY").every((s) => s.types.includes("CENTRAL_AUTHORITY"))).to.equal(true);
      expect(stepsFor("CENTRAL_AUTHORITY").map((s) => s.key)).to.include("MUNICIPAL_ALLOCATION").and.not.include("APPLICATION_FILED");
      expect(stepsFor("DISTRICT_AUTHORITY").map((s) => s.key)).to.have.members(["ALLOCATION_RECEIVED", "ARRIVED_REGISTERED", "NOT_ARRIVED", "CORRECTION", "ERASED"]);
      expect(agencyKeyOrCode(1)).to.equal("BAMF");
      expect(agencyKeyOrCode(9)).to.equal("AGENCY_9");
    });

    it("labels a step, also one the lists do not know", () => {
      const s = stepByKey("HEARING_HELD");
      expect(stepLabel(s.code)).to.deep.equal({ code: s.code, key: s.key, phase: s.phase, types: s.types, de: s.de, en: s.en });
      expect(stepLabel(250)).to.deep.equal({ code: 250, key: "UNKNOWN_250", phase: 0, types: [], de: "Unbekannter Schritt 250", en: "Unknown step 250" });
    });
  });

  describe("details", () => {
    const decided = stepByKey("DECISION_ISSUED");
    const outcome = CODE_LISTS[decided.detail as "outcomes"][0];
    const allocation = stepByKey("MUNICIPAL_ALLOCATION");
    const correction = stepByKey("CORRECTION");

    it("shows a code-list entry, a district, a corrected event id, and none for 0", () => {
      expect(detailView(decided, String(outcome.code))).to.deep.equal({ value: String(outcome.code), key: outcome.key, de: outcome.de, en: outcome.en });
      expect(detailView(decided, "0")).to.equal(null);
      expect(detailView(decided, "999")).to.deep.equal({ value: "999" });
      expect(detailView(allocation, "14612")).to.deep.equal({ value: "14612", key: "14612", de: "Dresden, Stadt", en: "Dresden, Stadt" });
      expect(detailView(correction, "72057594037927937")).to.deep.equal({ value: "72057594037927937", de: "Berichtigt Ereignis", en: "Corrects event" });
      expect(detailView(undefined, "5")).to.deep.equal({ value: "5" });
    });

    it("names the detail in notification payloads: the code-list key, a district by its name", () => {
      expect(detailKey(decided, String(outcome.code))).to.equal(outcome.key);
      expect(detailKey(allocation, "14612")).to.equal("Dresden, Stadt");
      expect(detailKey(allocation, "1")).to.equal(undefined);
      expect(detailKey(correction, "72057594037927937")).to.equal(undefined);
      expect(detailKey(decided, "0")).to.equal(undefined);
    });

    it("writes the detail as one line in the chosen language", () => {
      const en = (c: { de: string; en: string }) => c.en;
      expect(detailText(decided, outcome.code, en)).to.equal(outcome.en);
      expect(detailText(allocation, "14612", en)).to.equal("Dresden, Stadt (14612)");
      expect(detailText(correction, "72057594037927937", en)).to.equal("72057594037927937");
      expect(detailText(decided, 0, en)).to.equal("");
      expect(detailText(decided, undefined, en)).to.equal("");
    });

    it("lists a step's detail codes, districts with the name twice", () => {
      expect(detailCodes("outcomes")).to.equal(CODE_LISTS.outcomes);
      expect(detailCodes("districts")[0]).to.deep.equal({ code: CODE_LISTS.distributionKey.districts[0].code, key: String(CODE_LISTS.distributionKey.districts[0].code), de: CODE_LISTS.distributionKey.districts[0].de, en: CODE_LISTS.distributionKey.districts[0].de });
      expect(detailCodes("eventId")).to.deep.equal([]);
      expect(detailCodes(null)).to.deep.equal([]);
      expect(detailCodes("stopReasons")).to.deep.equal([]);
      expect(districtName(14612)).to.equal("Dresden, Stadt");
      expect(districtName("123")).to.equal("123");
    });
  });

  it("decodes stop reasons and rule flags from their bit sets", () => {
    expect(stopReasonKeys(NO_NEGATIVE.code | SUSPENSIVE.code)).to.deep.equal(["NO_NEGATIVE_DECISION", "SUSPENSIVE_APPEAL_PENDING"]);
    expect(stopReasonLabels(SUSPENSIVE.code)).to.deep.equal([label(SUSPENSIVE)]);
    expect(stopReasonKeys(0)).to.deep.equal([]);
    expect(ruleFlags(FLAG.HEARING_SCHEDULED | FLAG.ALLOCATED)).to.deep.equal([
      { key: "HEARING_SCHEDULED", de: "Anhörungstermin", en: "hearing date" },
      { key: "ALLOCATED", de: "Zuweisung", en: "allocation" },
    ]);
    // flags no step's precondition asks for have no label
    expect(ruleFlags(FLAG.STOP_IGNORED)).to.deep.equal([]);
  });

  it("converts business dates", () => {
    expect(isoDate(20261127)).to.equal("2026-11-27");
    expect(isoDate(0)).to.equal(null);
    expect(isoDate(null)).to.equal(null);
    expect(yyyymmddToIso("20261127")).to.equal("2026-11-27");
    expect(yyyymmddToIso("soon")).to.equal("soon");
    expect(isoToYyyymmdd("2026-11-27")).to.equal(20261127);
    expect(() => isoToYyyymmdd("27.11.2026")).to.throw("not a date");
  });

  describe("what a ledger event means", () => {
    it("a recorded step: its labels, detail and business date", () => {
      const s = stepByKey("MUNICIPAL_ALLOCATION");
      const m = interpretLedgerEvent(ev({ name: "StepRecorded", stepCode: s.code, detail: "14612", businessDate: 20261127 }));
      expect(m).to.deep.equal({
        kind: "step",
        name: "StepRecorded",
        step: stepLabel(s.code),
        detail: { value: "14612", key: "14612", de: "Dresden, Stadt", en: "Dresden, Stadt" },
        businessDate: "2026-11-27",
        de: s.de,
        en: s.en,
      });
    });

    it("an alert: the step out of order and the flags it lacked", () => {
      const s = stepByKey("HEARING_HELD");
      const m = interpretLedgerEvent(ev({ name: "OutOfOrder", stepCode: s.code, missingFlags: FLAG.REGISTERED | FLAG.HEARING_SCHEDULED }));
      expect(m).to.deep.equal({
        kind: "alert",
        name: "OutOfOrder",
        step: stepLabel(s.code),
        missingBits: FLAG.REGISTERED | FLAG.HEARING_SCHEDULED,
        missing: ruleFlags(FLAG.REGISTERED | FLAG.HEARING_SCHEDULED),
        de: "Warnung: Schritt außer der Reihe, es fehlt: Registrierung, Anhörungstermin",
        en: "Alert: step out of order, missing: registration, hearing date",
      });
      expect(interpretLedgerEvent(ev({ name: "OutOfOrder" }))).to.include({ kind: "alert", step: null, missingBits: 0 });
    });

    it("a stop raised, changed and resolved", () => {
      const raised = interpretLedgerEvent(ev({ name: "StopChanged", previousStopReasons: 0, stopReasons: NO_NEGATIVE.code }));
      expect(raised).to.deep.equal({
        kind: "stop-raised",
        name: "StopChanged",
        reasonBits: NO_NEGATIVE.code,
        reasons: [label(NO_NEGATIVE)],
        previousReasonBits: 0,
        previousReasons: [],
        de: `Stopp: ${NO_NEGATIVE.de}`,
        en: `Stop: ${NO_NEGATIVE.en}`,
      });
      const changed = interpretLedgerEvent(ev({ name: "StopChanged", previousStopReasons: NO_NEGATIVE.code, stopReasons: NO_NEGATIVE.code | SUSPENSIVE.code }));
      expect(changed).to.include({ kind: "stop-changed", de: `Stopp: ${NO_NEGATIVE.de}, ${SUSPENSIVE.de}`, en: `Stop: ${NO_NEGATIVE.en}, ${SUSPENSIVE.en}` });
      const resolved = interpretLedgerEvent(ev({ name: "StopChanged", previousStopReasons: SUSPENSIVE.code, stopReasons: 0 }));
      expect(resolved).to.deep.equal({
        kind: "stop-resolved",
        name: "StopChanged",
        reasonBits: 0,
        reasons: [],
        previousReasonBits: SUSPENSIVE.code,
        previousReasons: [label(SUSPENSIVE)],
        de: "Stopp aufgehoben",
        en: "Stop resolved",
      });
    });

    it("a stop ignored, an allocation due, a correction, and any other event by its name", () => {
      expect(interpretLedgerEvent(ev({ name: "StopIgnored", stopReasons: SUSPENSIVE.code }))).to.deep.equal({
        kind: "stop-ignored",
        name: "StopIgnored",
        reasonBits: SUSPENSIVE.code,
        reasons: [label(SUSPENSIVE)],
        de: `Rückführung trotz offenem Stopp vollzogen: ${SUSPENSIVE.de}`,
        en: `Repatriation carried out despite an open stop: ${SUSPENSIVE.en}`,
      });
      expect(interpretLedgerEvent(ev({ name: "AllocationDue" }))).to.deep.equal({
        kind: "allocation-due",
        name: "AllocationDue",
        de: "Zuweisung an einen Kreis fällig",
        en: "Allocation to a district due",
      });
      expect(interpretLedgerEvent(ev({ name: "StepCorrected", originalEventId: "18446744073709551615" }))).to.deep.equal({
        kind: "correction",
        name: "StepCorrected",
        originalEventId: "18446744073709551615",
        de: "Berichtigung eines früheren Schritts",
        en: "Correction of an earlier step",
      });
      expect(interpretLedgerEvent(ev({ name: "CodeListChanged" }))).to.deep.equal({ kind: "other", name: "CodeListChanged", de: "CodeListChanged", en: "CodeListChanged" });
    });

    it("folds the open stops: the last StopChanged, none after a StopIgnored", () => {
      const changed = (stopReasons: number | null) => ({ name: "StopChanged", stopReasons });
      expect(openStopBits([])).to.equal(0);
      expect(openStopBits([changed(1), { name: "OutOfOrder", stopReasons: null }, changed(5)])).to.equal(5);
      expect(openStopBits([changed(4), changed(null)])).to.equal(4);
      expect(openStopBits([changed(4), { name: "StopIgnored", stopReasons: 4 }])).to.equal(0);
      expect(openStopBits([changed(4), { name: "StopIgnored", stopReasons: 4 }, changed(2)])).to.equal(2);
    });
  });
});
