// Block headers re-hashed from their fields and linked by parent hash. Pure functions, no I/O.
import { keccakHex } from "../shared/keccak";
import type { Finding, RpcBlock } from "./types";

/**
 * The header fields in RLP order. The first fifteen exist in every post-London header; the rest were
 * added by later forks (London, Shanghai, Cancun, Prague) and are included when present, in order.
 */
const BASE_FIELDS = [
  ["parentHash", "bytes"],
  ["sha3Uncles", "bytes"],
  ["miner", "bytes"],
  ["stateRoot", "bytes"],
  ["transactionsRoot", "bytes"],
  ["receiptsRoot", "bytes"],
  ["logsBloom", "bytes"],
  ["difficulty", "int"],
  ["number", "int"],
  ["gasLimit", "int"],
  ["gasUsed", "int"],
  ["timestamp", "int"],
  ["extraData", "bytes"],
  ["mixHash", "bytes"],
  ["nonce", "bytes"],
] as const;
const OPTIONAL_FIELDS = [
  ["baseFeePerGas", "int"],
  ["withdrawalsRoot", "bytes"],
  ["blobGasUsed", "int"],
  ["excessBlobGas", "int"],
  ["parentBeaconBlockRoot", "bytes"],
  ["requestsHash", "bytes"],
] as const;

/** Where extraData sits among the header's fields (QBFT re-encodes it before hashing). */
export const EXTRA_DATA_INDEX = BASE_FIELDS.findIndex(([n]) => n === "extraData");

const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;
const EMPTY = Buffer.alloc(0);

/** The RLP prefix of a payload of `len` bytes: offset 0x80 for a byte string, 0xc0 for a list. */
function rlpPrefix(len: number, offset: 0x80 | 0xc0): Buffer {
  if (len < 56) return Buffer.from([offset + len]);
  const hex = len.toString(16);
  const lenBytes = Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex");
  return Buffer.concat([Buffer.from([offset + 55 + lenBytes.length]), lenBytes]);
}

/** The RLP encoding of one byte string. */
export function rlpOfBytes(b: Uint8Array): Buffer {
  if (b.length === 1 && b[0] < 0x80) return Buffer.from(b);
  return Buffer.concat([rlpPrefix(b.length, 0x80), b]);
}

/** The RLP encoding of a list whose items are already encoded. */
export function rlpOfList(items: Uint8Array[]): Buffer {
  let len = 0;
  for (const i of items) len += i.length;
  return Buffer.concat([rlpPrefix(len, 0xc0), ...items]);
}

function field(block: RpcBlock, name: string, kind: "bytes" | "int"): Buffer {
  const v = block[name];
  if (typeof v !== "string") throw new Error(`block ${block.number}: header field ${name} is missing`);
  if (kind === "int") {
    // Integers are RLP-encoded big-endian without leading zeros (0 is the empty string).
    const n = BigInt(v);
    if (n < 0n) throw new Error(`block ${block.number}: header field ${name} is negative`);
    if (n === 0n) return EMPTY;
    const hex = n.toString(16);
    return Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex");
  }
  if (!HEX_BYTES.test(v)) throw new Error(`block ${block.number}: header field ${name} is not 0x-hex bytes`);
  return Buffer.from(v.slice(2), "hex");
}

/**
 * The header's fields in RLP order, each RLP-encoded, fields by presence. Encoded here rather than
 * through ethers' encodeRlp: a header is hashed once per block (twice more on QBFT), and ethers' general
 * encoder took most of that time; the unit tests hold both to the same bytes.
 */
export function headerItems(block: RpcBlock): Buffer[] {
  const items = BASE_FIELDS.map(([n, k]) => rlpOfBytes(field(block, n, k)));
  let gap: string | undefined;
  for (const [n, k] of OPTIONAL_FIELDS) {
    if (block[n] === undefined || block[n] === null) {
      gap ??= n;
      continue;
    }
    // A later field without an earlier one is not a header of any fork.
    if (gap) throw new Error(`block ${block.number}: header has ${n} but not ${gap}`);
    items.push(rlpOfBytes(field(block, n, k)));
  }
  return items;
}

/** The RLP encoding of a header, fields by presence. */
export function headerRlp(block: RpcBlock): string {
  return "0x" + rlpOfList(headerItems(block)).toString("hex");
}

/** keccak-256 of the header's RLP: the block hash. */
export function headerHash(block: RpcBlock): string {
  return "0x" + keccakHex(rlpOfList(headerItems(block)));
}

export interface HeaderSummary {
  number: number;
  hash: string;
  timestamp: number;
}

/**
 * Verifies a run of consecutive headers as they arrive (in order): each re-hashes to its stated hash and
 * names the previous one as parent. Keeps the timestamps (for the compliance times) and the hashes of
 * the heights asked for (checkpoints); memory stays small for long chains.
 */
