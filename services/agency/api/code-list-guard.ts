// "A service whose local code lists differ from the on-chain version refuses to write and says why."
// The on-chain hash is read at most every few seconds, by one request at a time, and never waited for
// long. An unreachable chain does not block queueing: the outbox checks again before it submits.
import type { ServiceContext } from "../context";
import { ProblemError } from "./problem";
import { withTimeout } from "../util/timeout";

const READ_TIMEOUT_MS = 1500;

export class CodeListGuard {
  /** the last reading; onChain undefined: the chain did not answer */
  private reading: { at: number; onChain?: string } | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly cacheMs: number,
  ) {}

  private async refresh(): Promise<void> {
    try {
      const onChain = await withTimeout(this.ctx.chain.codeListHash(), READ_TIMEOUT_MS, "code-list hash");
      this.reading = { at: Date.now(), onChain: onChain.toLowerCase() };
    } catch (err) {
      this.reading = { at: Date.now() };
      this.ctx.log.warn({ err: (err as Error).message.split("\n")[0] }, "on-chain code-list hash not readable; queueing anyway");
    }
  }

  /** Throws 503 when the chain answers with a different code-list hash. */
  async assertWritable(): Promise<void> {
    if (!this.reading || Date.now() - this.reading.at >= this.cacheMs) {
      this.inFlight ??= this.refresh().finally(() => (this.inFlight = undefined));
      await this.inFlight;
    }
    const onChain = this.reading?.onChain;
    const local = this.ctx.localCodeListHash.toLowerCase();
    if (onChain !== undefined && onChain !== local) {
      throw new ProblemError(
        "code-list-mismatch",
        `Die lokalen Code-Listen (${local}) weichen von der Version auf der Kette (${onChain}) ab; es wird nichts erfasst, bis die Code-Listen aktualisiert sind / The local code lists differ from the on-chain version; nothing is recorded until the code lists are updated`,
        undefined,
        { localHash: local, onChainHash: onChain },
        { "retry-after": "60" },
      );
    }
  }
}
