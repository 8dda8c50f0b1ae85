// Which ledger event ids the replay has seen, for the uniqueness check and isRecorded (a correction must
// name a recorded event), in memory that does not grow with the ledger. The contract keeps one bit per
// event id (ProcedureLedger._recorded); so does this, in pages of PAGE ids per agency byte, with one
// difference: a page whose ids have all been seen is replaced by a marker, its bits dropped. An agency
// service counts its sequence numbers up from 1 and hands them to the chain nearly in order (batches in
// flight may overtake each other), so behind its highest id every page fills and only the pages with ids
// still missing stay: their number follows the ids not (yet) on chain, not the ids recorded. An id
// index per event (event-id-index.ts, 4 bytes an id) is built only where a check looks steps up by id
// (EventReplayer.stepOfEventId). Pure.

const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
/** a page whose every id was seen */
const FULL = 0;

interface Page {
  bits: Uint32Array;
  count: number;
}

export class SeenEventIds {
  /** per agency byte: page number (sequence >> PAGE_BITS, below 2^44, exact as a number) → page or FULL */
  private readonly pages: (Map<number, Page | typeof FULL> | undefined)[] = [];
  /** distinct ids seen */
  size = 0;

  /**
   * Mark the event id held in `bytes[at..at+8]` (agency byte first, then the 56-bit sequence number)
   * as seen; false when it had been seen already.
   */
  addAt(bytes: Uint8Array, at: number): boolean {
    const agency = bytes[at];
    // sequence = high * 2^32 + low; page = sequence >> PAGE_BITS, offset = its low PAGE_BITS bits
    const high = (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
    const low = ((bytes[at + 4] << 24) | (bytes[at + 5] << 16) | (bytes[at + 6] << 8) | bytes[at + 7]) >>> 0;
    return this.add(agency, high * 2 ** (32 - PAGE_BITS) + Math.floor(low / PAGE), low & (PAGE - 1));
  }

  /** Whether the event id was seen. */
  has(eventId: bigint): boolean {
    const agency = Number(eventId >> 56n) & 0xff;
    const seq = eventId & ((1n << 56n) - 1n);
    const page = this.pages[agency]?.get(Number(seq >> BigInt(PAGE_BITS)));
    if (page === undefined) return false;
    if (page === FULL) return true;
    const o = Number(seq & BigInt(PAGE - 1));
    return ((page.bits[o >>> 5] >>> (o & 31)) & 1) === 1;
  }

  /** Pages holding bits (not FULL): what this keeps, at PAGE / 8 bytes each. */
  get openPages(): number {
    let n = 0;
    for (const m of this.pages) if (m) for (const p of m.values()) if (p !== FULL) n++;
    return n;
  }

  private add(agency: number, pageNo: number, o: number): boolean {
    const pages = (this.pages[agency] ??= new Map());
    let page = pages.get(pageNo);
    if (page === FULL) return false;
    if (page === undefined) pages.set(pageNo, (page = { bits: new Uint32Array(PAGE >>> 5), count: 0 }));
    const w = o >>> 5;
    const bit = 1 << (o & 31);
    if ((page.bits[w] & bit) !== 0) return false;
    page.bits[w] |= bit;
    this.size++;
    // (An agency's first page keeps its bits: sequence number 0 is refused by the contract, so the page
    // fills only on a ledger that recorded it.)
    if (++page.count === PAGE) pages.set(pageNo, FULL);
    return true;
  }
}
