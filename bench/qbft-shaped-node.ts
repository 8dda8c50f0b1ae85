// A JSON-RPC node on 127.0.0.1 that shows an anvil chain as a Besu QBFT chain (bench/qbft-shaped-chain.ts),
// for the audit's QBFT benchmark (bench/audit-qbft.ts): headers are served from the re-shaped chain, the
// rest goes to the anvil behind it with block numbers mapped (QBFT block n has the state of anvil block
// ⌊n/K⌋; an eth_getLogs range [a, b] is anvil's [⌈a/K⌉, ⌊b/K⌋]) and the logs re-addressed
// (qbft-shaped-logs.ts). Only the calls the audit and the bench's checkpoint maker make are served.
// Standalone: `npx tsx bench/qbft-shaped-node.ts --upstream http://127.0.0.1:8545 [--blocks-per-block K] [--port P]`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { QbftShapedChain, type NodeBlock } from "./qbft-shaped-chain";
import { rewriteLogBytes, rewriteLogObjects } from "./qbft-shaped-logs";

interface Request {
  jsonrpc?: string;
  id: unknown;
  method: string;
  params?: unknown[];
}

type Answer = Record<string, unknown>;

const hex = (n: number) => "0x" + n.toString(16);
const FORWARDED = new Set(["eth_chainId", "net_version", "web3_clientVersion", "eth_gasPrice"]);
/** calls whose second parameter is a block tag (the state at that block) */
const AT_BLOCK = new Set(["eth_call", "eth_getCode", "eth_getBalance", "eth_getStorageAt", "eth_getTransactionCount"]);

export interface QbftShapedNode {
  url: string;
  chain: QbftShapedChain;
  /** seconds the chain took to build (fetch the anvil blocks, hash and seal every block) */
  buildSeconds: number;
  close(): Promise<void>;
}

async function post(url: string, body: unknown): Promise<Response> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  return res;
}

/** The anvil chain's blocks 0..head, in batches. */
async function anvilBlocks(upstream: string): Promise<NodeBlock[]> {
  const head = Number(BigInt(((await (await post(upstream, { jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] })).json()) as { result: string }).result));
  const out: NodeBlock[] = [];
  for (let from = 0; from <= head; from += 100) {
    const calls = [];
    for (let n = from; n <= Math.min(head, from + 99); n++) calls.push({ jsonrpc: "2.0", id: n, method: "eth_getBlockByNumber", params: [hex(n), false] });
    const answers = (await (await post(upstream, calls)).json()) as { id: number; result: NodeBlock | null }[];
    for (const a of answers) {
      if (!a.result) throw new Error(`anvil has no block ${a.id}`);
      out[a.id] = a.result;
    }
  }
  return out;
}

