// The per-case hash chain: caseHead() equals the chain recomputed off chain with nextHead() from ZERO_HEAD.
import { expect } from "chai";
import { ethers } from "hardhat";
import { nextHead, ZERO_HEAD } from "../../services/shared/ledger-codec";
import { OUTCOME, caseRefOf, setUp, type Step } from "./helpers";

function chain(steps: Step[], caseRef: string): string {
  return steps
    .filter((s) => s.caseRef === caseRef)
    .reduce((head, s) => nextHead(head, caseRef, BigInt(s.packedStep), s.commitment as string), ZERO_HEAD);
}

describe("hash chain", function () {
  it("an unknown case has the zero head and no steps", async function () {
    const { ledger } = await setUp();
    expect(await ledger.caseHead(caseRefOf("nothing"))).to.deep.equal([ZERO_HEAD, 0n]);
  });

  it("after each step the head equals the recomputed chain and stepCount counts the steps", async function () {
    const { ledger, clerk } = await setUp();
    const caseRef = caseRefOf("chain");
    const sent: Step[] = [];
    const heads = new Set<string>([ZERO_HEAD]);
    for (const [key, detail] of [
      ["REGISTERED", undefined], ["APPLICATION_FILED", undefined], ["HEARING_SCHEDULED", undefined],
      ["HEARING_HELD", undefined], ["DECISION_ISSUED", OUTCOME.REJECTED_UNFOUNDED], ["DECISION_SERVED", undefined],
      ["DEPARTURE_OBLIGATION", undefined], ["REPATRIATION_SCHEDULED", undefined],
    ] as [string, bigint | undefined][]) {
      const s = await clerk.record(caseRef, key, detail);
      sent.push(s.step);
      const [head, count] = await ledger.caseHead(caseRef);
      expect(head).to.equal(chain(sent, caseRef));
      expect(count).to.equal(BigInt(sent.length));
      expect(heads.has(head), "every step moves the head").to.equal(false);
      heads.add(head);
    }
  });

  it("batches and interleaved cases chain per case, in order", async function () {
    const { ledger, bamf, zab, clerk } = await setUp();
    const a = caseRefOf("chain-a");
    const b = caseRefOf("chain-b");
    const all: Step[] = [];
    const zabBatch = [clerk.make(a, "REGISTERED"), clerk.make(b, "REGISTERED")];
    await ledger.connect(zab).recordBatch(zabBatch);
    all.push(...zabBatch);
    const bamfBatch = [clerk.make(b, "APPLICATION_FILED"), clerk.make(a, "APPLICATION_FILED"), clerk.make(a, "HEARING_SCHEDULED", undefined, 20270202)];
    await ledger.connect(bamf).recordBatch(bamfBatch);
    all.push(...bamfBatch);
    const last = await clerk.record(b, "ERASED", 1n, undefined, "ZAB");
    all.push(last.step);

    expect(await ledger.caseHead(a)).to.deep.equal([chain(all, a), 3n]);
    expect(await ledger.caseHead(b)).to.deep.equal([chain(all, b), 3n]);
  });

  it("the head commits to the commitment: the same step with another commitment gives another head", async function () {
    const { ledger, clerk } = await setUp();
    const a = caseRefOf("commit-a");
    const stepA = clerk.make(a, "REGISTERED");
    await ledger.connect(clerk.f.zab).record(stepA);
    const [head] = await ledger.caseHead(a);
    const tampered = nextHead(ZERO_HEAD, a, BigInt(stepA.packedStep), ethers.keccak256(ethers.toUtf8Bytes("other data")));
    expect(head).to.equal(nextHead(ZERO_HEAD, a, BigInt(stepA.packedStep), stepA.commitment as string));
    expect(head).not.to.equal(tampered);
  });
});
