// A JSON-RPC node over real HTTP on 127.0.0.1 that serves a chain of headers built by a test: the standard
// calls the audit's header phase makes (eth_chainId, eth_blockNumber, eth_getBlockByNumber, batches of
// them) and an empty ledger (no logs, no code, every eth_call reverted). The audit reaches it through its
// own RpcClient, exactly as it reaches anvil or Besu.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RpcBlock } from "../../../services/audit/types";

interface Request {
  id: unknown;
  method: string;
  params?: unknown[];
}

export interface ServedChain {
  url: string;
  /** the methods asked for, in order */
  calls: string[];
  close(): Promise<void>;
}

export async function serveChain(blocks: RpcBlock[], chainId: number): Promise<ServedChain> {
  const calls: string[] = [];
  const answer = (r: Request) => {
    calls.push(r.method);
    const ok = (result: unknown) => ({ jsonrpc: "2.0", id: r.id, result });
    switch (r.method) {
      case "eth_chainId":
        return ok("0x" + chainId.toString(16));
      case "eth_blockNumber":
        return ok("0x" + (blocks.length - 1).toString(16));
      case "eth_getBlockByNumber": {
        const tag = String(r.params?.[0]);
        const n = tag === "latest" ? blocks.length - 1 : Number(BigInt(tag));
        return ok(blocks[n] ?? null);
      }
      case "eth_getLogs":
        return ok([]);
      case "eth_getCode":
        return ok("0x");
      case "eth_call":
        return { jsonrpc: "2.0", id: r.id, error: { code: 3, message: "execution reverted" } };
      default:
        return { jsonrpc: "2.0", id: r.id, error: { code: -32601, message: `method ${r.method} not served` } };
    }
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Request | Request[];
      const out = Array.isArray(body) ? body.map(answer) : answer(body);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
