// caseHead() at the audited block for each case, read as soon as the case appears in the replay (in the
// background while the next ranges are verified): one read per case, none per event. Up to 700 cases
// go in one eth_call (head-reader.ts); a node that refuses such a call is asked case by case from then
// on. I/O only: the heads are compared with the replay by compareHeads (replay.ts).
import { LEDGER_INTERFACE } from "./events";
import { MAX_CASES_PER_CALL, decodeHeadReader, headReaderCallData } from "./head-reader";
import type { OnChainHead } from "./replay";
import type { RpcClient } from "./rpc";

const CASE_HEAD_SELECTOR = LEDGER_INTERFACE.getFunction("caseHead")!.selector;

export class CaseHeadReader {
  private readonly heads = new Map<string, OnChainHead>();
  private readonly reads: Promise<void>[] = [];
  /** cases of the list handed to a read so far */
  private queued = 0;
  /** whether the node still takes the head-reader call (else one eth_call a case) */
  private multicall = true;
  private onRead: ((cases: number) => void) | undefined;

  /** `at`: the audited block, as a JSON-RPC quantity. */
  constructor(
    private readonly rpc: RpcClient,
    private readonly ledger: string,
    private readonly at: string,
  ) {}

  /**
   * Start reading the heads of the cases of `caseList` (the replay's, in order of appearance) not yet
   * read: in chunks of MAX_CASES_PER_CALL; with `all`, the last part-chunk too.
   */
  readNew(caseList: readonly string[], all = false): void {
    while (caseList.length - this.queued >= MAX_CASES_PER_CALL || (all && caseList.length > this.queued)) {
      const part = caseList.slice(this.queued, this.queued + MAX_CASES_PER_CALL);
      this.queued += part.length;
      const p = this.readChunk(part).then(() => this.onRead?.(part.length));
      p.catch(() => undefined); // awaited in all(); keeps an early failure from being unhandled
      this.reads.push(p);
    }
  }

  /** Report the heads read so far and each chunk read from now on (the progress bar's case-heads phase). */
  reportTo(tick: (cases: number) => void): void {
    tick(this.heads.size);
    this.onRead = tick;
  }

  /** Every head started so far, once read: case reference → head and step count (absent: unreadable). */
  async all(): Promise<Map<string, OnChainHead>> {
    await Promise.all(this.reads);
    return this.heads;
  }

  private async readChunk(part: string[]): Promise<void> {
    if (this.multicall) {
      try {
        const res = await this.rpc.call<string>("eth_call", [{ data: headReaderCallData(this.ledger, part) }, this.at]);
        const m = decodeHeadReader(res, part);
        if (m) {
          for (const [k, v] of m) this.heads.set(k, v);
          return;
        }
      } catch {
        /* fall back below */
      }
      this.multicall = false;
    }
    const out = await this.rpc.batch<string>(part.map((c) => ({ method: "eth_call", params: [{ to: this.ledger, data: CASE_HEAD_SELECTOR + c.slice(2) }, this.at] })));
    out.forEach((res, k) => {
      if (typeof res === "string" && res.length >= 130) this.heads.set(part[k], { head: "0x" + res.slice(2, 50), stepCount: parseInt(res.slice(66, 130), 16) });
    });
  }
}
