// The pure parts of node limits: which JSON-RPC errors say "eth_getLogs range too large", how the block
// range shrinks and grows (services/shared/log-range.ts, shared by the agency service and the audit), and
// which transaction type the agency signs for a node's fees (chain/fees.ts).
import { expect } from "chai";
import { BlockRangeLimit, blockRangePages, isRangeTooLarge } from "../../services/shared/log-range";
import { chooseFees, DEFAULT_PRIORITY_FEE } from "../../services/agency/chain/fees";

class Refused extends Error {}

/** A node's eth_getLogs as a function: refuses toBlock - fromBlock above `cap` (Besu's rule), records each request. */
function cappedNode(cap: number) {
  const asked: [number, number][] = [];
  const fetch = async (a: number, b: number) => {
    asked.push([a, b]);
    if (b - a > cap) throw new Refused("Requested range exceeds maximum RPC range limit");
    return [a, b];
  };
  return { asked, fetch };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("eth_getLogs range limits", () => {
  it("recognises the nodes' 'range too large' answers and nothing else", () => {
    const tooLarge: [number | undefined, string][] = [
      [-32005, "Requested range exceeds maximum RPC range limit"], // Besu RpcErrorType.EXCEEDS_RPC_MAX_BLOCK_RANGE
      [-32602, "Requested range exceeds maximum range limit"], // Besu's exception text
      [-32005, "query returned more than 10000 results"], // geth, Infura
      [-32000, "exceed maximum block range: 5000"],
      [-32000, "block range is larger than max block range, block range = 5120, max block range = 5000"],
      [-32602, "range 1000000 exceeds limit of 10000"],
      [-32005, "limit exceeded"],
      [undefined, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"],
    ];
    for (const [code, message] of tooLarge) expect(isRangeTooLarge(code, message), message).to.equal(true);
    const other: [number | undefined, string][] = [
      [-32000, "header not found"],
      [-32602, "invalid argument 0: hex string without 0x prefix"],
      [-32603, "Internal error"],
      [-32601, "the method eth_getLogs does not exist/is not available"],
    ];
    for (const [code, message] of other) expect(isRangeTooLarge(code, message), message).to.equal(false);
  });

  it("pages by the configured maximum, without a refusal where the node allows it", async () => {
    const node = cappedNode(99);
    const pages = await collect(blockRangePages(10, 259, new BlockRangeLimit(100), node.fetch, (e) => e instanceof Refused));
    expect(pages.map((p) => [p.from, p.to])).to.deep.equal([
      [10, 109],
      [110, 209],
      [210, 259],
    ]);
    expect(node.asked).to.have.length(3);
  });

  it("halves a refused range down to what the node allows, covers every block once, and remembers the cap", async () => {
    const node = cappedNode(4); // five blocks a request
    const limit = new BlockRangeLimit(5000);
    const pages = await collect(blockRangePages(0, 99, limit, node.fetch, (e) => e instanceof Refused));
    const covered = pages.flatMap((p) => Array.from({ length: p.to - p.from + 1 }, (_, i) => p.from + i));
    expect(covered).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    expect(Math.max(...pages.map((p) => p.to - p.from + 1))).to.be.at.most(5);
    // 100 blocks asked, refused, halved to 50, 25, 12, 6, 3; then back up to 5, never again to a refused size.
    const refusals = node.asked.length - pages.length;
    expect(refusals).to.equal(5);
  });

  it("pages from the head down when asked to (the outbox's search for a step's log)", async () => {
    const node = cappedNode(9);
    const pages = await collect(blockRangePages(5, 34, new BlockRangeLimit(10), node.fetch, (e) => e instanceof Refused, true));
    expect(pages.map((p) => [p.from, p.to])).to.deep.equal([
      [25, 34],
      [15, 24],
      [5, 14],
    ]);
  });

  it("gives up with the node's error when even one block is refused, and passes other errors on", async () => {
    const never = async () => {
      throw new Refused("limit exceeded");
    };
    let caught: unknown;
    await collect(blockRangePages(0, 9, new BlockRangeLimit(8), never, (e) => e instanceof Refused)).catch((e: unknown) => (caught = e));
    expect(caught).to.be.instanceOf(Refused);
    const down = async () => {
      throw new Error("ECONNREFUSED");
    };
    caught = undefined;
    await collect(blockRangePages(0, 9, new BlockRangeLimit(8), down, (e) => e instanceof Refused)).catch((e: unknown) => (caught = e));
    expect((caught as Error).message).to.equal("ECONNREFUSED");
  });

  it("grows back to the maximum after answers in a row", () => {
    const limit = new BlockRangeLimit(64);
    expect(limit.shrink(64)).to.equal(true);
    expect(limit.current).to.equal(32);
    for (let i = 0; i < 4; i++) limit.grow(limit.current);
    expect(limit.current, "not straight back to the size refused").to.equal(63);
    for (let i = 0; i < 64; i++) limit.grow(limit.current);
    expect(limit.current, "tried again after many answers").to.equal(64);
    expect(new BlockRangeLimit(1).shrink(1)).to.equal(false);
    expect(() => new BlockRangeLimit(0)).to.throw(RangeError);
  });
});

describe("transaction fees by what the node charges", () => {
  it("signs legacy at eth_gasPrice where the latest block has no base fee or a zero one", () => {
    expect(chooseFees({ baseFeePerGas: undefined, gasPrice: 0n })).to.deep.equal({ type: 0, gasPrice: 0n });
    expect(chooseFees({ baseFeePerGas: undefined, gasPrice: 7n })).to.deep.equal({ type: 0, gasPrice: 7n });
    expect(chooseFees({ baseFeePerGas: 0n, gasPrice: 0n, priorityFee: 5n })).to.deep.equal({ type: 0, gasPrice: 0n });
  });

  it("signs EIP-1559 where a base fee is charged, with the node's tip or the default", () => {
    expect(chooseFees({ baseFeePerGas: 100n, gasPrice: 150n, priorityFee: 3n })).to.deep.equal({ type: 2, maxFeePerGas: 203n, maxPriorityFeePerGas: 3n });
    expect(chooseFees({ baseFeePerGas: 100n, gasPrice: 150n })).to.deep.equal({ type: 2, maxFeePerGas: 200n + DEFAULT_PRIORITY_FEE, maxPriorityFeePerGas: DEFAULT_PRIORITY_FEE });
  });
});
