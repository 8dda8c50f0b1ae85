// The QBFT seal checks handed to the seal-check process (services/audit/consensus/seal-check-worker.ts):
// run by run, in order, the same results and findings as checkSeals in the audit's own thread; the reading
// waits while too much is unchecked; and when the process dies mid-audit, the runs it did not answer are
// checked in the audit's thread, with the validator sets numbered on as the process had them.
import { expect } from "chai";
import { Wallet, id } from "ethers";
import { SealCheckQueue } from "../../services/audit/consensus/seal-check-worker";
import { checkSeals } from "../../services/audit/consensus/seal-checks";
import { sortValidators } from "../../services/shared/qbft/extra-data";
import type { Finding } from "../../services/audit/types";

const [A, B, C, D, E, X] = [0, 1, 2, 3, 4, 5].map((i) => new Wallet(id(`seal-check-queue-${i}`)));
const addr = (w: Wallet) => w.address.toLowerCase();
const FOUR = sortValidators([A, B, C, D].map(addr));
const FIVE = sortValidators([A, B, C, D, E].map(addr));

interface Block {
  number: number;
  sealHash: string;
  seals: string[];
  validators: string[];
}

const seal = (w: Wallet, digest: string) => {
  const sig = w.signingKey.sign(digest);
  return sig.r + sig.s.slice(2) + (sig.yParity === 1 ? "01" : "00");
};

/** Blocks 1..n: three of four seal; five validators from block 5; block 6 has a non-validator's seal, block 7 too few. */
function blocks(n: number): Block[] {
  return Array.from({ length: n }, (_, i) => {
    const number = i + 1;
    const sealHash = id(`block ${number}`);
    const validators = number >= 5 ? FIVE : FOUR;
    const sealers = number === 6 ? [A, B, X, C, D] : number === 7 ? [A, B] : number >= 5 ? [B, C, D, E] : [A, B, C];
    return { number, sealHash, seals: sealers.map((w) => seal(w, sealHash)), validators };
  });
}

/** What checkSeals says in the audit's own thread, block by block. */
function inThread(bs: Block[]): { checks: [number, number, number][]; findings: Finding[] } {
  const checks: [number, number, number][] = [];
  const findings: Finding[] = [];
  for (const b of bs) {
    const c = checkSeals(b.number, b.sealHash, b.seals, b.validators);
    checks.push([b.number, c.sealers.length, b.validators.length]);
    findings.push(...c.findings);
  }
  return { checks, findings };
}

describe("audit: QBFT seal checks in the seal-check process", () => {
  const bs = blocks(9);
  const expected = inThread(bs);

  it("come back in order with the same results and findings as in the audit's thread, the reading waiting for them", async () => {
    expect(expected.findings.map((f) => `${f.blockNumber}:${f.kind}`)).to.deep.equal(["6:qbft-seal-not-by-validator", "7:qbft-quorum-missing"]);
    const checks: [number, number, number][] = [];
    const q = new SealCheckQueue((n, s, v) => checks.push([n, s, v]), { runBlocks: 2, maxInFlightBytes: 1 });
    for (const b of bs) {
      q.add(b.number, b.sealHash, b.seals, b.validators);
      // at most one byte unchecked: each full run is answered before the next block goes in
      await q.room();
      expect(checks.length, `after block ${b.number}`).to.equal(b.number - (b.number % 2));
    }
    expect(q.pid, "a process checks them").to.be.a("number");
    await q.settle();
    expect(checks).to.deep.equal(expected.checks);
    expect(q.findings).to.deep.equal(expected.findings);
    expect(q.cpuSeconds).to.be.greaterThan(0);
  });

  it("are checked in the audit's thread where the process dies mid-audit, the validator sets numbered on", async () => {
    const checks: [number, number, number][] = [];
    const q = new SealCheckQueue((n, s, v) => checks.push([n, s, v]), { runBlocks: 2, maxInFlightBytes: 1 });
    // blocks 1-4 (the first set) through the process
    for (const b of bs.slice(0, 4)) {
      q.add(b.number, b.sealHash, b.seals, b.validators);
      await q.room();
    }
    expect(checks.map((c) => c[0])).to.deep.equal([1, 2, 3, 4]);
    const pid = q.pid!;
    process.kill(pid, "SIGKILL");
    // the rest (a new set from block 5, both findings) after it died
    for (const b of bs.slice(4)) q.add(b.number, b.sealHash, b.seals, b.validators);
    await q.settle();
    expect(checks).to.deep.equal(expected.checks);
    expect(q.findings).to.deep.equal(expected.findings);
    expect(q.cpuSeconds, "no report from a killed process").to.equal(0);
  });
});
