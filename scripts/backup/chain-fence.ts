// The highest step sequence number an agency has on chain. A restored store must not hand out a Step id
// the chain already holds: the ledger would refuse the new step as AlreadyRecorded with another
// commitment (outbox/writer.ts fails it). The restore moves the store's id sequence past this number.
import { JsonRpcProvider } from "ethers";
import { STEP_RECORDED_TOPIC } from "../../services/agency/chain/ledger-logs";
import { agencyOfEventId, sequenceOfEventId, unpackStep } from "../../services/shared/ledger-codec";
import { BlockRangeLimit, blockRangePages, isRangeTooLarge } from "../../services/shared/log-range";

function rangeTooLarge(err: unknown): boolean {
  const e = err as { error?: { code?: number; message?: string }; info?: { error?: { code?: number; message?: string } }; message?: string };
  const inner = e.error ?? e.info?.error;
  return isRangeTooLarge(inner?.code, `${inner?.message ?? ""} ${e.message ?? ""}`);
}

export interface ChainFence {
  /** the highest sequence of the agency's StepRecorded events from `fromBlock` on (0: none) */
  maxSequence: number;
  /** how many of them have a sequence above `above` */
  countAbove: number;
  head: number;
}

export async function chainFence(opts: { rpcUrl: string; ledger: string; agencyCode: number; fromBlock: number; above: number; maxBlockRange: number }): Promise<ChainFence> {
  const provider = new JsonRpcProvider(opts.rpcUrl, undefined, { staticNetwork: true });
  try {
    const head = await provider.getBlockNumber();
    let max = 0n;
    let countAbove = 0;
    const pages = blockRangePages(
      opts.fromBlock,
      head,
      new BlockRangeLimit(opts.maxBlockRange),
      (fromBlock, toBlock) => provider.getLogs({ address: opts.ledger, topics: [STEP_RECORDED_TOPIC], fromBlock, toBlock }),
      rangeTooLarge,
    );
    for await (const page of pages) {
      for (const log of page.result) {
        const { eventId } = unpackStep(BigInt(log.data.slice(0, 66)));
        if (agencyOfEventId(eventId) !== opts.agencyCode) continue;
        const seq = sequenceOfEventId(eventId);
        if (seq > max) max = seq;
        if (seq > BigInt(opts.above)) countAbove++;
      }
    }
    return { maxSequence: Number(max), countAbove, head };
  } finally {
    provider.destroy();
  }
}
