// The audit's stream of block ranges: each range's headers and the ledger's logs, fetched a few ranges
// ahead while the consumer verifies the current one, the ranges sized by the latest range's logs per block
// and never wider than the node accepts for eth_getLogs (`--max-block-range`, halved while it refuses).
import type { RpcLog } from "../shared/rpc-log";
import { LogScanner } from "./log-scan";
import { LogPacker, type LogBatch } from "./log-wire";
import { fetchHeaders, fetchLogs, isTooMany, logFilter, type RpcClient } from "./rpc";
import { BlockRangeLimit } from "../shared/log-range";
import type { RpcBlock } from "./types";

export interface RangePlan {
  /** the ledger's address, lower case */
  ledger: string;
  fromBlock: number;
  toBlock: number;
  /** ledger logs wanted per eth_getLogs request (the block range adapts to it) */
  targetLogsPerRequest: number;
  maxBlocksPerRequest: number;
  /** the eth_getLogs range the node accepts (configured maximum, shrunk on refusals): no range is planned wider */
  logRange: BlockRangeLimit;
  /** ranges fetched ahead while one is verified */
  prefetch: number;
}

export interface PackedRange {
  range: [number, number];
  blocks: RpcBlock[];
  batch: LogBatch;
}

/**
 * The ledger's logs in [from, to], packed: read from the bytes of the node's answer where it has the plain
 * shape (log-scan.ts), else parsed as JSON; a range the node refuses as too large shrinks `limit` and is
 * fetched in pages it allows (fetchLogs).
 */
export async function fetchLogBatch(rpc: RpcClient, scanner: LogScanner, packer: LogPacker, from: number, to: number, limit?: BlockRangeLimit): Promise<LogBatch> {
  try {
    const r = await rpc.callBytes<LogBatch, RpcLog[]>("eth_getLogs", logFilter(packer.ledger, from, to), (body) => scanner.scan(body));
    limit?.grow(to - from + 1);
    return "read" in r ? r.read : packer.pack(r.parsed);
  } catch (err) {
    if (!isTooMany(err) || to <= from) throw err;
    const pages = limit ?? new BlockRangeLimit(to - from + 1);
    pages.shrink(to - from + 1);
    return packer.pack(await fetchLogs(rpc, packer.ledger, from, to, pages));
  }
}

/** Blocks of the first range: few, so that the first answer arrives soon and the next ranges are planned by its density. */
export const FIRST_RANGE_BLOCKS = 2;

/**
 * Blocks for the next range, given the latest range received (undefined: none yet): `target` logs a
 * request by that range's density, at most four times its size (ranges planned ahead do not compound
 * the growth) and at most `maxBlocks`. The latest density, not the whole history's: a ledger's density
 * changes along the chain, and a sparse start would otherwise plan huge ranges.
 */
export function nextRangeBlocks(latest: { blocks: number; logs: number } | undefined, target: number, maxBlocks: number): number {
  if (!latest) return Math.min(maxBlocks, FIRST_RANGE_BLOCKS);
  const byDensity = latest.logs === 0 ? Infinity : Math.floor((target * latest.blocks) / latest.logs);
  return Math.max(1, Math.min(maxBlocks, latest.blocks * 4, byDensity));
}

/** The ranges of `plan` in order, each fetched (headers and packed logs) while earlier ones are consumed. */
export async function* fetchRanges(rpc: RpcClient, plan: RangePlan, stepTopic: string): AsyncGenerator<PackedRange> {
  const scanner = new LogScanner(plan.ledger, stepTopic);
  const packer = new LogPacker(plan.ledger, stepTopic);
  const { targetLogsPerRequest: target, maxBlocksPerRequest: maxBlocks, toBlock: head } = plan;
  const depth = Math.max(1, plan.prefetch);
  let latest: { blocks: number; logs: number } | undefined;
  let cursor = plan.fromBlock;
  const nextRange = (): [number, number] | undefined => {
    if (cursor > head) return undefined;
    const r: [number, number] = [cursor, Math.min(head, cursor + nextRangeBlocks(latest, target, Math.min(maxBlocks, plan.logRange.current)) - 1)];
    cursor = r[1] + 1;
    return r;
  };
  type Pending = { range: [number, number]; data: Promise<[RpcBlock[], LogBatch]> };
  const queue: Pending[] = [];
  const enqueue = () => {
    const range = nextRange();
    if (!range) return false;
    const data = Promise.all([fetchHeaders(rpc, range[0], range[1]), fetchLogBatch(rpc, scanner, packer, range[0], range[1], plan.logRange)]);
    data.catch(() => undefined); // awaited below; keeps an early failure from being unhandled
    queue.push({ range, data });
    return true;
  };
  enqueue();
  while (queue.length > 0) {
    const cur = queue.shift()!;
    // With no density known yet, wait for the first range before planning the next ones.
    if (latest) while (queue.length < depth - 1 && enqueue());
    const [blocks, batch] = await cur.data;
    yield { range: cur.range, blocks, batch };
    latest = { blocks: cur.range[1] - cur.range[0] + 1, logs: batch.count };
    while (queue.length < depth && enqueue());
  }
}
