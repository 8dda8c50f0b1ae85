// The streaming core of the external audit: block ranges go in, in order, each with its headers and the
// ledger's logs; headers are re-hashed and linked, every log is tied to its verified block (hash and
// logs bloom), decoded and replayed. Pure: the I/O layer (audit.ts) fetches, this only verifies.
import { HeaderChainVerifier } from "./headers";
import { LedgerLogDecoder, isDecodeFailure } from "./events";
import { EventReplayer } from "./replay";
import { keccakHex } from "./keccak";
import { FindingSink, type RpcBlock, type RpcLog } from "./types";

export interface EngineOptions {
  ledger: string;
  fromBlock: number;
  toBlock: number;
  /** the hash the first block must have (the deployment record's block hash) */
  anchorHash?: string;
  /** heights whose verified hashes are needed afterwards (checkpoints) */
  keepHashesAt?: Iterable<number>;
  maxFindingsPerKind?: number;
}

/** The three 11-bit bloom positions of a value (address or topic), as the yellow paper defines them. */
function bloomBits(bytesHex: string): [number, number, number] {
  const h = keccakHex(Buffer.from(bytesHex.replace(/^0x/, ""), "hex"));
  const at = (i: number) => parseInt(h.slice(i * 2, i * 2 + 4), 16) & 2047;
  return [at(0), at(2), at(4)];
}

function bloomHas(bloom: Uint8Array, bits: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    const b = bits[i];
    if (((bloom[255 - (b >> 3)] >> (b & 7)) & 1) === 0) return false;
  }
  return true;
}

export class AuditEngine {
  readonly sink: FindingSink;
  readonly headers: HeaderChainVerifier;
  readonly decoder: LedgerLogDecoder;
  readonly replayer: EventReplayer;
  private readonly bloomCache = new Map<string, [number, number, number]>();
  logsChecked = 0;
  private nextBlock: number;

  constructor(readonly opts: EngineOptions) {
    this.sink = new FindingSink(opts.maxFindingsPerKind);
    this.headers = new HeaderChainVerifier(opts.fromBlock, opts.toBlock, opts.anchorHash, opts.keepHashesAt);
    this.decoder = new LedgerLogDecoder(opts.ledger);
    this.replayer = new EventReplayer(this.sink);
    this.nextBlock = opts.fromBlock;
  }

  private lastTopic0 = "";
  private lastTopic0Bits: [number, number, number] = [0, 0, 0];
  private lastTopic1 = "";
  private lastTopic1Bits: [number, number, number] = [0, 0, 0];

  private bits(value: string): [number, number, number] {
    let b = this.bloomCache.get(value);
    if (!b) {
      b = bloomBits(value);
      if (this.bloomCache.size > 1_000_000) this.bloomCache.clear();
      this.bloomCache.set(value, b);
    }
    return b;
  }

  /**
   * Push the next consecutive block range: `blocks` are its headers in order, `logs` the ledger's logs
   * in it (eth_getLogs order).
   */
  pushRange(blocks: RpcBlock[], logs: RpcLog[]): void {
    if (blocks.length > 0 && Number(BigInt(blocks[0].number)) !== this.nextBlock) {
      throw new Error(`range starts at ${Number(BigInt(blocks[0].number))}, expected ${this.nextBlock}`);
    }
    const hashes = this.headers.push(blocks);
    // The range's verified hashes, blooms and timestamps: a log must belong to one of these blocks.
    const first = blocks.length > 0 ? Number(BigInt(blocks[0].number)) : this.nextBlock;
    const blooms = blocks.map((b) => Buffer.from(b.logsBloom.slice(2), "hex"));
    const times = blocks.map((b) => Number(BigInt(b.timestamp)));
    this.nextBlock = first + blocks.length;
    const ledgerBits = this.bits(this.opts.ledger);
    for (const log of logs) {
      this.logsChecked++;
      const e = this.decoder.decode(log);
      const i = e.block - first;
      if (i < 0 || i >= hashes.length) {
        this.sink.add({ check: "events", kind: "log-outside-range", severity: "critical", blockNumber: e.block, message: `the node returned a log of block ${e.block} for blocks ${first}..${first + hashes.length - 1}` });
        continue;
      }
      if (e.blockHash !== hashes[i]) {
        this.sink.add({ check: "events", kind: "log-from-other-block", severity: "critical", blockNumber: e.block, message: `log ${e.block}/${e.logIndex} names block hash ${e.blockHash}, but the verified block ${e.block} is ${hashes[i]} (a log from another fork)` });
      }
      // Every address and topic of a log is in its block's logs bloom: a log that is not was not emitted there.
      const bloom = blooms[i];
      const topics = log.topics;
      let inBloom = bloomHas(bloom, ledgerBits);
      if (inBloom && topics.length > 0) {
        // topic0 repeats (mostly StepRecorded): remember the last one instead of looking it up.
        if (topics[0] !== this.lastTopic0) {
          this.lastTopic0 = topics[0];
          this.lastTopic0Bits = this.bits(topics[0]);
        }
        inBloom = bloomHas(bloom, this.lastTopic0Bits);
      }
      if (inBloom && topics.length > 1) {
        // topic1 is the case reference: a step's rule events follow it with the same one.
        if (topics[1] !== this.lastTopic1) {
          this.lastTopic1 = topics[1];
          this.lastTopic1Bits = this.bits(topics[1]);
        }
        inBloom = bloomHas(bloom, this.lastTopic1Bits);
      }
      for (let t = 2; inBloom && t < topics.length; t++) inBloom = bloomHas(bloom, this.bits(topics[t]));
      if (!inBloom) {
        this.sink.add({ check: "events", kind: "log-not-in-bloom", severity: "critical", blockNumber: e.block, message: `log ${e.block}/${e.logIndex} is not in the logs bloom of its block: the node returned a log the block does not contain` });
      }
      if (isDecodeFailure(e)) this.replayer.pushFailure(e);
      else this.replayer.push(e, times[i]);
    }
  }

  /** Call after the last range. */
  finish(): void {
    this.headers.finish();
    this.replayer.finish();
    for (const f of this.headers.findings) this.sink.add(f);
  }
}
