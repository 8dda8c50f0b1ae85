// Decoding the ledger's logs. The ABI comes from the compiled contract (typechain); topic hashes and
// argument layout are taken from the ethers Interface once, then every log is decoded by slicing its
// 32-byte words, which is many times faster than a general ABI decoder and as strict: a value with bits
// above its type's width is reported, not masked. Pure, no I/O.
import { Interface, type EventFragment, type ParamType } from "ethers";
import { ProcedureLedger__factory } from "../../typechain-types";
import type { RpcLog } from "./types";

export const LEDGER_INTERFACE: Interface = ProcedureLedger__factory.createInterface();
export const STEP_RECORDED_TOPIC = LEDGER_INTERFACE.getEvent("StepRecorded")!.topicHash;

export type ArgValue = bigint | number | string | boolean;

export interface LogBase {
  block: number;
  logIndex: number;
  blockHash: string;
  txHash: string;
}

/**
 * A StepRecorded event with its packed word unpacked. Its case reference and data stay as bytes (in the
 * range's record buffer, log-wire.ts): the replay hashes them as they are, and the hex views are made only
 * when asked for.
 */
export class StepRecorded implements LogBase {
  // Made per log as it streams in and when a check needs a step again (StepLog.at): it holds only where
  // the step is and its record's bytes; the step's fields are read from those bytes.
  constructor(
    readonly block: number,
    readonly logIndex: number,
    readonly blockHash: string,
    readonly txHash: string,
    /** 0x and 64 lower-case hex digits */
    readonly caseRef: string,
    /**
     * from `at`: the case reference (32 bytes), the packed step word (32), the commitment (32). Starts on
     * a 4-byte boundary and `at` is a multiple of 4: the replay copies and compares it in 4-byte words.
     */
    readonly words: Buffer,
    readonly at: number,
  ) {}

  // Packed word (bytes from at + 32): 0-10 bits 168-255, 11-14 businessDate, 15-22 detail, 23 step, 24-31
  // eventId (24 its agency).
  get name(): "StepRecorded" {
    return "StepRecorded";
  }

  get agency(): number {
    return this.words[this.at + 56];
  }

  get step(): number {
    return this.words[this.at + 55];
  }

  /** the detail code; exact below 2^53 (all codes), approximate above (a corrected event id: use detail) */
  get detailNum(): number {
    return u32(this.words, this.at + 47) * 0x1_0000_0000 + u32(this.words, this.at + 51);
  }

  get businessDate(): number {
    return u32(this.words, this.at + 43);
  }

  /** whether any bit above 168 is set (the contract rejects such a step) */
  get highBitsSet(): boolean {
    const w = this.words;
    const p = this.at + 32;
    return (w[p] | w[p + 1] | w[p + 2] | w[p + 3] | w[p + 4] | w[p + 5] | w[p + 6] | w[p + 7] | w[p + 8] | w[p + 9] | w[p + 10]) !== 0;
  }

  /** the packed word as 64 lowercase hex digits (no 0x) */
  get packedHex(): string {
    return this.words.toString("hex", this.at + 32, this.at + 64);
  }

  /** the commitment as 64 lowercase hex digits (no 0x) */
  get commitmentHex(): string {
    return this.words.toString("hex", this.at + 64, this.at + 96);
  }

  /** the commitment as 0x-hex */
  get commitment(): string {
    return "0x" + this.commitmentHex;
  }

  /** where the commitment's 32 bytes start in `words` */
  get commitmentAt(): number {
    return this.at + 64;
  }

  /** where the event id's 8 bytes start in `words` */
  get eventIdAt(): number {
    return this.at + 56;
  }

  /** the event id as 16 hex digits: the map key used throughout the audit */
  get eventKey(): string {
    return this.words.toString("hex", this.at + 56, this.at + 64);
  }

  get eventId(): bigint {
    return BigInt("0x" + this.eventKey);
  }

  get detail(): bigint {
    return BigInt("0x" + this.words.toString("hex", this.at + 47, this.at + 55));
  }
}

/** The big-endian 32-bit number at `bytes[at..at+4]`. */
function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/** Any other ledger event, arguments by name. */
export interface OtherEvent extends LogBase {
  name: string;
  args: Record<string, ArgValue>;
}

export type LedgerEvent = StepRecorded | OtherEvent;

export function isStepRecorded(e: LedgerEvent | DecodeFailure): e is StepRecorded {
  return e instanceof StepRecorded;
}

export interface DecodeFailure extends LogBase {
  name?: string;
  error: string;
}

type WordDecoder = (word: string) => ArgValue | undefined;

function wordDecoder(p: ParamType): WordDecoder | undefined {
  const t = p.type;
  let m = /^uint(\d+)$/.exec(t);
  if (m) {
    const bits = Number(m[1]);
    const limit = 1n << BigInt(bits);
    return (w) => {
      const v = BigInt("0x" + w);
      if (v >= limit) return undefined;
      return bits <= 48 ? Number(v) : v;
    };
  }
  if (t === "address") return (w) => (/^0{24}/.test(w) ? "0x" + w.slice(24) : undefined);
  if (t === "bool") return (w) => (/^0{63}[01]$/.test(w) ? w.endsWith("1") : undefined);
  m = /^bytes(\d+)$/.exec(t);
  if (m) {
    const n = Number(m[1]) * 2;
    const pad = new RegExp(`^0{${64 - n}}$`);
    return (w) => (n === 64 || pad.test(w.slice(n)) ? "0x" + w.slice(0, n) : undefined);
  }
  return undefined; // dynamic or signed: decoded by the general decoder
}

