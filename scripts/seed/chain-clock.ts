// The demo chain's clock during seeding. npm start begins a fresh local chain in the past (anvil --timestamp);
// the seeder then moves the clock forward to each day of the demo timeline before recording that day's steps
// (evm_setNextBlockTimestamp: anvil and Hardhat's node both know it; later blocks count on from there with the
// wall clock), and at the end back to the current time with one empty block, so that every block after the
// seed carries the real time again. Only the seed script does this, only on a development chain: the services
// use standard JSON-RPC alone. A chain whose clock is already past a day, or that does not know the method,
// records those steps at its current time.
import { z } from "zod";

const RpcAnswer = z.object({ result: z.unknown().optional(), error: z.object({ code: z.number(), message: z.string() }).optional() });
const Block = z.object({ timestamp: z.string() });

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = RpcAnswer.parse(await res.json());
  if (answer.error) throw new RpcError(answer.error.code, answer.error.message);
  return answer.result;
}

const day = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

export class ChainClock {
  private enabled = true;
  private moved = false;

  private constructor(
    private readonly url: string,
    private readonly say: (line: string) => void,
  ) {}

  /** `firstAt`: the earliest step time of the plan (unix seconds), to say whether the chain can follow it. */
  static async open(url: string, firstAt: number, say: (line: string) => void): Promise<ChainClock> {
    const clock = new ChainClock(url, say);
    const latest = await clock.latestTime();
    if (latest > firstAt) {
      say(
        `  Demo data: the chain's clock (${day(latest)}) is past the start of the demo timeline (${day(firstAt)}); ` +
          "steps due before it carry the chain's current time (only a fresh chain started by npm start begins in the past).",
      );
    }
    return clock;
  }

  private async latestTime(): Promise<number> {
    const block = Block.parse(await rpc(this.url, "eth_getBlockByNumber", ["latest", false]));
    return Number(block.timestamp);
  }

  /** The next block at `at` (unix seconds), when that is after the latest block and the chain allows it. */
  async moveTo(at: number): Promise<void> {
    if (!this.enabled) return;
    if (at <= (await this.latestTime())) return;
    try {
      await rpc(this.url, "evm_setNextBlockTimestamp", [at]);
      if (!this.moved) this.say(`  Demo data: the chain clock follows the demo timeline from ${day(at)}.`);
      this.moved = true;
    } catch (err) {
      // -32601: method not found (a chain without development methods); anything else: leave the clock alone
      this.enabled = false;
      this.say(`  Demo data: the chain does not move its clock (evm_setNextBlockTimestamp: ${(err as Error).message}); the steps carry its current time.`);
    }
  }

  /** After the seed: one empty block at the current time, so later blocks carry the wall-clock time again. */
  async catchUp(): Promise<void> {
    if (!this.moved) return;
    const now = Math.floor(Date.now() / 1000);
    if ((await this.latestTime()) >= now) return;
    await rpc(this.url, "evm_setNextBlockTimestamp", [now]);
    await rpc(this.url, "evm_mine", []);
    this.say(`  Demo data: the chain clock is back at the current time (${new Date(now * 1000).toISOString()}).`);
  }
}
