// The gas limit a batch is signed with. eth_estimateGas runs the batch several times on the node (a
// search for the least gas that suffices: on anvil about three times the time of one eth_call for 250
// steps, measured 2026-12-04), and the outbox asked it for every batch: under load the node spent much of
// its time on estimates. Here the gas a step needed in earlier estimates gives a limit for the next batch,
// and one eth_call with exactly that limit on the pending state proves that the batch runs within it (the
// guarantee an estimate gives, from one run); only when it does not, or nothing was learned yet, is the
// batch estimated. The margins are the writer's as before: batches ahead in flight may change the state
// the check saw (a rule event more).
import type { ChainAdapter, ChainStep } from "../chain/adapter";

/** Batches smaller than this are always estimated (the fixed cost of a transaction would skew the rate). */
const MIN_LEARNED_BATCH = 20;

/** The limit for a batch whose run on the pending state needed `gas`: with room for what changes before it lands. */
export function withMargin(gas: bigint, steps: number): bigint {
  return (gas * 6n) / 5n + 25_000n + 3_000n * BigInt(steps);
}

export class BatchGasLimit {
  /** the most gas a step took in an estimate of a batch of at least MIN_LEARNED_BATCH steps */
  private perStep?: bigint;

  constructor(private readonly chain: Pick<ChainAdapter, "estimateBatchGas" | "batchRunsWithin" | "maxGas">) {}

  /**
   * The gas limit for recordBatch(steps), capped at the block gas limit. Throws what eth_estimateGas
   * throws: on a revert, the error revertOf reads.
   */
  async limitFor(steps: ChainStep[]): Promise<bigint> {
    const maxGas = await this.chain.maxGas();
    const n = BigInt(steps.length);
    if (this.perStep !== undefined && steps.length >= MIN_LEARNED_BATCH) {
      const limit = min(withMargin(this.perStep * n, steps.length), maxGas);
      if (await this.chain.batchRunsWithin(steps, limit)) return limit;
    }
    const estimate = await this.chain.estimateBatchGas(steps);
    if (steps.length >= MIN_LEARNED_BATCH) {
      const perStep = (estimate + n - 1n) / n;
      if (this.perStep === undefined || perStep > this.perStep) this.perStep = perStep;
    }
    return min(withMargin(estimate, steps.length), maxGas);
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
