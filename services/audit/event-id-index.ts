// Ledger event ids → an index (of their step in the replay, of their line in an export), for the
// uniqueness checks and the lookups.
// An event id is the agency's byte and a 56-bit sequence number that the agency service counts up from 1,
// so the ids of a ledger are dense per agency: those below 2^24 go into arrays per agency (no string key,
// no hashing), any other into a map by its 16-hex-digit key. The arrays are pages of a fixed size, made
// as sequence numbers reach them: an index grows by 4 bytes an id, without the room that doubling leaves
// unused and without copying itself as it grows; only the pages used last stay in memory, the others in
// a temporary file (spill-pages.ts: ids are asked for nearly in order, by the export's lines and the
// chain's steps).
import { SpillPages } from "./spill-pages";

/** Sequence numbers below this are kept in the per-agency arrays. */
export const DENSE_LIMIT = 1 << 24;
const PAGE_BITS = 14;
const PAGE = 1 << PAGE_BITS;
/** pages held in memory (64 KiB each) */
const CACHE_PAGES = 16;

export class EventIdIndex {
  /** per agency byte, by the page number of a sequence number: its page in `pages` + 1 (0: none yet) */
  private readonly pageOf: (Int32Array | undefined)[] = [];
  /** pages of PAGE sequence numbers: index + 1 by sequence number (0: none) */
  private readonly pages: SpillPages<Int32Array>;
  private readonly sparse = new Map<string, number>();
  /** distinct ids indexed */
  size = 0;

  constructor(cachePages = CACHE_PAGES) {
    this.pages = new SpillPages(PAGE * 4, cachePages, (b) => new Int32Array(b));
  }

  /** The index of the event id held in `bytes[at..at+8]`. */
  getAt(bytes: Uint8Array, at: number): number | undefined {
    if ((bytes[at + 1] | bytes[at + 2] | bytes[at + 3] | bytes[at + 4]) === 0) return this.getDense(bytes[at], (bytes[at + 5] << 16) | (bytes[at + 6] << 8) | bytes[at + 7]);
    return this.sparse.get(hex8(bytes, at));
  }

  /** Index the event id held in `bytes[at..at+8]` (replaces an earlier index of the same id). */
  setAt(bytes: Uint8Array, at: number, index: number): void {
    if ((bytes[at + 1] | bytes[at + 2] | bytes[at + 3] | bytes[at + 4]) === 0) this.setDense(bytes[at], (bytes[at + 5] << 16) | (bytes[at + 6] << 8) | bytes[at + 7], index);
    else this.set(hex8(bytes, at), index);
  }

  /** The index of an event id given as 16 hex digits (eventKeyOf). */
  get(key: string): number | undefined {
    const seq = parseInt(key.slice(2), 16);
    if (key.length === 16 && seq < DENSE_LIMIT) return this.getDense(parseInt(key.slice(0, 2), 16), seq);
    return this.sparse.get(key);
  }

  /** Index an event id given as 16 hex digits (eventKeyOf; a longer key is kept apart, never matched by bytes). */
  set(key: string, index: number): void {
    const seq = parseInt(key.slice(2), 16);
    if (key.length === 16 && seq < DENSE_LIMIT) this.setDense(parseInt(key.slice(0, 2), 16), seq, index);
    else {
      if (!this.sparse.has(key)) this.size++;
      this.sparse.set(key, index);
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The index of the event id of an agency byte and a sequence number below DENSE_LIMIT. */
  getDense(agency: number, seq: number): number | undefined {
    const p = this.pageOf[agency]?.[seq >> PAGE_BITS];
    if (!p) return undefined;
    const v = this.pages.page(p - 1)[seq & (PAGE - 1)];
    return v ? v - 1 : undefined;
  }

  /** Index the event id of an agency byte and a sequence number below DENSE_LIMIT. */
  setDense(agency: number, seq: number, index: number): void {
    const pages = (this.pageOf[agency] ??= new Int32Array(DENSE_LIMIT >> PAGE_BITS));
    const p = (pages[seq >> PAGE_BITS] ||= this.pages.count + 1);
    const page = this.pages.page(p - 1, true);
    const o = seq & (PAGE - 1);
    if (page[o] === 0) this.size++;
    page[o] = index + 1;
  }
}

const hex8 = (bytes: Uint8Array, at: number): string => Buffer.from(bytes.buffer, bytes.byteOffset + at, 8).toString("hex");