export class HeaderChainVerifier {
  readonly findings: Finding[] = [];
  private expectedNumber: number;
  private prevHash: string | undefined;
  private readonly timestamps: Float64Array;
  private readonly keep: Set<number>;
  private readonly kept = new Map<number, string>();
  private checked = 0;
  private lastHash: string | undefined;
  private readonly hashOf: (b: RpcBlock) => string;

  /**
   * @param from first height to verify
   * @param to last height (inclusive)
   * @param anchorHash the hash the first header must have (e.g. the deployment record's block hash)
   * @param keepHashesAt heights whose verified hashes are wanted afterwards
   * @param chain how the chain hashes (and what else it checks of) a header, by default the plain
   *   Ethereum way; and the verified hash of block `from - 1` when the headers before the range were
   *   checked elsewhere (QBFT: from the trusted epoch block), so that the first link is checked too
   */
  constructor(
    readonly from: number,
    readonly to: number,
    private readonly anchorHash?: string,
    keepHashesAt: Iterable<number> = [],
    chain: { consensus?: { hashOf(block: RpcBlock): string }; previousHash?: string } = {},
  ) {
    this.expectedNumber = from;
    this.hashOf = chain.consensus ? (b) => chain.consensus!.hashOf(b) : headerHash;
    this.prevHash = chain.previousHash?.toLowerCase();
    this.timestamps = new Float64Array(Math.max(0, to - from + 1));
    this.keep = new Set(keepHashesAt);
  }

  /** Push the next headers, in order; returns the hashes their fields produce. */
  push(blocks: RpcBlock[]): string[] {
    return blocks.map((b) => this.pushOne(b));
  }

  private pushOne(b: RpcBlock): string {
    const number = Number(BigInt(b.number));
    if (number !== this.expectedNumber) {
      this.findings.push({ check: "chain", kind: "header-out-of-sequence", severity: "critical", blockNumber: this.expectedNumber, message: `expected header ${this.expectedNumber}, the node returned ${number}` });
    }
    let computed: string;
    try {
      computed = this.hashOf(b);
    } catch (err) {
      computed = "";
      this.findings.push({ check: "chain", kind: "header-malformed", severity: "critical", blockNumber: number, message: (err as Error).message });
    }
    const stated = b.hash.toLowerCase();
    if (computed && computed !== stated) {
      this.findings.push({ check: "chain", kind: "header-hash-mismatch", severity: "critical", blockNumber: number, message: `block ${number}: the header's fields hash to ${computed}, not to the stated ${stated}`, details: { computed, stated } });
    }
    if (number === this.from && this.anchorHash && this.anchorHash.toLowerCase() !== stated) {
      this.findings.push({ check: "chain", kind: "anchor-mismatch", severity: "critical", blockNumber: number, message: `block ${number} has hash ${stated}, the deployment record says ${this.anchorHash}`, details: { expected: this.anchorHash, actual: stated } });
    }
    if (this.prevHash !== undefined && b.parentHash.toLowerCase() !== this.prevHash) {
      this.findings.push({ check: "chain", kind: "header-link-broken", severity: "critical", blockNumber: number, message: `block ${number} names parent ${b.parentHash}, but block ${number - 1} has hash ${this.prevHash}`, details: { parentHash: b.parentHash, previousHash: this.prevHash } });
    }
    // Continue the chain from the hash the fields produce: a forged stated hash breaks the next link too.
    this.prevHash = computed || stated;
    this.lastHash = this.prevHash;
    const i = number - this.from;
    if (i >= 0 && i < this.timestamps.length) this.timestamps[i] = Number(BigInt(b.timestamp));
    if (this.keep.has(number)) this.kept.set(number, this.prevHash);
    this.expectedNumber = number + 1;
    this.checked++;
    return this.prevHash;
  }

  /** Call after the last push: reports a short chain. */
  finish(): void {
    if (this.expectedNumber !== this.to + 1) {
      this.findings.push({ check: "chain", kind: "headers-incomplete", severity: "critical", blockNumber: this.expectedNumber, message: `headers ${this.expectedNumber}..${this.to} were not delivered` });
    }
  }

  get headersChecked(): number {
    return this.checked;
  }

  /** The verified hash at a height asked for in the constructor (or the last one). */
  hashAt(n: number): string | undefined {
    if (n === this.to) return this.lastHash;
    return this.kept.get(n);
  }

  timestampAt(n: number): number | undefined {
    const i = n - this.from;
    if (i < 0 || i >= this.timestamps.length) return undefined;
    const t = this.timestamps[i];
    return t === 0 ? undefined : t;
  }
}
