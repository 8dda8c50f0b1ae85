// An agency's audit export held as columns of bytes instead of one object per line: a national-scale
// export has millions of lines, and as parsed objects (four strings each) they took about 0.4 KiB a line.
// Here a line is its event id (8 bytes), the number of its case (4) and one byte of flags: 13 bytes for
// the whole audit. The case references themselves are kept once per case, not per line (an export has far
// fewer cases than lines): 32 bytes each in one buffer, and a map entry from the reference to its number.
// Salt and data digest (64 bytes a line, in shared memory that the commitment worker reads without a
// copy) are needed only to hash each line's commitment: once the export index has taken the commitments
// of a chunk of lines, it releases that chunk's pair bytes, so a line costs 77 bytes only until then. What
// a message needs of a line later (factsAt) the flags still tell: whether salt and digest were given.
// Lines are appended as they are read (a file line by line, an HTTP export page by page), so the parsed
// objects never pile up.
// A line that the columns cannot give back exactly as it was read (an event id with leading zeros or
// beyond 64 bits, upper-case hex, a salt that is not 32 bytes of hex) is kept as it is, beside them;
// there are none in an agency service's export. Pure, no I/O.
import type { ExportLine, ExportLineList } from "./types";

/** What a message needs of a line: all of it but the values of salt and data digest, which are released once hashed. */
export interface LineFacts {
  ledgerEventId: string;
  caseRef: string;
  /** marked erased (any value that reads as true) */
  erased: boolean;
  /** a salt was given (not absent, null or empty) */
  hasSalt: boolean;
  /** a data digest was given (not absent, null or empty) */
  hasDigest: boolean;
}

/** Lines per chunk: the columns grow by chunks, never by copying what is there. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

// flags: salt and data digest each absent / null / a value, erased absent / false / true; HASHABLE: both
// are in `pairs` and the line is not marked erased (its commitment is keccak256 of its 64 pair bytes).
const SALT_NULL = 1;
const SALT_SET = 2;
const DIGEST_NULL = 4;
const DIGEST_SET = 8;
const ERASED_FALSE = 16;
const ERASED_TRUE = 32;
const HASHABLE = 64;
const KEPT = 128;

const HEX32 = /^0x[0-9a-f]{64}$/;
const HEX32_ANY = /^0x[0-9a-fA-F]{64}$/;
const U64 = 1n << 64n;
/** What a line whose case reference is not lower-case 0x-hex of 32 bytes compares equal to, as the columns always did: zero bytes. */
const NO_CASE = "0x" + "00".repeat(32);

/** The distinct case references of one table, each with its number: 32 bytes a case in one buffer. */
class CaseDictionary {
  private readonly numbers = new Map<string, number>();
  private refs = Buffer.alloc(32 * 64);

  get size(): number {
    return this.numbers.size;
  }

  /** The number of `ref` (lower-case 0x-hex of 32 bytes), given a new one on its first use. */
  numberOf(ref: string): number {
    let n = this.numbers.get(ref);
    if (n !== undefined) return n;
    n = this.numbers.size;
    if ((n + 1) * 32 > this.refs.length) this.grow();
    this.refs.write(ref.slice(2), n * 32, 32, "hex");
    this.numbers.set(ref, n);
    return n;
  }

  equals(n: number, bytes: Uint8Array, at: number): boolean {
    const refs = this.refs;
    const base = n * 32;
    for (let j = 0; j < 32; j++) if (refs[base + j] !== bytes[at + j]) return false;
    return true;
  }

  hexOf(n: number): string {
    return "0x" + this.refs.toString("hex", n * 32, n * 32 + 32);
  }

  byteLength(): number {
    return this.refs.length;
  }

  private grow(): void {
    const refs = Buffer.alloc(this.refs.length * 2);
    this.refs.copy(refs);
    this.refs = refs;
  }
}

export class ExportTable implements ExportLineList {
  length = 0;
  private readonly idChunks: Buffer[] = [];
  /** per line, the number of its case reference in `cases` */
  private readonly caseChunks: Uint32Array[] = [];
  private readonly cases = new CaseDictionary();
  /** salt ‖ dataDigest, 64 bytes a line, on SharedArrayBuffers (read by the worker thread in place); undefined once released */
  private readonly pairChunks: (Buffer | undefined)[] = [];
  private readonly flagChunks: Uint8Array[] = [];
  /** lines kept as they were read (not representable in the columns), by line number */
  private readonly kept = new Map<number, ExportLine>();

