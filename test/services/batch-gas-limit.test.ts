// The gas limit of a batch (outbox/gas-limit.ts), on a real chain: the first batch is estimated, later ones
// get a limit from the gas a step took, proven by one eth_call with exactly that limit, and each lands
// with it; small batches are always estimated; a batch that would revert still fails as an estimate does.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { BatchGasLimit, withMargin } from "../../services/agency/outbox/gas-limit";
import type { ChainStep } from "../../services/agency/chain/adapter";
import { revertOf } from "../../services/agency/chain/rpc-errors";
import { eventIdOf, packStep } from "../../services/shared/ledger-codec";
import { startTestChain, type TestChain } from "../support/chain";
import { openTestAgency, waitFor, type TestAgency } from "../support/agency";

describe("the gas limit of a batch (outbox/gas-limit.ts)", function () {
  let chain: TestChain;
  let bamf: TestAgency;
  let seq = 1;
  const cases = Array.from({ length: 40 }, () => "0x" + randomBytes(32).toString("hex"));

  /** `n` HEARING_HELD steps of BAMF, one per case, with fresh event ids (or the given sequence numbers) */
  const batch = (n: number, seqs?: number[]): ChainStep[] =>
    Array.from({ length: n }, (_, i) => ({
      caseRef: cases[i % cases.length],
      packedStep: packStep({ eventId: eventIdOf(bamf.code, seqs ? seqs[i] : seq++), step: 2, detail: 0n, businessDate: 0 }),
      commitment: "0x" + randomBytes(32).toString("hex"),
    }));

  /** Sign and send with this limit; the receipt's status and gas used. */
  async function land(steps: ChainStep[], gasLimit: bigint): Promise<{ status: number; gasUsed: bigint }> {
    const nonce = await bamf.chain.transactionCount("pending");
    const signed = await bamf.chain.signBatch(steps, nonce, gasLimit);
    await bamf.chain.sendSigned(signed.raw);
    const receipt = await waitFor(() => bamf.chain.receipt(signed.hash).then((r) => r ?? undefined), "receipt");
    return { status: receipt.status, gasUsed: receipt.gasUsed };
  }

  before(async () => {
    chain = await startTestChain();
    bamf = await openTestAgency(chain, "BAMF");
  });

  after(async () => {
    await bamf?.close();
    await chain?.dispose();
  });

  it("estimates the first batch, limits the next by the gas a step took there, and both land within their limits", async () => {
    const limits = new BatchGasLimit(bamf.chain);
    const first = batch(40);
    const estimate = await bamf.chain.estimateBatchGas(first);
    const firstLimit = await limits.limitFor(first);
    expect(firstLimit).to.equal(withMargin(estimate, 40));
    expect(await land(first, firstLimit)).to.include({ status: 1 });

    // The same cases again (their second step): the limit comes from the first estimate, not a new one.
    const second = batch(30);
    const perStep = (estimate + 39n) / 40n;
    const secondLimit = await limits.limitFor(second);
    expect(secondLimit).to.equal(withMargin(perStep * 30n, 30));
    expect(secondLimit).to.not.equal(withMargin(await bamf.chain.estimateBatchGas(second), 30));
    const landed = await land(second, secondLimit);
    expect(landed.status).to.equal(1);
    expect(landed.gasUsed < secondLimit).to.equal(true);
  });

  it("estimates a small batch every time, as before", async () => {
    const limits = new BatchGasLimit(bamf.chain);
    await limits.limitFor(batch(25));
    const small = batch(3);
    expect(await limits.limitFor(small)).to.equal(withMargin(await bamf.chain.estimateBatchGas(small), 3));
  });

  it("a batch that would revert fails as its estimate does, naming the step, also after a limit was learned", async () => {
    const limits = new BatchGasLimit(bamf.chain);
    const firstLearned = seq;
    const learned = batch(25);
    expect(await land(learned, await limits.limitFor(learned))).to.include({ status: 1 });
    // the 21st step repeats an event id that the chain holds already
    const seqs = Array.from({ length: 25 }, () => seq++);
    seqs[20] = firstLearned + 3;
    const repeated = batch(25, seqs);
    const err = await limits.limitFor(repeated).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, "limitFor should throw").to.not.equal(undefined);
    expect(revertOf(err)).to.include({ name: "AlreadyRecorded", index: 20 });
  });
});
