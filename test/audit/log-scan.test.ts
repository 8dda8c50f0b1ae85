// The audit reads eth_getLogs answers straight from their bytes (log-scan.ts). These tests hold it to
// JSON.parse plus the packer (log-wire.ts) on the captured ledger's logs, in every layout JSON allows,
// make sure it hands anything unusual to JSON.parse, and check the range splitting of the parsed path
// against a node that refuses large ranges. Also the range sizes, and the event-id index on both of its
// paths, and the ids seen (uniqueness).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { EventIdIndex } from "../../services/audit/event-id-index";
import { SeenEventIds } from "../../services/audit/seen-event-ids";
import { STEP_RECORDED_TOPIC, eventKeyOf } from "../../services/audit/events";
import { LogScanner } from "../../services/audit/log-scan";
import { LogPacker, INTS_PER_RECORD, WORD_BYTES, type LogBatch } from "../../services/audit/log-wire";
import { FIRST_RANGE_BLOCKS, fetchLogBatch, nextRangeBlocks } from "../../services/audit/ranges";
import { RpcClient } from "../../services/audit/rpc";
import type { RpcLog } from "../../services/audit/types";
import { loadVector } from "./support/vector";

const v = loadVector();
const ledger = v.deployment.contracts.ProcedureLedger.address.toLowerCase();
const scanner = new LogScanner(ledger, STEP_RECORDED_TOPIC);
const packer = new LogPacker(ledger, STEP_RECORDED_TOPIC);

/** A batch as plain values (only the used part of its buffers). */
function plain(b: LogBatch) {
  return {
    count: b.count,
    records: b.records,
    ints: Array.from(b.ints.subarray(0, b.records * INTS_PER_RECORD)),
    words: b.words.toString("hex", 0, b.records * WORD_BYTES),
    others: b.others,
    blockHashes: b.blockHashes,
    txHashes: b.txHashes,
  };
}

const answer = (result: unknown, space?: number) => Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: 7, result }, null, space));