  static of(lines: Iterable<ExportLine>): ExportTable {
    const t = new ExportTable();
    for (const l of lines) t.push(l);
    return t;
  }

  push(line: ExportLine): void {
    const i = this.length++;
    const c = i >> CHUNK_BITS;
    if (c === this.idChunks.length) {
      this.idChunks.push(Buffer.alloc(CHUNK * 8));
      this.caseChunks.push(new Uint32Array(CHUNK));
      this.pairChunks.push(Buffer.from(new SharedArrayBuffer(CHUNK * 64)));
      this.flagChunks.push(new Uint8Array(CHUNK));
    }
    const pairs = this.pairChunks[c];
    if (!pairs) throw new Error(`export line ${i}: the table's pair bytes there were released once hashed; it takes no more lines`);
    const o = i & MASK;
    let flags = 0;
    let exact = true;
    const { ledgerEventId: id, caseRef, salt, dataDigest, erased } = line;
    if (salt === null) flags |= SALT_NULL;
    else if (salt !== undefined) flags |= SALT_SET;
    if (dataDigest === null) flags |= DIGEST_NULL;
    else if (dataDigest !== undefined) flags |= DIGEST_SET;
    if (erased === false) flags |= ERASED_FALSE;
    else if (erased === true) flags |= ERASED_TRUE;
    else if (erased !== undefined) exact = false;
    // The event id as 8 bytes, where its decimal form is the canonical one of a number below 2^64.
    let n = -1n;
    if (typeof id === "string" && /^[1-9][0-9]{0,19}$/.test(id)) n = BigInt(id);
    if (n >= 0n && n < U64) this.idChunks[c].writeBigUInt64BE(n, o * 8);
    else exact = false;
    const caseInColumns = typeof caseRef === "string" && HEX32.test(caseRef);
    if (!caseInColumns) exact = false;
    this.caseChunks[c][o] = this.cases.numberOf(caseInColumns ? caseRef : NO_CASE);
    // Salt and digest go to the pair bytes where they are 32 bytes of hex in either case (the commitment
    // is the same), but a line is given back from the columns only where they were lower case.
    const saltBytes = typeof salt === "string" && HEX32_ANY.test(salt);
    const digestBytes = typeof dataDigest === "string" && HEX32_ANY.test(dataDigest);
    if (saltBytes) pairs.write(salt.slice(2), o * 64, 32, "hex");
    if (digestBytes) pairs.write(dataDigest.slice(2), o * 64 + 32, 32, "hex");
    if ((salt && !HEX32.test(salt)) || (dataDigest && !HEX32.test(dataDigest))) exact = false;
    const hashable = salt && dataDigest && !erased && saltBytes && digestBytes ? HASHABLE : 0;
    if (!exact) {
      flags = KEPT;
      this.kept.set(i, line);
    }
    this.flagChunks[c][o] = flags | hashable;
  }

  /** Line i as it was read (made anew from the columns: for messages, not for the hot paths). */
  at(i: number): ExportLine | undefined {
    if (i < 0 || i >= this.length) return undefined;
    const c = i >> CHUNK_BITS;
    const o = i & MASK;
    const flags = this.flagChunks[c][o];
    if (flags & KEPT) return this.kept.get(i);
    const line: ExportLine = { ledgerEventId: this.idChunks[c].readBigUInt64BE(o * 8).toString(), caseRef: this.cases.hexOf(this.caseChunks[c][o]) };
    if (flags & SALT_SET) line.salt = this.pairHex(i, 0);
    else if (flags & SALT_NULL) line.salt = null;
    if (flags & DIGEST_SET) line.dataDigest = this.pairHex(i, 32);
    else if (flags & DIGEST_NULL) line.dataDigest = null;
    if (flags & ERASED_TRUE) line.erased = true;
    else if (flags & ERASED_FALSE) line.erased = false;
    return line;
  }

  /** Salt (at 0) or data digest (at 32) of line i as 0x-hex; throws once released (factsAt tells whether it was given). */
  private pairHex(i: number, at: number): string {
    return "0x" + this.pairOf(i).toString("hex", at, at + 32);
  }