interface EventLayout {
  fragment: EventFragment;
  indexed: { name: string; decode: WordDecoder }[];
  data: { name: string; decode: WordDecoder }[];
  /** all arguments static: decoded by slicing */
  fast: boolean;
}


/** Decodes the ledger's logs by topic; StepRecorded has its own path. */
export class LedgerLogDecoder {
  private readonly layouts = new Map<string, EventLayout>();

  constructor(
    readonly ledgerAddress: string,
    readonly iface: Interface = LEDGER_INTERFACE,
  ) {
    this.ledgerAddress = ledgerAddress.toLowerCase();
    iface.forEachEvent((fragment) => {
      const indexed: EventLayout["indexed"] = [];
      const data: EventLayout["data"] = [];
      let fast = true;
      for (const p of fragment.inputs) {
        const d = wordDecoder(p);
        if (!d) fast = false;
        (p.indexed ? indexed : data).push({ name: p.name, decode: d ?? (() => undefined) });
      }
      this.layouts.set(fragment.topicHash, { fragment, indexed, data, fast });
    });
  }

  /** The topic hash of an event name. */
  static topicOf(name: string, iface: Interface = LEDGER_INTERFACE): string {
    const f = iface.getEvent(name);
    if (!f) throw new Error(`no event ${name} in the ledger ABI`);
    return f.topicHash;
  }

  // Consecutive logs mostly share their block and transaction: their events share one copy of the hash
  // strings (the audit keeps every step), and the node's copies die young.
  private lastBlockHash = "";
  private lastTxHash = "";

  decode(log: RpcLog): LedgerEvent | DecodeFailure {
    let blockHash = log.blockHash;
    if (blockHash === this.lastBlockHash) blockHash = this.lastBlockHash;
    else this.lastBlockHash = blockHash = HAS_UPPER.test(blockHash) ? blockHash.toLowerCase() : blockHash;
    let txHash = log.transactionHash;
    if (txHash === this.lastTxHash) txHash = this.lastTxHash;
    else this.lastTxHash = txHash;
    const base: LogBase = { block: parseInt(log.blockNumber, 16), logIndex: parseInt(log.logIndex, 16), blockHash, txHash };
    if (log.address !== this.ledgerAddress && log.address.toLowerCase() !== this.ledgerAddress) return { ...base, error: `log from ${log.address}, not from the ledger` };
    const topic0 = log.topics[0];
    if (topic0 === STEP_RECORDED_TOPIC) return this.stepRecorded(log, base);
    const layout = topic0 === undefined ? undefined : this.layouts.get(topic0);
    if (!layout) return { ...base, error: `unknown event topic ${topic0 ?? "(none)"}` };
    const name = layout.fragment.name;
    if (log.topics.length !== layout.indexed.length + 1) return { ...base, name, error: `${name}: ${log.topics.length - 1} indexed topics, expected ${layout.indexed.length}` };
    const args: Record<string, ArgValue> = {};
    if (layout.fast) {
      const hex = log.data.slice(2);
      if (hex.length !== layout.data.length * 64) return { ...base, name, error: `${name}: ${hex.length / 2} data bytes, expected ${layout.data.length * 32}` };
      for (let i = 0; i < layout.indexed.length; i++) {
        const v = layout.indexed[i].decode(log.topics[i + 1].slice(2).toLowerCase());
        if (v === undefined) return { ...base, name, error: `${name}: topic ${layout.indexed[i].name} out of range` };
        args[layout.indexed[i].name] = v;
      }
      for (let i = 0; i < layout.data.length; i++) {
        const v = layout.data[i].decode(hex.slice(i * 64, i * 64 + 64).toLowerCase());
        if (v === undefined) return { ...base, name, error: `${name}: argument ${layout.data[i].name} out of range` };
        args[layout.data[i].name] = v;
      }
    } else {
      try {
        const r = this.iface.decodeEventLog(layout.fragment, log.data, log.topics);
        layout.fragment.inputs.forEach((p, i) => {
          const v: unknown = r[i];
          args[p.name] = typeof v === "bigint" || typeof v === "number" || typeof v === "string" || typeof v === "boolean" ? v : String(v);
        });
      } catch (err) {
        return { ...base, name, error: `${name}: ${(err as Error).message}` };
      }
    }
    return { ...base, name, args };
  }

  private stepRecorded(log: RpcLog, base: LogBase): StepRecorded | DecodeFailure {
    const data = log.data;
    if (log.topics.length !== 2) return { ...base, name: "StepRecorded", error: "StepRecorded without its case reference topic" };
    if (data.length !== 130) return { ...base, name: "StepRecorded", error: `StepRecorded: ${(data.length - 2) / 2} data bytes, expected 64` };
    const topic = log.topics[1];
    const words = Buffer.alloc(96);
    if (!topic.startsWith("0x") || words.write(topic.slice(2), 0, "hex") !== 32 || topic.length !== 66) return { ...base, name: "StepRecorded", error: "StepRecorded: the case reference is not 32 bytes of hex" };
    if (!data.startsWith("0x") || words.write(data.slice(2), 32, "hex") !== 64) return { ...base, name: "StepRecorded", error: "StepRecorded: data is not hex" };
    return new StepRecorded(base.block, base.logIndex, base.blockHash, base.txHash, "0x" + words.toString("hex", 0, 32), words, 0);
  }
}

const HAS_UPPER = /[A-F]/;

export function isDecodeFailure(x: LedgerEvent | DecodeFailure): x is DecodeFailure {
  return !(x instanceof StepRecorded) && (x as DecodeFailure).error !== undefined;
}

/** An event id as the 16-hex-digit map key used throughout the audit. */
export function eventKeyOf(eventId: bigint): string {
  return eventId.toString(16).padStart(16, "0");
}