describe("audit: eth_getLogs answers read from their bytes", () => {
  it("packs the captured logs exactly as JSON.parse and the packer do, compact or spaced, keys in any order", () => {
    const expected = plain(packer.pack(v.logs));
    expect(expected.records).to.be.greaterThan(20);
    expect(expected.others.length).to.be.greaterThan(5); // rule and membership events
    const reversed = v.logs.map((l) => Object.fromEntries(Object.entries(l).reverse()) as unknown as RpcLog);
    // Keys in another order from log to log, and keys that begin like the expected ones.
    const mixed = v.logs.map((l, i) => (i % 3 === 1 ? reversed[i] : i % 3 === 2 ? { data2: "0x", ...l, dataX: "x" } : l));
    const bodies: [Buffer, RpcLog[]][] = [
      [answer(v.logs), v.logs],
      [answer(v.logs, 2), v.logs],
      [answer(reversed), v.logs],
      [answer(mixed), mixed],
      [Buffer.from(`\r\n{ "result" :${JSON.stringify(v.logs)} , "id":"x","jsonrpc":"2.0"}\t`), v.logs],
    ];
    for (const [body, logs] of bodies) {
      const got = scanner.scan(body);
      expect(got, body.toString("utf8", 0, 40)).to.not.equal(undefined);
      expect(plain(got!)).to.deep.equal(logs === v.logs ? expected : plain(packer.pack(logs)));
    }
    expect(plain(scanner.scan(answer(mixed))!).records).to.equal(expected.records);
    expect(plain(scanner.scan(answer([]))!)).to.deep.equal(plain(packer.pack([])));
  });

  it("leaves logs of an unusual shape to the general path, like the packer", () => {
    const step = v.logs.find((l) => l.topics[0] === STEP_RECORDED_TOPIC)!;
    const odd: RpcLog[] = [
      step,
      { ...step, data: step.data.toUpperCase().replace("0X", "0x") }, // upper-case hex: still a record
      { ...step, address: step.address.toUpperCase().replace("0X", "0x") },
      { ...step, data: step.data.slice(0, -2) }, // short data
      { ...step, data: step.data.slice(0, -1) + "g" }, // not hex
      { ...step, topics: [...step.topics, step.topics[1]] }, // a third topic
      { ...step, topics: [step.topics[0]] },
      { ...step, blockNumber: "0x100000000" }, // beyond 32 bits
      { ...step, logIndex: "0x" }, // no digits
      { ...step, topics: [step.topics[0], "0x1234"] }, // short case reference
      { ...step, address: "0x" + "11".repeat(20) }, // another contract
      { ...step, removed: true, transactionIndex: "0x1", extra: "ignored" } as RpcLog,
    ];
    const expected = plain(packer.pack(odd));
    expect(expected.records).to.equal(4);
    expect(expected.others.map((o) => o.at)).to.deep.equal([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(plain(scanner.scan(answer(odd))!)).to.deep.equal(expected);
  });

  it("returns nothing for answers it does not take, so that they are parsed as JSON", () => {
    // StepRecorded logs: records, whose fields the scanner checks itself (no JSON.parse of the log).
    const logs = JSON.stringify(v.logs.filter((l) => l.topics[0] === STEP_RECORDED_TOPIC).slice(0, 3));
    const bodies = [
      `{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"query returned more than 10000 results"}}`,
      `{"jsonrpc":"2.0","id":1,"result":null}`,
      `{"jsonrpc":"2.0","id":1,"result":${logs.replace('"0x', '"\\u0030x')}}`, // an escape
      `{"jsonrpc":"2.0","id":1,"result":${logs},"extra":1}`,
      `{"jsonrpc":"2.0","id":1,"result":${logs}}x`,
      `{"jsonrpc":"2.0","id":1,"result":${logs.slice(0, -5)}`,
      `{"jsonrpc":"2.0","id":1,"result":${logs.replace('"logIndex":"0x', '"logIndex":1,"x":"0x')}}`,
      `{"jsonrpc":"2.0","id":1.5,"result":${logs}}`,
      `{"jsonrpc":"2.0","id":1,"result":${logs.replace('"transactionIndex":"0x', '"transactionIndex":"\u0001x')}}`,
      `{"jsonrpc":"2.0","id":1,"result":[${logs.slice(1, -1)},]}`,
      `[{"jsonrpc":"2.0","id":1,"result":[]}]`,
    ];
    for (const body of bodies) expect(scanner.scan(Buffer.from(body)), body.slice(0, 60)).to.equal(undefined);
  });

  it("splits a range the node refuses as too large and packs what the halves return", async () => {
    const blocksOf = v.logs.map((l) => parseInt(l.blockNumber, 16));
    const [from, to] = [Math.min(...blocksOf), Math.max(...blocksOf)];
    expect(to - from).to.be.greaterThan(1);
    const requests: [number, number][] = [];
    // A node that answers at most two blocks a request, spaced JSON otherwise.
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const { id, params } = JSON.parse(body) as { id: number; params: [{ fromBlock: string; toBlock: string }] };
        const [a, b] = [parseInt(params[0].fromBlock, 16), parseInt(params[0].toBlock, 16)];
        requests.push([a, b]);
        const out = b - a > 1 ? { jsonrpc: "2.0", id, error: { code: -32005, message: "query returned more than 10000 results" } } : { jsonrpc: "2.0", id, result: v.logs.filter((l) => parseInt(l.blockNumber, 16) >= a && parseInt(l.blockNumber, 16) <= b) };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(out, null, 1));
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      const rpc = new RpcClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const got = await fetchLogBatch(rpc, scanner, packer, from, to);
      expect(plain(got)).to.deep.equal(plain(packer.pack(v.logs)));
      expect(requests[0]).to.deep.equal([from, to]);
      expect(requests.length).to.be.greaterThan(2);
    } finally {
      server.close();
    }
  });
});

describe("audit: block ranges", () => {
  it("sizes the next range by the latest range's density, growing at most fourfold", () => {
    expect(nextRangeBlocks(undefined, 5000, 2000)).to.equal(FIRST_RANGE_BLOCKS);
    expect(nextRangeBlocks({ blocks: 2, logs: 6800 }, 5000, 2000)).to.equal(1); // dense: one block
    expect(nextRangeBlocks({ blocks: 1, logs: 4 }, 5000, 2000)).to.equal(4); // a sparse start: no huge range
    expect(nextRangeBlocks({ blocks: 4, logs: 0 }, 5000, 2000)).to.equal(16); // nothing yet: grow
    expect(nextRangeBlocks({ blocks: 1000, logs: 0 }, 5000, 2000)).to.equal(2000); // at most maxBlocks
    expect(nextRangeBlocks({ blocks: 100, logs: 1000 }, 5000, 2000)).to.equal(400); // 10 a block: 500 blocks, at most 4 x 100
    expect(nextRangeBlocks({ blocks: 100, logs: 4000 }, 5000, 2000)).to.equal(125);
  });
});

