// eth_getLogs block ranges as nodes allow them. Nodes cap the blocks one request may span and refuse a
// wider request with an error instead of an answer; the agency service (listener, outbox reconciliation)
// and the audit both page by a configured maximum and, when a node still says "too large", halve the
// range down to one block, growing it back by doubling after answers. Pure policy, no I/O: each caller
// brings its own JSON-RPC client.
//
// The refusals recognised, by their source:
//  - Besu (hyperledger/besu, ethereum/api/.../jsonrpc/internal/methods/EthGetLogs.java): when
//    `toBlock - fromBlock > maxLogRange` (`--rpc-max-logs-range`, default 5000) it throws
//    InvalidJsonRpcParameters("Requested range exceeds maximum range limit",
//    RpcErrorType.EXCEEDS_RPC_MAX_BLOCK_RANGE), and RpcErrorType.java defines that as
//    `EXCEEDS_RPC_MAX_BLOCK_RANGE(-32005, "Requested range exceeds maximum RPC range limit")`.
//  - geth and Infura-style result caps: "query returned more than 10000 results" (-32005); geth-based
//    public nodes with a range cap: "exceed maximum block range: 5000".
//  - EIP-1474's -32005 "limit exceeded", which providers use for every kind of over-limit getLogs.
//  - Other wordings met in the field: "block range is larger than max block range", "range 1000000
//    exceeds limit of 10000", "block range too high", "Log response size exceeded".
// Hardhat's node (EDR) has no range cap of its own; the generic patterns cover a proxy in front of it.

/** Besu's default `--rpc-max-logs-range`: what the services and the audit ask for at most by default. */
export const DEFAULT_MAX_BLOCK_RANGE = 5_000;

/** EIP-1474 "limit exceeded"; Besu's EXCEEDS_RPC_MAX_BLOCK_RANGE and geth's result cap use it. */
export const LIMIT_EXCEEDED_CODE = -32005;

const TOO_LARGE = new RegExp(
  [
    "exceeds? maximum (rpc )?range", // Besu
    "exceeds? max(imum)? block range", // geth-based public nodes
    "query returned more than", // geth, Infura
    "limit exceeded",
    "block range (is )?(larger|bigger|greater) than",
    "block range too (large|high|wide)",
    "range (is )?too (large|wide)",
    "range \\d+ exceeds limit",
    "too many (blocks|logs|results)",
    "response size (exceeded|too large)",
    "10000 results",
  ].join("|"),
  "i",
);

/** Whether a JSON-RPC error (code and message as the node sent them) refuses an eth_getLogs range as too large. */
export function isRangeTooLarge(code: number | undefined, message: string): boolean {
  return code === LIMIT_EXCEEDED_CODE || TOO_LARGE.test(message);
}

/** Answers in a row before the range doubles again after a refusal. */
const GROW_AFTER = 4;
/** Answers in a row after which a refused size is tried again (a result cap depends on the blocks' density). */
const RETRY_REFUSED_AFTER = 64;

/**
 * The block range to ask for next: starts at the configured maximum, halves on every refusal (down to one
 * block) and doubles after a few answers in a row, never above the maximum nor, for a while, to a size the
 * node refused. One per reader: a node with a smaller cap than configured then costs a refusal per halving
 * and a rare retry, not one per request.
 */
export class BlockRangeLimit {
  private span: number;
  /** largest span not yet refused (the maximum until a refusal) */
  private ceiling: number;
  private answers = 0;

  constructor(readonly max: number = DEFAULT_MAX_BLOCK_RANGE) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`the maximum block range must be a positive integer, got ${max}`);
    this.span = max;
    this.ceiling = max;
  }

  /** Blocks the next request may span. */
  get current(): number {
    return this.span;
  }

  /** The node refused `blocks` as too large: false when it was one block (nothing left to shrink). */
  shrink(blocks: number): boolean {
    if (blocks <= 1) return false;
    this.ceiling = Math.min(this.ceiling, blocks - 1);
    this.span = Math.max(1, Math.min(this.span, Math.floor(blocks / 2)));
    this.answers = 0;
    return true;
  }

  /** The node answered a request over `blocks`: after enough answers in a row, grow towards the maximum. */
  grow(blocks: number): void {
    if (blocks < this.span) return; // the short last page of a range says nothing about the cap
    this.answers++;
    if (this.answers % RETRY_REFUSED_AFTER === 0) this.ceiling = this.max;
    if (this.answers % GROW_AFTER === 0) this.span = Math.min(this.ceiling, this.span * 2);
  }
}

export interface RangePage<T> {
  from: number;
  to: number;
  result: T;
}

/**
 * `fetch` over every block of [from, to], each request at most `limit.current` blocks, in chain order (or
 * from the top down with `descending`); a request the node refuses as too large (`tooLarge`) is asked again
 * over half the blocks. Each page is yielded as soon as it arrived, so a caller can store it (or stop)
 * before the next is asked for. Other errors of `fetch` propagate.
 */
export async function* blockRangePages<T>(
  from: number,
  to: number,
  limit: BlockRangeLimit,
  fetch: (from: number, to: number) => Promise<T>,
  tooLarge: (err: unknown) => boolean,
  descending = false,
): AsyncGenerator<RangePage<T>> {
  let lo = from;
  let hi = to;
  while (lo <= hi) {
    const a = descending ? Math.max(lo, hi - limit.current + 1) : lo;
    const b = descending ? hi : Math.min(hi, lo + limit.current - 1);
    let result: T;
    try {
      result = await fetch(a, b);
    } catch (err) {
      if (tooLarge(err) && limit.shrink(b - a + 1)) continue;
      throw err;
    }
    limit.grow(b - a + 1);
    yield { from: a, to: b, result };
    if (descending) hi = a - 1;
    else lo = b + 1;
  }
}
