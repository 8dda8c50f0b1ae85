// An eth_getLogs answer read straight from its bytes into a LogBatch (log-wire.ts), without JSON.parse:
// parsing the node's JSON into objects and strings, and collecting them afterwards, was one of the largest
// costs of an audit on a busy ledger. The scanner takes only the plain shape of such an answer, strictly:
// {"jsonrpc": "2.0", "id": …, "result": [log, …]} with logs of string, array-of-string and boolean fields,
// any order, any whitespace. A StepRecorded log of the usual shape becomes a record with its hex decoded
// in place; any other log is parsed as JSON on its own (JSON.parse of its bytes) and goes the general
// path. Anything else (an error answer, a backslash anywhere, another shape) makes scan() return
// undefined, and the caller parses the whole answer as JSON: same batches, slower. Pure.
import type { RpcLog } from "../shared/rpc-log";
import { BatchBuilder, fitsU32, type LogBatch } from "./log-wire";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Hex digit values by byte; -1 for any other byte. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) HEX[0x61 + i] = HEX[0x41 + i] = 10 + i;
/** Byte values by two hex digits (first << 8 | second); -1 for any other pair. */
const HEX2 = new Int16Array(65536).fill(-1);
for (let a = 0; a < 256; a++) for (let c = 0; c < 256; c++) if (HEX[a] >= 0 && HEX[c] >= 0) HEX2[(a << 8) | c] = (HEX[a] << 4) | HEX[c];

/** The answer is not of the plain shape (thrown inside the scanner, caught by scan()). */
class NotPlain extends Error {}

// The fields of a log, by the keys the scanner knows; Topic0 and Topic1 are the first two topics.
const enum Field {
  Address,
  Data,
  BlockNumber,
  BlockHash,
  TransactionHash,
  LogIndex,
  Topic0,
  Topic1,
  Topics,
  Removed,
  Unknown,
}
const FIELD_KEYS = (
  [
    ["address", Field.Address],
    ["topics", Field.Topics],
    ["data", Field.Data],
    ["blockNumber", Field.BlockNumber],
    ["blockHash", Field.BlockHash],
    ["transactionHash", Field.TransactionHash],
    ["logIndex", Field.LogIndex],
    ["removed", Field.Removed],
  ] as const
).map(([name, f]) => ({ bytes: Buffer.from(name, "latin1"), f }));
/** Member places of a log whose keys are remembered (a log has ten). */
const MAX_KEYS = 16;
const EMPTY = Buffer.alloc(0);

export class LogScanner {
  private readonly ledger: Buffer;
  private readonly ledgerText: Buffer;
  private readonly stepTopicText: Buffer;
  private readonly stepTopic: Buffer;
  // The answer being read and the position in it.
  private b: Buffer = EMPTY;
  private p = 0;
  // The current log's string fields (by Field): start and end of their contents, -1 where absent.
  private readonly spans = new Int32Array(2 * Field.Topics);
  private topics = 0;
  /** where the string last read by string() ends */
  private end = 0;
  /** per run (runNo): start and end of the last string, its number */
  private readonly runs = new Int32Array(6);
  /** per member place in a log: the previous log's key there (start, end in this answer) and its field */
  private readonly keys = new Int32Array(3 * MAX_KEYS).fill(-1);

  constructor(ledger: string, stepTopic: string) {
    this.ledger = Buffer.from(ledger.replace(/^0x/, ""), "hex");
    this.stepTopic = Buffer.from(stepTopic.replace(/^0x/, ""), "hex");
    this.ledgerText = Buffer.from("0x" + this.ledger.toString("hex"), "latin1");
    this.stepTopicText = Buffer.from("0x" + this.stepTopic.toString("hex"), "latin1");
  }

  /**
   * The logs of a JSON-RPC answer to eth_getLogs (its bytes), packed; undefined when the answer is not
   * of the plain shape: then parse it as JSON.
   */
  scan(body: Buffer): LogBatch | undefined {
    // No string escapes anywhere: a string then ends at the next quote.
    if (body.indexOf(BACKSLASH) !== -1) return undefined;
    this.b = body;
    this.p = 0;
    try {
      return this.answer();
    } catch (err) {
      // SyntaxError: a log of another shape that is not JSON either (the whole answer then fails as JSON).
      if (err instanceof NotPlain || err instanceof SyntaxError) return undefined;
      throw err;
    } finally {
      this.b = EMPTY;
    }
  }

  private answer(): LogBatch {
    let batch: LogBatch | undefined;
    this.expect(LBRACE);
    do {
      const ks = this.string();
      const ke = this.end;
      this.expect(COLON);
      if (this.keyIs(ks, ke, "result")) batch = this.logs();
      else if (this.keyIs(ks, ke, "jsonrpc")) this.plainString();
      else if (this.keyIs(ks, ke, "id")) this.idValue();
      else throw new NotPlain(); // an error answer, or more than a result
    } while (this.separator(RBRACE));
    this.ws();
    if (this.p !== this.b.length || !batch) throw new NotPlain();
    return batch;
  }

