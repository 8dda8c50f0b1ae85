// The audit's JSON-RPC client: standard Ethereum JSON-RPC over HTTP, single calls and batches, and the
// two reads the audit streams (headers and the ledger's logs of a block range).
import type { RpcLog } from "../shared/rpc-log";
import { BlockRangeLimit, blockRangePages, isRangeTooLarge } from "../shared/log-range";
import type { RpcBlock } from "./types";

/** The audit could not run (exit code 2): the message says why and what to do. */
export class CannotRun extends Error {}

// ---- JSON-RPC ---------------------------------------------------------------------------------------
export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number | undefined,
    message: string,
  ) {
    super(`${method}: ${message}`);
  }
}

interface RpcResponse {
  id: number;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface RpcOptions {
  /** requests per JSON-RPC batch */
  batchSize?: number;
  /** batches in flight at once */
  concurrency?: number;
  timeoutMs?: number;
}

/** Errors of a connection the other side closed (undici's and the socket's codes). */
const CONNECTION_CLOSED = new Set(["UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNRESET", "EPIPE"]);
const SEND_ATTEMPTS = 3;

/** A small JSON-RPC client: single calls and batches, concurrency-limited. */
export class RpcClient {
  private nextId = 1;
  readonly batchSize: number;
  readonly concurrency: number;
  private readonly timeoutMs: number;
  /** buffers for answers read by callBytes, free for the next */
  private readonly pool: Buffer[] = [];

  constructor(
    readonly url: string,
    opts: RpcOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 200;
    this.concurrency = opts.concurrency ?? 4;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  private async post(body: unknown): Promise<unknown> {
    return (await this.send(body)).json();
  }

  private async send(body: unknown): Promise<Response> {
    let res: Response;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(this.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
        break;
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        // A node closes a keep-alive connection it found idle while the audit was busy (at 250,000 QBFT
        // blocks the audit stopped on it); the request went out on the closed connection. Every call of the
        // audit is a read, so it is sent again, on a new connection.
        if (cause !== undefined && CONNECTION_CLOSED.has(cause) && attempt < SEND_ATTEMPTS) continue;
        throw new CannotRun(`no JSON-RPC node answers at ${this.url}${cause ? ` (${cause})` : ""}: start the chain (npm start) or pass --rpc URL`);
      }
    }
    if (!res.ok) throw new RpcError("http", res.status, `HTTP ${res.status} from ${this.url}`);
    return res;
  }

  /**
   * One call whose answer `read` takes from its bytes where it can (undefined: it cannot); otherwise the
   * answer is parsed as JSON like call()'s, and its result returned as `parsed`.
   */
  async callBytes<T, R>(method: string, params: unknown[], read: (body: Buffer) => T | undefined): Promise<{ read: T } | { parsed: R }> {
    const res = await this.send({ jsonrpc: "2.0", id: this.nextId++, method, params });
    // The answer is read into a buffer of the pool, reused by later answers: large answers would otherwise
    // each be a new allocation, and their sum makes the garbage collector run for the external memory.
    let target = this.pool.pop() ?? Buffer.allocUnsafeSlow(1 << 20);
    let n = 0;
    try {
      for await (const chunk of (res.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
        if (n + chunk.length > target.length) {
          const grown = Buffer.allocUnsafeSlow(Math.max(target.length * 2, n + chunk.length));
          target.copy(grown, 0, 0, n);
          target = grown;
        }
        target.set(chunk, n);
        n += chunk.length;
      }
      const body = target.subarray(0, n);
      const value = read(body);
      if (value !== undefined) return { read: value };
      const r = JSON.parse(body.toString("utf8")) as RpcResponse;
      if (r.error) throw new RpcError(method, r.error.code, r.error.message);
      return { parsed: r.result as R };
    } finally {
      this.pool.push(target);
    }
  }

  async call<T>(method: string, params: unknown[]): Promise<T> {
    const r = (await this.post({ jsonrpc: "2.0", id: this.nextId++, method, params })) as RpcResponse;
    if (r.error) throw new RpcError(method, r.error.code, r.error.message);
    return r.result as T;
  }

  /** Many calls as JSON-RPC batches; results in call order. Throws on the first error. */
  async batch<T>(calls: { method: string; params: unknown[] }[]): Promise<T[]> {
    const results = new Array<T>(calls.length);
    const chunks: number[] = [];
    for (let i = 0; i < calls.length; i += this.batchSize) chunks.push(i);
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const start = chunks[next++];
        const part = calls.slice(start, start + this.batchSize);
        const base = this.nextId;
        this.nextId += part.length;
        const body = part.map((c, k) => ({ jsonrpc: "2.0", id: base + k, method: c.method, params: c.params }));
        const out = (await this.post(body)) as RpcResponse[] | RpcResponse;
        if (!Array.isArray(out)) throw new RpcError(part[0].method, out.error?.code, out.error?.message ?? "the node does not accept JSON-RPC batches");
        for (const r of out) {
          const k = r.id - base;
          if (k < 0 || k >= part.length) continue;
          if (r.error) throw new RpcError(part[k].method, r.error.code, r.error.message);
          results[start + k] = r.result as T;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, chunks.length) }, worker));
    return results;
  }
}

const hexQ = (n: number) => "0x" + n.toString(16);

export async function fetchHeaders(rpc: RpcClient, from: number, to: number): Promise<RpcBlock[]> {
  if (to < from) return [];
  const calls = [];
  for (let n = from; n <= to; n++) calls.push({ method: "eth_getBlockByNumber", params: [hexQ(n), false] });
  const blocks = await rpc.batch<RpcBlock | null>(calls);
  return blocks.map((b, i) => {
    if (!b) throw new RpcError("eth_getBlockByNumber", undefined, `block ${from + i} is not available`);
    return b;
  });
}

/** Whether the node refused an eth_getLogs range as too large (services/shared/log-range.ts knows the nodes' wordings). */
export function isTooMany(err: unknown): boolean {
  return err instanceof RpcError && isRangeTooLarge(err.code, err.message);
}

/** The eth_getLogs parameters for the ledger's logs in [from, to]. */
export const logFilter = (address: string, from: number, to: number) => [{ address, fromBlock: hexQ(from), toBlock: hexQ(to) }];

/**
 * The ledger's logs in [from, to], in requests of at most `limit.current` blocks; a range the node refuses
 * as too large is asked again in halves (and the limit remembers it).
 */
export async function fetchLogs(rpc: RpcClient, address: string, from: number, to: number, limit = new BlockRangeLimit(Math.max(1, to - from + 1))): Promise<RpcLog[]> {
  const out: RpcLog[] = [];
  for await (const page of blockRangePages(from, to, limit, (a, b) => rpc.call<RpcLog[]>("eth_getLogs", logFilter(address, a, b)), isTooMany)) {
    for (const l of page.result) out.push(l);
  }
  return out;
}