  /** Line i for a message (0 <= i < length): what `at(i)` gives, but only whether salt and data digest were given. */
  factsAt(i: number): LineFacts {
    const c = i >> CHUNK_BITS;
    const o = i & MASK;
    const flags = this.flagChunks[c][o];
    if (flags & KEPT) {
      const l = this.kept.get(i)!;
      return { ledgerEventId: l.ledgerEventId, caseRef: l.caseRef, erased: Boolean(l.erased), hasSalt: Boolean(l.salt), hasDigest: Boolean(l.dataDigest) };
    }
    const ledgerEventId = this.idChunks[c].readBigUInt64BE(o * 8).toString();
    return { ledgerEventId, caseRef: this.cases.hexOf(this.caseChunks[c][o]), erased: (flags & ERASED_TRUE) !== 0, hasSalt: (flags & SALT_SET) !== 0, hasDigest: (flags & DIGEST_SET) !== 0 };
  }

  /** Whether line i is in the columns (else `at(i)` gives it as it was read). */
  inColumns(i: number): boolean {
    return (this.flagChunks[i >> CHUNK_BITS][i & MASK] & KEPT) === 0;
  }

  /** Whether line i's commitment is keccak256 of its 64 pair bytes (not marked erased, salt and digest 32 bytes of hex). */
  hashable(i: number): boolean {
    return (this.flagChunks[i >> CHUNK_BITS][i & MASK] & HASHABLE) !== 0;
  }

  /** The chunk holding line i's event id (8 bytes big-endian at `idAt(i)`), for a line in the columns. */
  idBytes(i: number): Buffer {
    return this.idChunks[i >> CHUNK_BITS];
  }

  idAt(i: number): number {
    return (i & MASK) * 8;
  }

  /** Whether line i's case reference (in the columns) equals the 32 bytes at `bytes[at..]`. */
  caseEquals(i: number, bytes: Uint8Array, at: number): boolean {
    return this.cases.equals(this.caseChunks[i >> CHUNK_BITS][i & MASK], bytes, at);
  }

  /** Distinct case references held (those of kept lines that are not lower-case hex count as one, zero). */
  get caseCount(): number {
    return this.cases.size;
  }

  /** Bytes the columns hold (their buffers as allocated), for the memory figures: what a line costs. */
  columnBytes(): number {
    let n = this.cases.byteLength();
    for (const chunks of [this.idChunks, this.caseChunks, this.pairChunks, this.flagChunks]) for (const b of chunks) n += b?.byteLength ?? 0;
    return n;
  }

  /** The hashable lines of chunk c (one byte a line: 1 hashable), for the worker. */
  hashableIn(c: number): Uint8Array {
    const flags = this.flagChunks[c];
    const n = Math.min(CHUNK, this.length - c * CHUNK);
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o++) out[o] = flags[o] & HASHABLE ? 1 : 0;
    return out;
  }

  /** The pair bytes (salt ‖ dataDigest) of line i, while its chunk holds them. */
  pairOf(i: number): Buffer {
    const pairs = this.pairChunks[i >> CHUNK_BITS];
    if (!pairs) throw new Error(`export line ${i}: its salt and data digest were released once hashed`);
    const base = (i & MASK) * 64;
    return pairs.subarray(base, base + 64);
  }

  /** Every chunk's pair bytes, for the worker to hash in place: all of them, so none may have been released. */
  pairChunksToHash(): Buffer[] {
    return this.pairChunks.map((pairs, c) => {
      if (!pairs) throw new Error(`export lines from ${c * CHUNK}: their salt and data digest were released once hashed`);
      return pairs;
    });
  }

  /**
   * Drop the pair bytes of every chunk whose lines all lie below `end` (the last chunk too once `end`
   * reaches the table's length): the caller has taken their commitments, and nothing else reads them.
   */
  releasePairsBelow(end: number): void {
    for (let c = 0; c < this.pairChunks.length; c++) {
      if (Math.min((c + 1) * CHUNK, this.length) <= end) this.pairChunks[c] = undefined;
    }
  }

  /** Whether any chunk's pair bytes were released. */
  get pairsReleased(): boolean {
    return this.pairChunks.some((pairs) => !pairs);
  }
}

/** Lines per chunk of an ExportTable (the worker hashes chunk by chunk). */
export const EXPORT_CHUNK = CHUNK;

/**
 * An export's lines as a table: the table itself, or one made of the parsed lines given (once per list,
 * and again once an index released that table's pairs: the caller still holds the lines, so a second
 * index over the same list hashes them anew instead of failing).
 */
const tables = new WeakMap<object, ExportTable>();
export function tableOf(lines: ExportLineList): ExportTable {
  if (lines instanceof ExportTable) return lines;
  let t = tables.get(lines);
  if (!t || t.pairsReleased) {
    t = new ExportTable();
    for (let i = 0; i < lines.length; i++) t.push(lines.at(i)!);
    tables.set(lines, t);
  }
  return t;
}