  private logs(): LogBatch {
    const out = new BatchBuilder(Math.ceil(this.b.length / 400));
    this.expect(LBRACKET);
    this.ws();
    if (this.b[this.p] === RBRACKET) {
      this.p++;
      return out.build();
    }
    this.runs.fill(-1);
    this.keys.fill(-1);
    do {
      this.ws();
      const start = this.p;
      this.log();
      const w = out.nextWordsAt();
      const words = out.words;
      const f = this.spans;
      const block = this.isStepRecorded() ? this.quantity(Field.BlockNumber) : -1;
      const logIndex = block >= 0 ? this.quantity(Field.LogIndex) : -1;
      if (
        block < 0 ||
        logIndex < 0 ||
        f[2 * Field.BlockHash] < 0 ||
        f[2 * Field.TransactionHash] < 0 ||
        !this.hexInto(Field.Topic1, 32, words, w) ||
        !this.hexInto(Field.Data, 64, words, w + 32)
      ) {
        out.addOther(JSON.parse(this.b.toString("utf8", start, this.p)) as RpcLog);
        continue;
      }
      out.addRecord(block, logIndex, this.runNo(Field.BlockHash, 0, out), this.runNo(Field.TransactionHash, 1, out));
    } while (this.separator(RBRACKET));
    return out.build();
  }

  /**
   * The number of field `f`'s string in the batch (run `k`: 0 block hashes, 1 transaction hashes):
   * consecutive logs mostly share their block and transaction, so a string is made only where it changes.
   */
  private runNo(f: Field, k: number, out: BatchBuilder): number {
    const s = this.spans[2 * f];
    const e = this.spans[2 * f + 1];
    const r = this.runs;
    if (!this.same(s, e, r[3 * k], r[3 * k + 1])) {
      const text = this.b.toString("utf8", s, e);
      r[3 * k] = s;
      r[3 * k + 1] = e;
      r[3 * k + 2] = k === 0 ? out.addBlockHash(text) : out.addTxHash(text);
    }
    return r[3 * k + 2];
  }

  /** One log object: its known fields' positions; other fields checked and skipped. */
  private log(): void {
    this.spans.fill(-1);
    this.topics = 0;
    this.expect(LBRACE);
    this.ws();
    if (this.b[this.p] === RBRACE) {
      this.p++;
      return;
    }
    const keys = this.keys;
    let n = 0;
    do {
      // A node writes its logs' keys in one order: the key at this place in the previous log is tried
      // first (same bytes, then quote and colon), before looking the key up.
      this.ws();
      const b = this.b;
      const p = this.p;
      const ps = keys[3 * n];
      const len = keys[3 * n + 1] - ps;
      let f: Field;
      if (n < MAX_KEYS && ps >= 0 && b[p] === QUOTE && b[p + 1 + len] === QUOTE && b[p + 2 + len] === COLON && this.same(p + 1, p + 1 + len, ps, ps + len)) {
        f = keys[3 * n + 2];
        this.p = p + 3 + len;
      } else {
        const ks = this.string();
        const ke = this.end;
        this.expect(COLON);
        f = this.field(ks, ke);
        if (n < MAX_KEYS) {
          keys[3 * n] = ks;
          keys[3 * n + 1] = ke;
          keys[3 * n + 2] = f;
        }
      }
      n++;
      if (f === Field.Topics) this.topicList();
      else if (f === Field.Removed) this.boolean();
      else if (f === Field.Unknown) this.plainString(); // transactionIndex, blockTimestamp, …: a string, or the answer is not plain
      else this.span(f);
    } while (this.separator(RBRACE));
  }

  /** A string field's content, remembered as the span of `f`. */
  private span(f: Field): void {
    this.spans[2 * f] = this.string();
    this.spans[2 * f + 1] = this.end;
  }

  private topicList(): void {
    this.expect(LBRACKET);
    this.ws();
    this.topics = 0;
    this.spans[2 * Field.Topic0] = this.spans[2 * Field.Topic1] = -1;
    if (this.b[this.p] === RBRACKET) {
      this.p++;
      return;
    }
    do {
      if (this.topics < 2) this.span(this.topics === 0 ? Field.Topic0 : Field.Topic1);
      else this.string();
      this.topics++;
    } while (this.separator(RBRACKET));
  }

  /** The ledger's address, the StepRecorded topic and one more topic of 32 bytes, data of 64. */
  private isStepRecorded(): boolean {
    return this.topics === 2 && this.equalsHex(Field.Address, this.ledger, this.ledgerText) && this.equalsHex(Field.Topic0, this.stepTopic, this.stepTopicText);
  }

  // ---- the grammar ------------------------------------------------------------------------------

