// An agency's audit export held as columns of bytes instead of one object per line: a national-scale
// export has millions of lines, and as parsed objects (four strings each) they took about 0.4 KiB a line.
// Here a line is its event id (8 bytes), the number of its case (4) and one byte of flags: 13 bytes. The
// case references themselves are kept once per case, not per line (an export has far fewer cases than
// lines): 32 bytes each in one buffer, and a map entry from the reference to its number. Salt and data
// digest (64 bytes a line) are needed only to hash each line's commitment: once the export index has
// taken the commitments of a chunk of lines, it releases that chunk's pair bytes. What a message needs of
// a line later (factsAt) the flags still tell: whether salt and digest were given. The columns are kept
// in pages of a chunk of lines, of which only the ones used last stay in memory, the others in a
// temporary file (spill-pages.ts): memory does not grow with the lines. Lines are appended as they are
// read (a file line by line, an HTTP export page by page), so the parsed objects never pile up.
// A line that the columns cannot give back exactly as it was read (an event id with leading zeros or
// beyond 64 bits, upper-case hex, a salt that is not 32 bytes of hex) is kept as it is, beside them;
// there are none in an agency service's export. No I/O but the spill file's.
import { SpillPages } from "./spill-pages";
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

/** Lines per chunk (a page of each column store): the columns grow by chunks, never by copying what is there. */
const CHUNK_BITS = 13;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
/** chunks held in memory: of ids, case numbers and flags (13 bytes a line, about 0.8 MiB), of pair bytes (64, 2 MiB) */
const COLUMN_CACHE = 8;
const PAIR_CACHE = 4;