/** An event id (agency in the top byte, sequence below) as the bytes a log record holds. */
const idBytes = (agency: number, seq: bigint) => Buffer.from(eventKeyOf((BigInt(agency) << 56n) | seq), "hex");

describe("audit: event-id index", () => {

  it("finds ids by bytes and by key, dense below 2^24 and by map above", () => {
    const idx = new EventIdIndex();
    const ids: [number, bigint][] = [
      [1, 1n],
      [1, 2n],
      [2, 1n],
      [1, (1n << 24n) - 1n],
      [1, 1n << 24n],
      [2, (1n << 56n) - 1n],
    ];
    ids.forEach(([a, s], i) => (i % 2 ? idx.setAt(idBytes(a, s), 0, i) : idx.set(eventKeyOf((BigInt(a) << 56n) | s), i)));
    expect(idx.size).to.equal(ids.length);
    ids.forEach(([a, s], i) => {
      expect(idx.getAt(idBytes(a, s), 0)).to.equal(i);
      expect(idx.get(eventKeyOf((BigInt(a) << 56n) | s))).to.equal(i);
    });
    for (const [a, s] of [
      [1, 3n],
      [3, 1n],
      [2, 2n],
      [1, (1n << 24n) + 1n],
    ] as const) {
      expect(idx.getAt(idBytes(a, s), 0)).to.equal(undefined);
      expect(idx.has(eventKeyOf((BigInt(a) << 56n) | s))).to.equal(false);
    }
    // An id set again keeps one entry.
    idx.setAt(idBytes(1, 1n), 0, 9);
    expect([idx.size, idx.get(eventKeyOf((1n << 56n) | 1n))]).to.deep.equal([ids.length, 9]);
  });
});

describe("audit: event ids seen (uniqueness without an index per event)", () => {
  const id = (agency: number, seq: bigint) => (BigInt(agency) << 56n) | seq;

  it("tells a repeat from a new id, in any order, up to the highest sequence number", () => {
    const seen = new SeenEventIds();
    const ids: [number, bigint][] = [
      [1, 5n],
      [1, 1n],
      [2, 1n],
      [1, 4096n],
      [1, 4095n],
      [1, (1n << 53n) + 1n],
      [2, (1n << 56n) - 1n],
      [1, 0n],
    ];
    for (const [a, s] of ids) expect(seen.addAt(idBytes(a, s), 0), `${a}/${s} new`).to.equal(true);
    for (const [a, s] of ids) {
      expect(seen.addAt(idBytes(a, s), 0), `${a}/${s} again`).to.equal(false);
      expect(seen.has(id(a, s))).to.equal(true);
    }
    for (const [a, s] of [
      [1, 2n],
      [3, 1n],
      [2, 2n],
      [1, 1n << 53n],
      [1, (1n << 53n) + 2n],
      [2, (1n << 56n) - 2n],
    ] as const) {
      expect(seen.has(id(a, s)), `${a}/${s} not seen`).to.equal(false);
    }
    expect(seen.size).to.equal(ids.length);
  });

  it("drops the bits of a page once every id in it was seen, and still knows them", () => {
    const seen = new SeenEventIds();
    // 20,000 ids of one agency, each batch of 100 in reverse (batches overtaking each other)
    for (let b = 0; b < 200; b++) for (let k = 100; k >= 1; k--) expect(seen.addAt(idBytes(1, BigInt(b * 100 + k)), 0)).to.equal(true);
    // pages of 4,096 ids: the first keeps its bits (id 0 is never recorded), the last is not full
    expect(seen.openPages).to.equal(2);
    for (const s of [1n, 4096n, 8191n, 12_000n, 20_000n]) {
      expect(seen.has(id(1, s))).to.equal(true);
      expect(seen.addAt(idBytes(1, s), 0)).to.equal(false);
    }
    expect(seen.has(id(1, 20_001n))).to.equal(false);
    expect(seen.size).to.equal(20_000);
  });
});
