// The audit's stream of block ranges: each range's headers and the ledger's logs, fetched a few ranges
// ahead while the consumer verifies the current one, the ranges sized by the logs per block seen so far.
import type { RpcLog } from "../shared/rpc-log";
import { LogScanner } from "./log-scan";
import { LogPacker, type LogBatch } from "./log-wire";
import { fetchHeaders, fetchLogs, isTooMany, logFilter, type RpcClient } from "./rpc";
import type { RpcBlock } from "./types";

export interface RangePlan {
  /** the ledger's address, lower case */
  ledger: string;
  fromBlock: number;
  toBlock: number;
  /** ledger logs wanted per eth_getLogs request (the block range adapts to it) */
  targetLogsPerRequest: number;
  maxBlocksPerRequest: number;
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
 * shape (log-scan.ts), else parsed as JSON; a range the node refuses as too large is split (fetchLogs).
 */
export async function fetchLogBatch(rpc: RpcClient, scanner: LogScanner, packer: LogPacker, from: number, to: number): Promise<LogBatch> {
  try {
    const r = await rpc.callBytes<LogBatch, RpcLog[]>("eth_getLogs", logFilter(packer.ledger, from, to), (body) => scanner.scan(body));
    return "read" in r ? r.read : packer.pack(r.parsed);
  } catch (err) {
    if (!isTooMany(err) || to <= from) throw err;
    const mid = Math.floor((from + to) / 2);
    const a = await fetchLogs(rpc, packer.ledger, from, mid);
    const b = await fetchLogs(rpc, packer.ledger, mid + 1, to);
    return packer.pack(a.concat(b));
  }
}

/** The ranges of `plan` in order, each fetched (headers and packed logs) while earlier ones are consumed. */
export async function* fetchRanges(rpc: RpcClient, plan: RangePlan, stepTopic: string): AsyncGenerator<PackedRange> {
  const scanner = new LogScanner(plan.ledger, stepTopic);
  const packer = new LogPacker(plan.ledger, stepTopic);
  const { targetLogsPerRequest: target, maxBlocksPerRequest: maxBlocks, toBlock: head } = plan;
  const depth = Math.max(1, plan.prefetch);
  let density = 0; // logs per block seen so far
  let seenBlocks = 0;
  let seenLogs = 0;
  let cursor = plan.fromBlock;
  let lastSize = 4;
  const nextRange = (): [number, number] | undefined => {
    if (cursor > head) return undefined;
    // Start small, grow at most fourfold a step, and aim at `target` logs a request by the density so far.
    const byDensity = seenBlocks === 0 ? lastSize : Math.max(1, Math.floor(target / Math.max(density, 1e-6)));
    const size = Math.max(1, Math.min(maxBlocks, lastSize * 4, byDensity));
    lastSize = size;
    const r: [number, number] = [cursor, Math.min(head, cursor + size - 1)];
    cursor = r[1] + 1;
    return r;
  };
  type Pending = { range: [number, number]; data: Promise<[RpcBlock[], LogBatch]> };
  const queue: Pending[] = [];
  const enqueue = () => {
    const range = nextRange();
    if (!range) return false;
    const data = Promise.all([fetchHeaders(rpc, range[0], range[1]), fetchLogBatch(rpc, scanner, packer, range[0], range[1])]);
    data.catch(() => undefined); // awaited below; keeps an early failure from being unhandled
    queue.push({ range, data });
    return true;
  };
  enqueue();
  while (queue.length > 0) {
    const cur = queue.shift()!;
    // With no density known yet, wait for the first range before planning the next ones.
    if (seenBlocks > 0) while (queue.length < depth - 1 && enqueue());
    const [blocks, batch] = await cur.data;
    yield { range: cur.range, blocks, batch };
    seenBlocks += cur.range[1] - cur.range[0] + 1;
    seenLogs += batch.count;
    density = seenLogs / seenBlocks;
    while (queue.length < depth && enqueue());
  }
}