  private ws(): void {
    const b = this.b;
    let p = this.p;
    for (let c = b[p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
    this.p = p;
  }

  private expect(c: number): void {
    this.ws();
    if (this.b[this.p] !== c) throw new NotPlain();
    this.p++;
  }

  /** After a member or element: true at a comma, false at `close` (both consumed). */
  private separator(close: number): boolean {
    this.ws();
    const c = this.b[this.p++];
    if (c === COMMA) return true;
    if (c === close) return false;
    throw new NotPlain();
  }

  /** A string: where its content starts; it ends at `this.end` (no escapes: the answer has no backslash). */
  private string(): number {
    this.expect(QUOTE);
    const b = this.b;
    const s = this.p;
    // Keys and short values end within a few bytes: looked for here; longer ones by indexOf.
    let e = s;
    for (const near = s + 16; e < near && b[e] !== QUOTE; e++);
    if (b[e] !== QUOTE) e = b.indexOf(QUOTE, e);
    if (e < 0) throw new NotPlain();
    this.p = e + 1;
    this.end = e;
    return s;
  }

  /** A string whose content is not used: checked for control characters, as JSON requires. */
  private plainString(): void {
    for (let i = this.string(); i < this.end; i++) if (this.b[i] < 0x20) throw new NotPlain();
  }

  private boolean(): void {
    this.ws();
    const b = this.b;
    const p = this.p;
    if (b[p] === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65) this.p += 4; // true
    else if (b[p] === 0x66 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73 && b[p + 4] === 0x65) this.p += 5; // false
    else throw new NotPlain();
  }

  /** The answer's id: a string or an integer. */
  private idValue(): void {
    this.ws();
    if (this.b[this.p] === QUOTE) return this.plainString();
    const s = this.p;
    if (this.b[this.p] === 0x2d) this.p++; // -
    while (this.b[this.p] >= 0x30 && this.b[this.p] <= 0x39) this.p++;
    if (this.p === s || (this.p === s + 1 && this.b[s] === 0x2d)) throw new NotPlain();
  }

  private keyIs(s: number, e: number, name: string): boolean {
    if (e - s !== name.length) return false;
    for (let i = 0; i < name.length; i++) if (this.b[s + i] !== name.charCodeAt(i)) return false;
    return true;
  }

  private field(s: number, e: number): Field {
    const n = e - s;
    for (const { bytes, f } of FIELD_KEYS) {
      if (bytes.length !== n || bytes[0] !== this.b[s]) continue;
      let i = 1;
      while (i < n && bytes[i] === this.b[s + i]) i++;
      if (i === n) return f;
    }
    return Field.Unknown;
  }

  // ---- values -------------------------------------------------------------------------------------

  /** Whether field `f` is 0x and the hex of `bytes` (either case); `text`: that hex in lower case, as nodes send it. */
  private equalsHex(f: Field, bytes: Buffer, text: Buffer): boolean {
    const s = this.spans[2 * f];
    if (s >= 0 && this.spans[2 * f + 1] - s === text.length) {
      const b = this.b;
      let i = 0;
      while (i < text.length && b[s + i] === text[i]) i++;
      if (i === text.length) return true;
    }
    return this.hex(f, bytes.length, bytes, 0, false);
  }

  /** Decode field `f` (0x and 2n hex digits) into out[o..o+n]; false if it is not that. */
  private hexInto(f: Field, n: number, out: Buffer, o: number): boolean {
    return this.hex(f, n, out, o, true);
  }

  /** Field `f` as 0x and 2n hex digits: written to out[o..o+n] (write) or compared with it; false if it is not that (or differs). */
  private hex(f: Field, n: number, out: Buffer, o: number, write: boolean): boolean {
    const b = this.b;
    const s = this.spans[2 * f];
    if (s < 0 || this.spans[2 * f + 1] - s !== 2 + n * 2 || b[s] !== 0x30 || b[s + 1] !== 0x78) return false;
    for (let i = 0, p = s + 2; i < n; i++, p += 2) {
      const v = HEX2[(b[p] << 8) | b[p + 1]];
      if (v < 0) return false;
      if (write) out[o + i] = v;
      else if (out[o + i] !== v) return false;
    }
    return true;
  }

  /** Field `f` as a hex quantity (0x and 1-8 digits); -1 if it is not one. */
  private quantity(f: Field): number {
    const b = this.b;
    const s = this.spans[2 * f];
    const e = this.spans[2 * f + 1];
    if (s < 0 || e - s < 3 || e - s > 10 || b[s] !== 0x30 || b[s + 1] !== 0x78) return -1;
    let v = 0;
    for (let p = s + 2; p < e; p++) {
      const d = HEX[b[p]];
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return fitsU32(v) ? v : -1;
  }

  /** Whether [s, e) and [s2, e2) hold the same bytes. */
  private same(s: number, e: number, s2: number, e2: number): boolean {
    if (s2 < 0 || e - s !== e2 - s2) return false;
    const b = this.b;
    for (let i = 0; i < e - s; i++) if (b[s + i] !== b[s2 + i]) return false;
    return true;
  }
}
