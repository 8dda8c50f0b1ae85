// The TypeScript port of the process rules (services/audit/rules.ts): fixed vectors, and equivalence with
// the contract: random step sequences recorded on a throwaway anvil raise exactly the events, and leave
// exactly the case flags, that the port predicts.
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { applyStep, openStops, prerequisites, rejectionOf, transition, noticeKey, FLAG as F, STEP as S, STOP_REASON, TypeRightsTable, type Notice } from "../../services/audit/rules";
import { CODE_LIST_VERSIONS, typeRightsOf } from "../../services/shared/codelists";
import { LEDGER_INTERFACE } from "../../services/audit/events";
import { startTestChain, type TestChain } from "../support/chain";
import { LedgerWriter, type PlannedStep } from "./support/writer";

/** Replays steps of one case through the port; returns the notices as strings and the final flags. */
function play(steps: [number, number?, number?][], agencyOf = (s: number) => (s === S.REGISTERED || (s >= 12 && s <= 16) || s === 18 || s === 19 ? 2 : s >= 22 ? 3 : 1)): { notices: string[]; flags: number } {
  let flags = 0;
  const notices: string[] = [];
  const recorded = new Set<bigint>();
  steps.forEach(([step, detail = 0], i) => {
    const agency = steps[i][2] ?? agencyOf(step);
    const id = (BigInt(agency) << 56n) | BigInt(i + 1);
    const out = applyStep(flags, step, detail, { eventId: id, detail: BigInt(detail) }, (x) => recorded.has(x));
    recorded.add(id);
    flags = out.next;
    notices.push(...out.notices.map((n) => noticeKey(n).replace(/\(\d+,?/, "(")));
  });
  return { notices, flags };
}

describe("rules port: fixed vectors", () => {
  it("has the contract's prerequisites", () => {
    expect(prerequisites(S.REGISTERED)).to.equal(0);
    expect(prerequisites(S.HEARING_HELD)).to.equal(F.FILED | F.HEARING_SCHEDULED);
    expect(prerequisites(S.DEPARTURE_OBLIGATION)).to.equal(F.NEGATIVE | F.SERVED);
    expect(prerequisites(S.MUNICIPAL_ALLOCATION)).to.equal(F.ALLOCATION_DUE);
    expect(prerequisites(S.CORRECTION)).to.equal(0);
    expect(prerequisites(S.ERASED)).to.equal(0);
    expect(prerequisites(S.ERASED + 16)).to.equal(prerequisites(S.ERASED)); // the contract's 16-entry tables
    expect(prerequisites(S.ARRIVED_REGISTERED)).to.equal(F.ALLOCATED);
    expect(prerequisites(S.ARRIVED_REGISTERED + 16), "codes from 32 on have none").to.equal(0);
  });

  it("raises an alert for a step before its prerequisites, and nothing on the target path", () => {
    expect(play([[S.REGISTERED], [S.HEARING_HELD]]).notices).to.deep.equal([`OutOfOrder(${S.HEARING_HELD},${F.FILED | F.HEARING_SCHEDULED})`]);
    const path = play([[S.REGISTERED], [S.APPLICATION_FILED], [S.HEARING_SCHEDULED], [S.HEARING_HELD], [S.DECISION_ISSUED, 5], [S.DECISION_SERVED], [S.DECISION_FINAL], [S.DEPARTURE_OBLIGATION], [S.REPATRIATION_SCHEDULED], [S.REPATRIATION_COMPLETED]]);
    expect(path.notices).to.deep.equal([]);
    expect(path.flags & F.DEPARTED).to.equal(F.DEPARTED);
  });

  it("opens, changes and resolves repatriation stops, and reports an ignored one", () => {
    expect(play([[S.REGISTERED], [S.DEPARTURE_OBLIGATION], [S.REPATRIATION_SCHEDULED]]).notices).to.deep.equal([
      `OutOfOrder(${S.DEPARTURE_OBLIGATION},${F.NEGATIVE | F.SERVED})`,
      `StopChanged(0,${STOP_REASON.NO_NEGATIVE_DECISION})`,
    ]);
    const enforceable: [number, number?][] = [[S.REGISTERED], [S.APPLICATION_FILED], [S.HEARING_SCHEDULED], [S.HEARING_HELD], [S.DECISION_ISSUED, 6], [S.DECISION_SERVED], [S.DECISION_FINAL], [S.DEPARTURE_OBLIGATION], [S.REPATRIATION_SCHEDULED]];
    expect(play([...enforceable, [S.FOLLOW_UP_APPLICATION_FILED], [S.FOLLOW_UP_DECIDED, 2]]).notices).to.deep.equal([`StopChanged(0,${STOP_REASON.FOLLOW_UP_PENDING})`, `StopChanged(${STOP_REASON.FOLLOW_UP_PENDING},0)`]);
    expect(play([...enforceable, [S.APPEAL_FILED, 1], [S.REPATRIATION_COMPLETED]]).notices).to.deep.equal([`StopChanged(0,${STOP_REASON.SUSPENSIVE_APPEAL})`, `StopIgnored(${STOP_REASON.SUSPENSIVE_APPEAL})`]);
    // a non-suspensive appeal opens no stop
    expect(play([...enforceable, [S.APPEAL_FILED, 2]]).notices).to.deep.equal([]);
    // quashed: the decision no longer stands, the scheduled repatriation now lacks a negative decision
    expect(play([...enforceable, [S.APPEAL_FILED, 2], [S.APPEAL_DECIDED, 2]]).notices).to.deep.equal([`StopChanged(0,${STOP_REASON.NO_NEGATIVE_DECISION})`]);
    expect(openStops(F.REPATRIATION_SCHEDULED | F.POSITIVE | F.FOLLOW_UP_PENDING)).to.equal(STOP_REASON.POSITIVE_DECISION | STOP_REASON.FOLLOW_UP_PENDING);
  });

  it("makes an allocation due once, after a positive decision or good prospects", () => {
    expect(play([[S.REGISTERED], [S.PROSPECTS_ASSESSED, 1], [S.PROSPECTS_ASSESSED, 1], [S.MUNICIPAL_ALLOCATION, 14612], [S.PROSPECTS_ASSESSED, 1]]).notices).to.deep.equal(["AllocationDue()"]);
    expect(play([[S.REGISTERED], [S.PROSPECTS_ASSESSED, 2]]).notices).to.deep.equal([]);
    expect(transition(0, S.DECISION_ISSUED, 4)).to.equal(F.DECIDED | F.POSITIVE | F.ALLOCATION_DUE);
    expect(transition(0, S.DECISION_ISSUED, 8)).to.equal(F.DECIDED | F.NEGATIVE); // discontinued counts as no protection
  });

  it("checks corrections like the contract: own, recorded, not itself", () => {
    const id = (a: number, n: number) => (BigInt(a) << 56n) | BigInt(n);
    const recorded = new Set([id(1, 1)]);
    const run = (detail: bigint, self = id(1, 2)) => applyStep(0, S.CORRECTION, Number(detail), { eventId: self, detail }, (x) => recorded.has(x));
    expect(run(id(1, 1)).notices.map((n: Notice) => n.name)).to.deep.equal(["StepCorrected"]);
    expect(run(id(2, 1)).rejection).to.match(/NotOriginalRecorder/);
    expect(run(id(1, 5)).rejection).to.match(/UnknownOriginal/);
    expect(run(id(1, 2)).rejection).to.match(/UnknownOriginal/);
  });

  it("rejects what the contract rejects, under the type rights of the code lists", () => {
    const caseRef = "0x" + "11".repeat(32);
    const rights = TypeRightsTable.of(typeRightsOf());
    const bamf = { agency: 1, agencyType: 1, scope: 14 };
    const zab = { agency: 2, agencyType: 2, scope: 14 };
    expect(rejectionOf(rights, bamf, S.REGISTERED, 0, 0, caseRef)).to.match(/StepNotPermitted/);
    expect(rejectionOf(rights, bamf, 0, 0, 0, caseRef)).to.match(/UnknownStep/);
    expect(rejectionOf(rights, zab, 25, 0, 0, caseRef)).to.match(/UnknownStep/);
    expect(rejectionOf(rights, zab, S.ARRIVED_REGISTERED, 0, 0, caseRef)).to.match(/StepNotPermitted/);
    expect(rejectionOf(rights, bamf, S.DECISION_ISSUED, 9, 0, caseRef)).to.match(/InvalidDetail/);
    expect(rejectionOf(rights, bamf, S.APPLICATION_FILED, 0, 20270101, caseRef)).to.match(/InvalidDetail|InvalidBusinessDate/);
    expect(rejectionOf(rights, bamf, S.HEARING_SCHEDULED, 0, 20271301, caseRef)).to.match(/InvalidBusinessDate/);
    expect(rejectionOf(rights, zab, S.MUNICIPAL_ALLOCATION, 17000, 0, caseRef)).to.match(/InvalidDetail/);
    expect(rejectionOf(rights, zab, S.MUNICIPAL_ALLOCATION, 1000, 0, caseRef)).to.match(/InvalidDetail/);
    expect(rejectionOf(rights, zab, S.MUNICIPAL_ALLOCATION, 9162, 0, caseRef), "any German district, not only Saxony's").to.equal(undefined);
    expect(rejectionOf(rights, zab, S.MUNICIPAL_ALLOCATION, 14612, 0, "0x" + "0".repeat(64))).to.equal("EmptyCaseRef");
    expect(rejectionOf(rights, bamf, S.CORRECTION, 2 ** 60, 0, caseRef)).to.equal(undefined);
    expect(rejectionOf(rights, bamf, S.APPLICATION_FILED, 0, 0, caseRef, true)).to.match(/MalformedStep/);
  });

  it("lets a district authority write only for cases allocated to its district", () => {
    const caseRef = "0x" + "11".repeat(32);
    const rights = TypeRightsTable.of(typeRightsOf());
    const bautzen = { agency: 3, agencyType: 3, scope: 14625 };
    expect(rejectionOf(rights, bautzen, S.ARRIVED_REGISTERED, 0, 0, caseRef, false, 14625)).to.equal(undefined);
    expect(rejectionOf(rights, bautzen, S.ARRIVED_REGISTERED, 0, 0, caseRef, false, 14612)).to.match(/NotAllocatedToDistrict/);
    expect(rejectionOf(rights, bautzen, S.ARRIVED_REGISTERED, 0, 0, caseRef, false, 0)).to.match(/NotAllocatedToDistrict/);
    // its own records stay in its hands after a re-allocation elsewhere, as the contract has it
    expect(rejectionOf(rights, bautzen, S.ERASED, 1, 0, caseRef, false, 14612), "erasure of its own data").to.equal(undefined);
    expect(rejectionOf(rights, bautzen, S.CORRECTION, 3 * 2 ** 56 + 1, 0, caseRef, false, 14612), "correction of its own step").to.equal(undefined);
    expect(rejectionOf(rights, bautzen, S.DECISION_SERVED, 0, 0, caseRef, false, 14625)).to.match(/StepNotPermitted/);
  });

  it("takes the rights from the code-list version: 2026.1 knows no district authority and no arrival steps", () => {
    const caseRef = "0x" + "11".repeat(32);
    const old = TypeRightsTable.of(typeRightsOf(CODE_LIST_VERSIONS[0].lists));
    expect(old.types()).to.deep.equal([1, 2]);
    expect(rejectionOf(old, { agency: 3, agencyType: 3, scope: 14625 }, S.ARRIVED_REGISTERED, 0, 0, caseRef, false, 14625)).to.match(/UnknownStep/);
    expect(rejectionOf(old, { agency: 1, agencyType: 1, scope: 14 }, S.ERASED, 1, 0, caseRef)).to.equal(undefined);
    const table = new TypeRightsTable();
    table.set(7, (1n << 100n) | (1n << 2n), true);
    expect(table.get(7)).to.deep.equal({ steps: (1n << 100n) | (1n << 2n), allocationScoped: true });
    expect(table.mayRecord(7, 100) && table.mayRecord(7, 2) && !table.mayRecord(7, 3) && !table.mayRecord(1, 2)).to.equal(true);
  });

  it("tracks the district's part of an allocation: received, arrived, not arrived; a re-allocation starts over", () => {
    const allocated = [[S.REGISTERED], [S.PROSPECTS_ASSESSED, 1], [S.MUNICIPAL_ALLOCATION, 14625]] as [number, number?][];
    const arrived = play([...allocated, [S.ALLOCATION_RECEIVED], [S.NOT_ARRIVED], [S.ARRIVED_REGISTERED]]);
    expect(arrived.notices).to.deep.equal(["AllocationDue()"]);
    expect(arrived.flags & (F.ALLOCATION_RECEIVED | F.ARRIVED | F.NOT_ARRIVED)).to.equal(F.ALLOCATION_RECEIVED | F.ARRIVED);
    const again = play([...allocated, [S.ALLOCATION_RECEIVED], [S.ARRIVED_REGISTERED], [S.MUNICIPAL_ALLOCATION, 14612]]);
    expect(again.flags & (F.ALLOCATION_RECEIVED | F.ARRIVED | F.NOT_ARRIVED | F.ALLOCATED)).to.equal(F.ALLOCATED);
    // before any allocation: an alert (the prerequisite ALLOCATED is missing)
    expect(play([[S.REGISTERED], [S.ARRIVED_REGISTERED]]).notices).to.deep.equal([`OutOfOrder(${S.ARRIVED_REGISTERED},${F.ALLOCATED})`]);
    expect(transition(F.ALLOCATED, S.ERASED, 1), "erasure is per member, outside the flags").to.equal(F.ALLOCATED);
  });
});

// ---- equivalence with the contract ---------------------------------------------------------------
/** mulberry32: a small seeded PRNG, so that a failing sequence can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BAMF_ONLY = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 17];
const ZAB_ONLY = [1, 12, 13, 14, 15, 16, 18, 19];

/** The demo district authority's district: agency 3 writes only for cases allocated there. */
const BAUTZEN = 14625;

/**
 * A random step with a valid detail and date for its agency (the contract accepts every one of them); the
 * district authority (agency 3) only on a case currently allocated to its district.
 */
function randomStep(rand: () => number, caseRef: string, recordedBy: Map<number, bigint[]>, allocatedTo = 0): PlannedStep {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const x = rand();
  let agency: number;
  let step: number;
  if (allocatedTo === BAUTZEN && rand() < 0.4) [agency, step] = rand() < 0.1 ? [3, pick([S.CORRECTION, S.ERASED])] : [3, pick([S.ALLOCATION_RECEIVED, S.ARRIVED_REGISTERED, S.NOT_ARRIVED])];
  else if (x < 0.06) [agency, step] = [pick([1, 2]), S.CORRECTION];
  else if (x < 0.09) [agency, step] = [pick([1, 2]), S.ERASED];
  else if (x < 0.55) [agency, step] = [1, pick(BAMF_ONLY)];
  else [agency, step] = [2, pick(ZAB_ONLY)];
  let detail = 0n;
  let businessDate = 0;
  if (step === S.DECISION_ISSUED) detail = BigInt(1 + Math.floor(rand() * 8));
  else if (([S.APPEAL_FILED, S.APPEAL_DECIDED, S.FOLLOW_UP_DECIDED, S.PROSPECTS_ASSESSED] as number[]).includes(step)) detail = BigInt(1 + Math.floor(rand() * 2));
  else if (step === S.REPATRIATION_CANCELLED || step === S.ERASED) detail = BigInt(Math.floor(rand() * 4));
  else if (step === S.MUNICIPAL_ALLOCATION) detail = BigInt(pick([14511, 14612, BAUTZEN, BAUTZEN, 9162]));
  else if (step === S.HEARING_SCHEDULED || step === S.REPATRIATION_SCHEDULED) businessDate = 20270101 + Math.floor(rand() * 12) * 100 + Math.floor(rand() * 28);
  if (step === S.CORRECTION) {
    const own = recordedBy.get(agency) ?? [];
    if (own.length === 0) return randomStep(rand, caseRef, recordedBy, allocatedTo);
    detail = pick(own);
  }
  return { agency, caseRef, step, detail, businessDate };
}

describe("rules port: equivalence with the contract (throwaway anvil)", function () {
  let chain: TestChain;
  before(async () => {
    chain = await startTestChain({ districtAgency: true });
  });
  after(async () => {
    await chain?.dispose();
  });

  for (const seed of [1, 2, 3]) {
    it(`random step sequences raise the same events and leave the same flags (seed ${seed})`, async () => {
      const rand = rng(seed * 7919);
      const w = new LedgerWriter(chain.provider, chain.deployment.contracts.ProcedureLedger.address, { 1: chain.wallets.BAMF.connect(chain.provider), 2: chain.wallets.ZAB.connect(chain.provider), 3: chain.wallets["ABH-14625"]!.connect(chain.provider) });
      const cases = Array.from({ length: 30 }, (_, i) => keccak256(toUtf8Bytes(`equivalence-${seed}-${i}`)));
      // Interleave the cases' steps at random; consecutive steps of one agency go in one batch.
      const planned: PlannedStep[] = [];
      const recordedBy = new Map<number, bigint[]>();
      const nextSeq = new Map<number, number>();
      const allocation = new Map<string, number>();
      for (let k = 0; k < 400; k++) {
        const caseRef = cases[Math.floor(rand() * cases.length)];
        const p = randomStep(rand, caseRef, recordedBy, allocation.get(caseRef));
        if (p.step === S.MUNICIPAL_ALLOCATION) allocation.set(caseRef, Number(p.detail));
        const seq = (nextSeq.get(p.agency) ?? 1) + (seed - 1) * 1000; // distinct ids per seed on the shared chain
        nextSeq.set(p.agency, (nextSeq.get(p.agency) ?? 1) + 1);
        p.sequence = seq;
        planned.push(p);
        recordedBy.set(p.agency, [...(recordedBy.get(p.agency) ?? []), (BigInt(p.agency) << 56n) | BigInt(seq)]);
      }
      const batches: PlannedStep[][] = [];
      for (const p of planned) {
        const last = batches[batches.length - 1];
        if (last && last[0].agency === p.agency && last.length < 1 + Math.floor(rand() * 25)) last.push(p);
        else batches.push([p]);
      }
      const from = Number(await chain.provider.send("eth_blockNumber", [])) + 1;
      for (const b of batches) await w.record(b);
      const to = Number(await chain.provider.send("eth_blockNumber", []));

      // What the contract raised, decoded with ethers' own ABI decoder.
      const logs = await chain.provider.send("eth_getLogs", [{ address: chain.deployment.contracts.ProcedureLedger.address, fromBlock: "0x" + from.toString(16), toBlock: "0x" + to.toString(16) }]);
      const actual: string[] = [];
      for (const log of logs) {
        const parsed = LEDGER_INTERFACE.parseLog(log)!;
        if (parsed.name === "StepRecorded") continue;
        actual.push(`${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(",")})`);
      }

      // What the port predicts, replaying the same steps in the same order.
      const flags = new Map<string, number>();
      const recorded = new Set<bigint>();
      const expected: string[] = [];
      for (const p of planned) {
        const id = (BigInt(p.agency) << 56n) | BigInt(p.sequence!);
        const step = p.step as number;
        const detail = BigInt(p.detail ?? 0);
        const out = applyStep(flags.get(p.caseRef) ?? 0, step, Number(detail), { eventId: id, detail }, (x) => recorded.has(x));
        recorded.add(id);
        flags.set(p.caseRef, out.next);
        expect(out.rejection, `the port rejects a step the contract accepted (seed ${seed})`).to.equal(undefined);
        for (const n of out.notices) {
          const args = Object.entries(n).filter(([k]) => k !== "name").map(([, v]) => String(v));
          expected.push(`${n.name}(${p.caseRef},${args.join(",")})`);
        }
      }
      expect(actual, `rule events (seed ${seed})`).to.deep.equal(expected);
      expect(actual.length).to.be.greaterThan(20);
      expect(planned.filter((p) => p.agency === 3).length, "steps of the district authority").to.be.greaterThan(5);
      for (const caseRef of cases) {
        const [onChain] = await w.ledger.caseState(caseRef);
        expect(Number(onChain), `flags of ${caseRef} (seed ${seed})`).to.equal(flags.get(caseRef) ?? 0);
      }
    });
  }
});
