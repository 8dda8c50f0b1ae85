// The audit's JSON-RPC client against a real HTTP server that closes the connection of a request instead
// of answering it, as a node does with a keep-alive connection it found idle: every call is a read, so the
// client sends it again; a node that never answers still stops the audit with CannotRun.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { CannotRun, RpcClient } from "../../services/audit/rpc";

async function serve(closeFirst: number): Promise<{ server: Server; url: string; requests: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      n++;
      if (n <= closeFirst) {
        req.socket.destroy();
        return;
      }
      const { id } = JSON.parse(Buffer.concat(chunks).toString()) as { id: number };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result: "0x1092" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => n };
}

describe("audit: JSON-RPC client and connections the node closes", () => {
  it("sends a call again when the node closed its connection, and gives up after three tries", async () => {
    const once = await serve(1);
    try {
      expect(await new RpcClient(once.url).call<string>("eth_chainId", [])).to.equal("0x1092");
      expect(once.requests(), "the second request answered").to.equal(2);
    } finally {
      once.server.close();
    }
    const always = await serve(Number.POSITIVE_INFINITY);
    try {
      const err = await new RpcClient(always.url).call("eth_chainId", []).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(CannotRun);
      expect(always.requests()).to.equal(3);
    } finally {
      always.server.close();
    }
  });
});
