// The streaming core of the external audit: block ranges go in, in order, each with its headers and the
// ledger's logs (packed, log-wire.ts); headers are re-hashed and linked, every log is tied to its verified
// block (hash and logs bloom), decoded and replayed. Pure: the I/O layer (audit.ts) fetches, this only
// verifies.
import type { HeaderConsensus } from "./consensus/chain-consensus";
import { HeaderChainVerifier } from "./headers";
import { LedgerLogDecoder, STEP_RECORDED_TOPIC, StepRecorded, isDecodeFailure } from "./events";
import { LogPacker, INTS_PER_RECORD, WORD_BYTES, type LogBatch } from "./log-wire";
import { EventReplayer } from "./replay";
import { keccakBytes } from "../shared/keccak";
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
  /** how the chain hashes and seals headers (consensus/chain-consensus.ts); default: plain Ethereum hashing */
  consensus?: HeaderConsensus;
  /** the verified hash of block fromBlock - 1, when the headers before the range were checked (QBFT) */
  previousHash?: string;
}

/** The three 11-bit bloom positions of a value (address or topic), as the yellow paper defines them. */
function bloomBits(bytesHex: string): [number, number, number] {
  return bloomBitsOf(Buffer.from(bytesHex.replace(/^0x/, ""), "hex"));
}

/** bloomBits of a value given as bytes. */
function bloomBitsOf(bytes: Uint8Array): [number, number, number] {
  const h = keccakBytes(bytes);
  return [((h[0] << 8) | h[1]) & 2047, ((h[2] << 8) | h[3]) & 2047, ((h[4] << 8) | h[5]) & 2047];
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
    this.headers = new HeaderChainVerifier(opts.fromBlock, opts.toBlock, opts.anchorHash, opts.keepHashesAt, { consensus: opts.consensus, previousHash: opts.previousHash });
    this.decoder = new LedgerLogDecoder(opts.ledger);
    this.replayer = new EventReplayer(this.sink);
    this.nextBlock = opts.fromBlock;
  }

  private packer: LogPacker | undefined;

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
   * in it (eth_getLogs order), packed here.
   */
  pushRange(blocks: RpcBlock[], logs: RpcLog[]): void {
    this.packer ??= new LogPacker(this.opts.ledger, STEP_RECORDED_TOPIC);
    this.pushBatch(blocks, this.packer.pack(logs));
  }

  /** Push the next consecutive block range with its logs packed (log-wire.ts, log-scan.ts). */
  pushBatch(blocks: RpcBlock[], batch: LogBatch): void {
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
    const stepBits = this.bits(STEP_RECORDED_TOPIC);
    const { ints, others } = batch;
    const words = batch.words;
    const intsPer = INTS_PER_RECORD;
    const wordsPer = WORD_BYTES;
    let r = 0;
    let o = 0;
    for (let pos = 0; pos < batch.count; pos++) {
      if (o < others.length && others[o].at === pos) {
        this.pushLog(others[o++].log, first, hashes, blooms, times);
        continue;
      }
      // A packed StepRecorded: the ledger's address and the StepRecorded topic (log-wire.ts).
      const n = r * intsPer;
      const at = r * wordsPer;
      r++;
      const block = ints[n];
      const logIndex = ints[n + 1];
      const blockHash = batch.blockHashes[ints[n + 2]];
      const i = this.tiedToBlock(block, logIndex, blockHash, first, hashes);
      if (i < 0) continue;
      const c = this.replayer.caseFor(words, at, block);
      const e = new StepRecorded(block, logIndex, blockHash, batch.txHashes[ints[n + 3]], c.caseRef, words, at);
      const bloom = blooms[i];
      const caseBits = (c.bloomBits ??= bloomBitsOf(words.subarray(at, at + 32)));
      if (!bloomHas(bloom, ledgerBits) || !bloomHas(bloom, stepBits) || !bloomHas(bloom, caseBits)) this.notInBloom(block, logIndex);
      this.replayer.push(e, times[i], c);
    }
  }

  /** Count a log; the index of its block in the range, or -1 (a finding) when it is not one of them. */
  private tiedToBlock(block: number, logIndex: number, blockHash: string, first: number, hashes: string[]): number {
    this.logsChecked++;
    const i = block - first;
    if (i < 0 || i >= hashes.length) {
      this.sink.add({ check: "events", kind: "log-outside-range", severity: "critical", blockNumber: block, message: `the node returned a log of block ${block} for blocks ${first}..${first + hashes.length - 1}` });
      return -1;
    }
    if (blockHash !== hashes[i]) {
      this.sink.add({ check: "events", kind: "log-from-other-block", severity: "critical", blockNumber: block, message: `log ${block}/${logIndex} names block hash ${blockHash}, but the verified block ${block} is ${hashes[i]} (a log from another fork)` });
    }
    return i;
  }

  private notInBloom(block: number, logIndex: number): void {
    this.sink.add({ check: "events", kind: "log-not-in-bloom", severity: "critical", blockNumber: block, message: `log ${block}/${logIndex} is not in the logs bloom of its block: the node returned a log the block does not contain` });
  }

  /** A log as the node sent it (not packed): decoded by the general path. */
  private pushLog(log: RpcLog, first: number, hashes: string[], blooms: Buffer[], times: number[]): void {
    const e = this.decoder.decode(log);
    const i = this.tiedToBlock(e.block, e.logIndex, e.blockHash, first, hashes);
    if (i < 0) return;
    // Every address and topic of a log is in its block's logs bloom: a log that is not was not emitted there.
    const bloom = blooms[i];
    let inBloom = bloomHas(bloom, this.bits(this.opts.ledger));
    for (let t = 0; inBloom && t < log.topics.length; t++) inBloom = bloomHas(bloom, this.bits(log.topics[t]));
    if (!inBloom) this.notInBloom(e.block, e.logIndex);
    if (isDecodeFailure(e)) this.replayer.pushFailure(e);
    else this.replayer.push(e, times[i]);
  }

  /** Call after the last range. */
  finish(): void {
    this.headers.finish();
    this.replayer.finish();
    for (const f of this.headers.findings) this.sink.add(f);
  }
}