export async function startQbftShapedNode(upstream: string, blocksPerBlock: number, port = 0): Promise<QbftShapedNode> {
  const t = performance.now();
  const chain = new QbftShapedChain(await anvilBlocks(upstream), blocksPerBlock);
  const buildSeconds = (performance.now() - t) / 1000;
  const k = blocksPerBlock;

  /** A QBFT block tag as anvil's: the state of QBFT block n is anvil's ⌊n/K⌋; named tags pass. */
  const stateTag = (tag: unknown) => (typeof tag === "string" && tag.startsWith("0x") ? hex(chain.anvilBlockAt(Number(BigInt(tag)))) : tag);
  const qbftNumber = (tag: unknown): number | undefined => {
    if (tag === undefined || tag === "latest" || tag === "safe" || tag === "finalized" || tag === "pending") return chain.head;
    if (tag === "earliest") return 0;
    return typeof tag === "string" && tag.startsWith("0x") ? Number(BigInt(tag)) : undefined;
  };
  /** the anvil range of a QBFT eth_getLogs filter; undefined when it holds no anvil block */
  const logFilter = (filter: Record<string, unknown>): Record<string, unknown> | undefined => {
    if (filter.blockHash !== undefined) throw new Error("eth_getLogs by blockHash is not served");
    const from = qbftNumber(filter.fromBlock ?? "latest");
    const to = qbftNumber(filter.toBlock ?? "latest");
    if (from === undefined || to === undefined) throw new Error("eth_getLogs: block tags must be numbers or named tags");
    const a = Math.ceil(from / k);
    const b = Math.floor(Math.min(to, chain.head) / k);
    return a > b ? undefined : { ...filter, fromBlock: hex(a), toBlock: hex(b) };
  };

  const forward = async (r: Request, params: unknown[] | undefined): Promise<Answer> => {
    const a = (await (await post(upstream, { jsonrpc: "2.0", id: r.id, method: r.method, params })).json()) as Answer;
    return a;
  };

  const answer = async (r: Request): Promise<Answer> => {
    const ok = (result: unknown) => ({ jsonrpc: "2.0", id: r.id, result });
    const params = r.params ?? [];
    switch (r.method) {
      case "eth_blockNumber":
        return ok(hex(chain.head));
      case "eth_getBlockByNumber": {
        if (params[1] === true) throw new Error("eth_getBlockByNumber with full transactions is not served");
        const n = qbftNumber(params[0]);
        return ok(n === undefined ? null : (chain.block(n) ?? null));
      }
      case "eth_getLogs": {
        const filter = logFilter((params[0] ?? {}) as Record<string, unknown>);
        if (!filter) return ok([]);
        const a = await forward(r, [filter]);
        if (Array.isArray(a.result)) rewriteLogObjects(a.result as { blockNumber?: string; blockHash?: string }[], chain);
        return a;
      }
      default:
        if (FORWARDED.has(r.method)) return forward(r, params);
        if (AT_BLOCK.has(r.method)) return forward(r, params.map((p, i) => (i === params.length - 1 && params.length >= 2 ? stateTag(p) : p)));
        throw new Error(`method ${r.method} not served`);
    }
  };
  const safely = (r: Request) => answer(r).catch((err: Error) => ({ jsonrpc: "2.0", id: r.id, error: { code: -32603, message: err.message } }));

  /** A single eth_getLogs, rewritten in its bytes (the audit's big answers). */
  const logsInBytes = async (r: Request): Promise<Buffer> => {
    const filter = logFilter((r.params?.[0] ?? {}) as Record<string, unknown>);
    if (!filter) return Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: r.id, result: [] }));
    const body = Buffer.from(await (await post(upstream, { jsonrpc: "2.0", id: r.id, method: r.method, params: [filter] })).arrayBuffer());
    const rewritten = rewriteLogBytes(body, chain);
    if (rewritten) return rewritten;
    const a = JSON.parse(body.toString("utf8")) as Answer;
    if (Array.isArray(a.result)) rewriteLogObjects(a.result as { blockNumber?: string; blockHash?: string }[], chain);
    return Buffer.from(JSON.stringify(a));
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      void (async () => {
        let out: Buffer;
        try {
          const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Request | Request[];
          if (Array.isArray(body)) out = Buffer.from(JSON.stringify(await Promise.all(body.map(safely))));
          else if (body.method === "eth_getLogs") out = await logsInBytes(body).catch((err: Error) => Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: body.id, error: { code: -32603, message: err.message } })));
          else out = Buffer.from(JSON.stringify(await safely(body)));
        } catch (err) {
          out = Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: (err as Error).message } }));
        }
        res.writeHead(200, { "content-type": "application/json", "content-length": out.length });
        res.end(out);
      })();
    });
  });
  // Node's default keep-alive of 5 s closed connections the audit still held while its thread was busy
  // checking a long run of headers (seen at 250,000 blocks: UND_ERR_SOCKET); anvil keeps them open longer.
  server.keepAliveTimeout = 600_000;
  server.headersTimeout = 601_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    chain,
    buildSeconds,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const upstream = opt("--upstream");
  if (!upstream) throw new Error("usage: tsx bench/qbft-shaped-node.ts --upstream URL [--blocks-per-block K] [--port P]");
  const node = await startQbftShapedNode(upstream, Number(opt("--blocks-per-block") ?? 1), Number(opt("--port") ?? 0));
  process.stderr.write(`QBFT-shaped view of ${upstream} (${node.chain.blocksPerBlock} blocks a block, head ${node.chain.head}, built in ${node.buildSeconds.toFixed(1)} s) at ${node.url}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