/** A chunk's event ids (8 bytes a line), case numbers and flags. */
interface ColumnPage {
  ids: Buffer;
  cases: Uint32Array;
  flags: Uint8Array;
}

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
  /** per line its event id, the number of its case reference in `cases`, its flags */
  private readonly columns: SpillPages<ColumnPage>;
  private readonly cases = new CaseDictionary();
  /** salt ‖ dataDigest, 64 bytes a line */
  private readonly pairs: SpillPages<Buffer>;
  /** per chunk: its pair bytes were released */
  private readonly released: boolean[] = [];
  /** lines kept as they were read (not representable in the columns), by line number */
  private readonly kept = new Map<number, ExportLine>();

  /** `columnCache`, `pairCache`: chunks held in memory of the columns and of the pair bytes */
  constructor(columnCache = COLUMN_CACHE, pairCache = PAIR_CACHE) {
    this.columns = new SpillPages(CHUNK * 13, columnCache, (b) => ({ ids: Buffer.from(b, 0, CHUNK * 8), cases: new Uint32Array(b, CHUNK * 8, CHUNK), flags: new Uint8Array(b, CHUNK * 12, CHUNK) }));
    this.pairs = new SpillPages(CHUNK * 64, pairCache, (b) => Buffer.from(b));
  }

  static of(lines: Iterable<ExportLine>): ExportTable {
    const t = new ExportTable();
    for (const l of lines) t.push(l);
    return t;
  }

  push(line: ExportLine): void {
    const i = this.length;
    const c = i >> CHUNK_BITS;
    if (this.released[c]) throw new Error(`export line ${i}: the table's pair bytes there were released once hashed; it takes no more lines`);
    this.length++;
    if (c === this.released.length) this.released.push(false);
    const pairs = this.pairs.page(c, true);
    const col = this.columns.page(c, true);
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
    if (n >= 0n && n < U64) col.ids.writeBigUInt64BE(n, o * 8);
    else exact = false;
    const caseInColumns = typeof caseRef === "string" && HEX32.test(caseRef);
    if (!caseInColumns) exact = false;
    col.cases[o] = this.cases.numberOf(caseInColumns ? caseRef : NO_CASE);
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
    col.flags[o] = flags | hashable;
  }

  private column(i: number): ColumnPage {
    return this.columns.page(i >> CHUNK_BITS);
  }

  /** Line i as it was read (made anew from the columns: for messages, not for the hot paths). */
  at(i: number): ExportLine | undefined {
    if (i < 0 || i >= this.length) return undefined;
    const o = i & MASK;
    const col = this.column(i);
    const flags = col.flags[o];
    if (flags & KEPT) return this.kept.get(i);
    const line: ExportLine = { ledgerEventId: col.ids.readBigUInt64BE(o * 8).toString(), caseRef: this.cases.hexOf(col.cases[o]) };
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
    const o = i & MASK;
    const col = this.column(i);
    const flags = col.flags[o];
    if (flags & KEPT) {
      const l = this.kept.get(i)!;
      return { ledgerEventId: l.ledgerEventId, caseRef: l.caseRef, erased: Boolean(l.erased), hasSalt: Boolean(l.salt), hasDigest: Boolean(l.dataDigest) };
    }
    const ledgerEventId = col.ids.readBigUInt64BE(o * 8).toString();
    return { ledgerEventId, caseRef: this.cases.hexOf(col.cases[o]), erased: (flags & ERASED_TRUE) !== 0, hasSalt: (flags & SALT_SET) !== 0, hasDigest: (flags & DIGEST_SET) !== 0 };
  }

  /** Whether line i is in the columns (else `at(i)` gives it as it was read). */
  inColumns(i: number): boolean {
    return (this.column(i).flags[i & MASK] & KEPT) === 0;
  }

  /** Whether line i's commitment is keccak256 of its 64 pair bytes (not marked erased, salt and digest 32 bytes of hex). */
  hashable(i: number): boolean {
    return (this.column(i).flags[i & MASK] & HASHABLE) !== 0;
  }

  /** The chunk holding line i's event id (8 bytes big-endian at `idAt(i)`), for a line in the columns: valid until other lines far from it are read. */
  idBytes(i: number): Buffer {
    return this.column(i).ids;
  }

  idAt(i: number): number {
    return (i & MASK) * 8;
  }

  /** Whether line i's case reference (in the columns) equals the 32 bytes at `bytes[at..]`. */
  caseEquals(i: number, bytes: Uint8Array, at: number): boolean {
    return this.cases.equals(this.column(i).cases[i & MASK], bytes, at);
  }

  /** Distinct case references held (those of kept lines that are not lower-case hex count as one, zero). */
  get caseCount(): number {
    return this.cases.size;
  }

  /** Bytes the columns hold in memory (their pages as allocated), for the memory figures. */
  columnBytes(): number {
    return this.cases.byteLength() + this.columns.residentPages * this.columns.pageBytes + this.pairs.residentPages * this.pairs.pageBytes;
  }

  /** Whether columns went to the spill file (more chunks than are held in memory). */
  get spilled(): boolean {
    return this.columns.spilled || this.pairs.spilled;
  }

  /** The hashable lines among [from, to) (one byte a line: 1 hashable), for the worker. */
  hashableOf(from: number, to: number): Uint8Array {
    const out = new Uint8Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = this.column(i).flags[i & MASK] & HASHABLE ? 1 : 0;
    return out;
  }

  /** The pair bytes (salt ‖ dataDigest) of line i, while its chunk holds them: valid until other lines far from it are read. */
  pairOf(i: number): Buffer {
    const c = i >> CHUNK_BITS;
    if (this.released[c]) throw new Error(`export line ${i}: its salt and data digest were released once hashed`);
    const base = (i & MASK) * 64;
    return this.pairs.page(c).subarray(base, base + 64);
  }

  /** The pair bytes of lines [from, to), 64 bytes a line, copied into `into` (for the worker to hash). */
  pairsOf(from: number, to: number, into: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
    for (let i = from; i < to; ) {
      const c = i >> CHUNK_BITS;
      const end = Math.min(to, (c + 1) * CHUNK);
      if (this.released[c]) throw new Error(`export line ${i}: its salt and data digest were released once hashed`);
      into.set(this.pairs.page(c).subarray((i & MASK) * 64, (((end - 1) & MASK) + 1) * 64), (i - from) * 64);
      i = end;
    }
    return into;
  }

  /**
   * Drop the pair bytes of every chunk whose lines all lie below `end` (the last chunk too once `end`
   * reaches the table's length): the caller has taken their commitments, and nothing else reads them.
   */
  releasePairsBelow(end: number): void {
    for (let c = 0; c < this.released.length; c++) {
      if (!this.released[c] && Math.min((c + 1) * CHUNK, this.length) <= end) {
        this.released[c] = true;
        this.pairs.discard(c);
      }
    }
  }

  /** Whether any chunk's pair bytes were released. */
  get pairsReleased(): boolean {
    return this.released.some((r) => r);
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
