// Block headers re-hashed from their fields and linked by parent hash. Pure functions, no I/O.
import { encodeRlp, hexlify, toBeArray, type RlpStructuredData } from "ethers";
import { keccakHex } from "./keccak";
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

function field(block: RpcBlock, name: string, kind: "bytes" | "int"): RlpStructuredData {
  const v = block[name];
  if (typeof v !== "string") throw new Error(`block ${block.number}: header field ${name} is missing`);
  // Integers are RLP-encoded big-endian without leading zeros (0 is the empty string).
  return kind === "int" ? hexlify(toBeArray(BigInt(v))) : v;
}

/** The RLP encoding of a header, fields by presence. */
export function headerRlp(block: RpcBlock): string {
  const fields: RlpStructuredData[] = BASE_FIELDS.map(([n, k]) => field(block, n, k));
  let gap: string | undefined;
  for (const [n, k] of OPTIONAL_FIELDS) {
    if (block[n] === undefined || block[n] === null) {
      gap ??= n;
      continue;
    }
    // A later field without an earlier one is not a header of any fork.
    if (gap) throw new Error(`block ${block.number}: header has ${n} but not ${gap}`);
    fields.push(field(block, n, k));
  }
  return encodeRlp(fields);
}

/** keccak-256 of the header's RLP: the block hash. */
export function headerHash(block: RpcBlock): string {
  return "0x" + keccakHex(Buffer.from(headerRlp(block).slice(2), "hex"));
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

  /**
   * @param from first height to verify
   * @param to last height (inclusive)
   * @param anchorHash the hash the first header must have (e.g. the deployment record's block hash)
   * @param keepHashesAt heights whose verified hashes are wanted afterwards
   */
  constructor(
    readonly from: number,
    readonly to: number,
    private readonly anchorHash?: string,
    keepHashesAt: Iterable<number> = [],
  ) {
    this.expectedNumber = from;
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
      computed = headerHash(b);
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
