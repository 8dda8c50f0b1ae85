// A JSON-RPC node with Besu's eth_getLogs limit, for tests: an HTTP proxy on 127.0.0.1 in front of a real
// node (anvil) that forwards every request and batch, but answers an eth_getLogs over more than the
// allowed range with the error Besu sends (EthGetLogs.java: `toBlock - fromBlock > maxLogRange` ->
// RpcErrorType.EXCEEDS_RPC_MAX_BLOCK_RANGE, code -32005, "Requested range exceeds maximum RPC range limit").
// Optionally it also drops baseFeePerGas from blocks, as a node without the London fork serves them, or
// alters the logs it serves, as a node that lies about history.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const BESU_RANGE_ERROR = { code: -32005, message: "Requested range exceeds maximum RPC range limit" };

export interface LimitingProxyOptions {
  /** Besu's --rpc-max-logs-range: a request with toBlock - fromBlock above it is refused */
  maxLogsRange: number;
  /** serve blocks without baseFeePerGas (a pre-London node) */
  dropBaseFee?: boolean;
  /** change each log an eth_getLogs answer holds before serving it */
  alterLog?: (log: { topics: string[]; data: string; blockNumber: string; logIndex: string }) => void;
}

export interface LimitingProxy {
  url: string;
  /** eth_getLogs requests refused as too large */
  refused: number;
  /** eth_getLogs requests forwarded, with the blocks each spanned */
  answeredSpans: number[];
  close(): Promise<void>;
}

interface Call {
  id: unknown;
  method: string;
  params?: unknown[];
}

const quantity = (v: unknown): number | undefined => (typeof v === "string" && /^0x[0-9a-f]+$/i.test(v) ? Number(BigInt(v)) : undefined);

export async function startLimitingProxy(upstream: string, opts: LimitingProxyOptions): Promise<LimitingProxy> {
  const state = { refused: 0, answeredSpans: [] as number[] };

  /** The Besu error for a call over the limit, or undefined to forward it. */
  const refusal = (c: Call): object | undefined => {
    if (c.method !== "eth_getLogs") return undefined;
    const f = (c.params?.[0] ?? {}) as { fromBlock?: unknown; toBlock?: unknown };
    const from = quantity(f.fromBlock);
    const to = quantity(f.toBlock);
    if (from === undefined || to === undefined) return undefined;
    if (to - from > opts.maxLogsRange) {
      state.refused++;
      return { jsonrpc: "2.0", id: c.id, error: BESU_RANGE_ERROR };
    }
    state.answeredSpans.push(to - from + 1);
    return undefined;
  };

  const adjust = (c: Call, answer: { result?: unknown; error?: unknown }): void => {
    if (opts.alterLog && c.method === "eth_getLogs" && Array.isArray(answer.result)) for (const log of answer.result) opts.alterLog(log);
    if (!opts.dropBaseFee || !c.method.startsWith("eth_getBlockBy")) return;
    const block = answer.result as Record<string, unknown> | null | undefined;
    if (block && typeof block === "object") delete block.baseFeePerGas;
  };

  const forward = async (calls: Call[]): Promise<object[]> => {
    const out = new Array<object>(calls.length);
    const pass: number[] = [];
    calls.forEach((c, i) => {
      const r = refusal(c);
      if (r) out[i] = r;
      else pass.push(i);
    });
    if (pass.length > 0) {
      const res = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(pass.map((i) => calls[i])) });
      const answers = (await res.json()) as { id: unknown; result?: unknown; error?: unknown }[];
      const byId = new Map(answers.map((a) => [a.id, a]));
      for (const i of pass) {
        const a = byId.get(calls[i].id) ?? { id: calls[i].id, error: { code: -32603, message: "no answer from upstream" } };
        adjust(calls[i], a);
        out[i] = a;
      }
    }
    return out;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Call | Call[];
          const answers = await forward(Array.isArray(body) ? body : [body]);
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
        } catch {
          // The upstream node is down (or the body was not JSON): as a node that cannot answer.
          res.statusCode = 502;
          res.end();
        }
      })();
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return state.refused;
    },
    get answeredSpans() {
      return state.answeredSpans;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
