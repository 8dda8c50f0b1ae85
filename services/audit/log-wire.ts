// The ledger's logs of one block range in the compact form in which the engine reads them (engine.ts):
// a StepRecorded log of the usual shape becomes a fixed-size record (four numbers, and its case reference
// and the data's two words as bytes), so that the verification neither holds a string per field nor
// collects them afterwards; every other log (rule and membership events, and any log of an unusual shape:
// other address or topic, data that is short or not hex, a number beyond 32 bits) is kept as the node sent it
// and decoded by the general path. Made from parsed logs (LogPacker.pack) or straight from the bytes of
// the node's answer (log-scan.ts). Pure.
import type { RpcLog } from "../shared/rpc-log";

/** Numbers per record in `ints`: block, log index, block hash #, transaction hash #. */
export const INTS_PER_RECORD = 4;
/** Bytes per record in `words`: the case reference (topic 1), the packed step word and the commitment (data). */
export const WORD_BYTES = 96;

export interface LogBatch {
  /** logs in the batch: records and others together, in the node's order */
  count: number;
  /** records packed: INTS_PER_RECORD numbers each */
  ints: Uint32Array;
  /** records' case reference and data: WORD_BYTES each */
  words: Buffer;
  records: number;
  /** the other logs with their position in the batch's order (ascending) */
  others: { at: number; log: RpcLog }[];
  /** the records' distinct block hashes (lower case) and transaction hashes, by number */
  blockHashes: string[];
  txHashes: string[];
}

const HAS_UPPER = /[A-F]/;
const U32 = 0x1_0000_0000;

/** A batch being filled, record by record; the buffers grow as needed. */
export class BatchBuilder {
  ints: Uint32Array;
  words: Buffer;
  records = 0;
  count = 0;
  readonly others: LogBatch["others"] = [];
  readonly blockHashes: string[] = [];
  readonly txHashes: string[] = [];

  constructor(capacity: number) {
    const n = Math.max(1, capacity);
    this.ints = new Uint32Array(n * INTS_PER_RECORD);
    this.words = Buffer.alloc(n * WORD_BYTES);
  }

  /** The byte offset in `words` of the next record (written by the caller, kept by addRecord). */
  nextWordsAt(): number {
    if ((this.records + 1) * WORD_BYTES > this.words.length) {
      const n = this.records * 2 + 16;
      const ints = new Uint32Array(n * INTS_PER_RECORD);
      ints.set(this.ints);
      const words = Buffer.alloc(n * WORD_BYTES);
      words.set(this.words);
      this.ints = ints;
      this.words = words;
    }
    return this.records * WORD_BYTES;
  }

  /** Keep the record whose words were written at nextWordsAt(). */
  addRecord(block: number, logIndex: number, blockHashNo: number, txHashNo: number): void {
    const i = this.records * INTS_PER_RECORD;
    this.ints[i] = block;
    this.ints[i + 1] = logIndex;
    this.ints[i + 2] = blockHashNo;
    this.ints[i + 3] = txHashNo;
    this.records++;
    this.count++;
  }

  addOther(log: RpcLog): void {
    this.others.push({ at: this.count++, log });
  }

  /** The number of a block hash seen for the first time in a row (lower-cased). */
  addBlockHash(hash: string): number {
    this.blockHashes.push(HAS_UPPER.test(hash) ? hash.toLowerCase() : hash);
    return this.blockHashes.length - 1;
  }

  addTxHash(hash: string): number {
    this.txHashes.push(hash);
    return this.txHashes.length - 1;
  }

  build(): LogBatch {
    // The replay keeps every step's record bytes (StepRecorded.words) to the end of the audit: keep the
    // bytes used, not the room to grow (the capacity is estimated from the answer's size). Buffer.alloc,
    // not a pooled copy: the records must start on a 4-byte boundary.
    let words = this.words;
    if (words.length > this.records * WORD_BYTES) {
      words = Buffer.alloc(this.records * WORD_BYTES);
      this.words.copy(words, 0, 0, words.length);
    }
    return { count: this.count, ints: this.ints, words, records: this.records, others: this.others, blockHashes: this.blockHashes, txHashes: this.txHashes };
  }
}

/** Whether a parsed quantity fits a record's 32-bit number. */
export const fitsU32 = (n: number): boolean => n >= 0 && n < U32;

/** Packs a range's logs (parsed JSON) for the engine. */
export class LogPacker {
  readonly ledger: string;
  readonly stepTopic: string;

  constructor(ledger: string, stepTopic: string) {
    this.ledger = ledger.toLowerCase();
    this.stepTopic = stepTopic.toLowerCase();
  }

  pack(logs: RpcLog[]): LogBatch {
    const b = new BatchBuilder(logs.length);
    let lastBlockHash: unknown;
    let lastTx: unknown;
    let blockHashNo = -1;
    let txNo = -1;
    for (const log of logs) {
      const { blockHash, transactionHash: tx, data } = log;
      const block = this.isStepRecorded(log) ? parseInt(log.blockNumber, 16) : NaN;
      const logIndex = block >= 0 ? parseInt(log.logIndex, 16) : NaN;
      const caseRef = block >= 0 ? log.topics[1] : undefined;
      const w = b.nextWordsAt();
      if (
        !(fitsU32(block) && fitsU32(logIndex)) ||
        typeof blockHash !== "string" ||
        typeof tx !== "string" ||
        typeof data !== "string" ||
        data.length !== 2 + 64 * 2 ||
        !data.startsWith("0x") ||
        typeof caseRef !== "string" ||
        caseRef.length !== 2 + 32 * 2 ||
        !caseRef.startsWith("0x") ||
        // Buffer.write stops at the first character that is not hex.
        b.words.write(caseRef.slice(2), w, 32, "hex") !== 32 ||
        b.words.write(data.slice(2), w + 32, 64, "hex") !== 64
      ) {
        b.addOther(log);
        continue;
      }
      if (blockHash !== lastBlockHash) {
        lastBlockHash = blockHash;
        blockHashNo = b.addBlockHash(blockHash);
      }
      if (tx !== lastTx) {
        lastTx = tx;
        txNo = b.addTxHash(tx);
      }
      b.addRecord(block, logIndex, blockHashNo, txNo);
    }
    return b.build();
  }

  /** Whether a log has the ledger's address, the StepRecorded topic and one more topic. */
  private isStepRecorded(log: RpcLog): boolean {
    const { address, topics } = log;
    if (typeof address !== "string" || (address !== this.ledger && address.toLowerCase() !== this.ledger)) return false;
    if (!Array.isArray(topics) || topics.length !== 2 || typeof topics[0] !== "string") return false;
    return topics[0] === this.stepTopic || topics[0].toLowerCase() === this.stepTopic;
  }
}
