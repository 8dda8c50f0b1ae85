// Pages of bytes of a fixed size that stay in memory only while a few are in use: the rest live in a
// temporary file. At national scale the audit's per-event columns (the step log, the export tables and
// indexes) are hundreds of bytes an event; held in memory they made the audit's resident memory grow
// with the events. Here only `cachePages` pages are resident (the ones used last); a page pushed out is
// written to the file if it changed and read back when asked for again, so the disk grows with the
// events and memory does not. The columns are read mostly in order (the chain arrives nearly in event-id
// order, the checks pass over the steps in log order), so few pages move for most reads.
// The file is made in the spill directory (os.tmpdir() unless setSpillDirectory named another) and
// removed from it at once: it has no name while it is used, and the system frees it when the file is
// closed (close(), the object collected, or the process ending in any way). Plain reads and writes
// at offsets, no memory mapping (a mapped file's pages would count as the process's resident memory).
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let spillDirectory: string | undefined;

/** Where the audit's spill files are made from now on (undefined: os.tmpdir()). */
export function setSpillDirectory(dir: string | undefined): void {
  spillDirectory = dir;
}

// A file still open when its pages are collected (no close() called) is closed then.
const closeOnCollect = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    /* closed already */
  }
});

/** Open a read-write file in `dir` that has no name (removed right after it is opened). */
function nameless(dir: string): number {
  const folder = mkdtempSync(join(dir, "anker-audit-spill-"));
  const path = join(folder, "pages");
  const fd = openSync(path, "w+", 0o600);
  unlinkSync(path);
  rmdirSync(folder);
  return fd;
}

export class SpillPages<V> {
  /** pages made so far (0 .. count-1) */
  count = 0;
  private fd = -1;
  private readonly token = {};
  /** per page: its cache slot, -1 where not resident */
  private slotOfPage: number[] = [];
  /** per page: whether the file holds it (written once pushed out) */
  private readonly onFile: boolean[] = [];
  private readonly slotPage: number[] = [];
  private readonly slotBytes: Uint8Array[] = [];
  private readonly slotView: V[] = [];
  private readonly slotUsed: number[] = [];
  private readonly slotDirty: boolean[] = [];
  private clock = 0;
  private lastPage = -1;
  private lastSlot = -1;
  private closed = false;

  constructor(
    /** bytes a page */
    readonly pageBytes: number,
    /** pages held in memory at most */
    readonly cachePages: number,
    /** the views the owner reads a page through (made once per memory block, reused for the pages it holds) */
    private readonly viewsOf: (bytes: ArrayBuffer) => V,
  ) {
    if (cachePages < 2) throw new Error("SpillPages: at least two pages in memory");
  }

  /**
   * Page p's views, resident until `cachePages - 1` other pages were asked for (p === count makes a new
   * page of zero bytes). `write`: the caller changes it (written to the file when pushed out).
   */
  page(p: number, write = false): V {
    if (p === this.lastPage) {
      if (write) this.slotDirty[this.lastSlot] = true;
      this.slotUsed[this.lastSlot] = ++this.clock;
      return this.slotView[this.lastSlot];
    }
    if (this.closed) throw new Error("SpillPages: used after close()");
    if (p < 0 || p > this.count) throw new Error(`SpillPages: page ${p} of ${this.count}`);
    let slot = p < this.count ? this.slotOfPage[p] : -1;
    if (slot < 0) {
      slot = this.freeSlot();
      const bytes = this.slotBytes[slot];
      if (p === this.count) {
        bytes.fill(0);
        this.count++;
        this.slotOfPage.push(slot);
        this.onFile.push(false);
        write = true;
      } else {
        if (!this.onFile[p]) bytes.fill(0);
        else this.readAt(bytes, p * this.pageBytes);
        this.slotOfPage[p] = slot;
      }
      this.slotPage[slot] = p;
      this.slotDirty[slot] = false;
    }
    if (write) this.slotDirty[slot] = true;
    this.slotUsed[slot] = ++this.clock;
    this.lastPage = p;
    this.lastSlot = slot;
    return this.slotView[slot];
  }

  /** Forget page p's bytes (the owner will not read them again): its memory is free for other pages. */
  discard(p: number): void {
    const slot = p < this.count ? this.slotOfPage[p] : -1;
    if (slot < 0) return;
    this.slotOfPage[p] = -1;
    this.slotPage[slot] = -1;
    this.slotDirty[slot] = false;
    this.slotUsed[slot] = 0;
    if (p === this.lastPage) this.lastPage = -1;
  }

  /** Pages in memory now (for the memory figures). */
  get residentPages(): number {
    let n = 0;
    for (const p of this.slotPage) if (p >= 0) n++;
    return n;
  }

  /** Whether any page was written to a file (the rest of the owner's columns are on disk). */
  get spilled(): boolean {
    return this.fd >= 0;
  }

  /** Close the file and drop the pages (the owner reads nothing any more). */
  close(): void {
    this.closed = true;
    this.lastPage = -1;
    this.slotOfPage = [];
    this.slotBytes.length = this.slotView.length = this.slotPage.length = this.slotUsed.length = this.slotDirty.length = 0;
    if (this.fd >= 0) {
      closeOnCollect.unregister(this.token);
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  /** A slot for another page: a new one while fewer than cachePages, else the one used longest ago (written out if changed). */
  private freeSlot(): number {
    const n = this.slotBytes.length;
    for (let s = 0; s < n; s++) if (this.slotPage[s] < 0) return s;
    if (n < this.cachePages) {
      const buffer = new ArrayBuffer(this.pageBytes);
      this.slotBytes.push(new Uint8Array(buffer));
      this.slotView.push(this.viewsOf(buffer));
      this.slotPage.push(-1);
      this.slotUsed.push(0);
      this.slotDirty.push(false);
      return n;
    }
    let s = 0;
    for (let k = 1; k < n; k++) if (this.slotUsed[k] < this.slotUsed[s]) s = k;
    const p = this.slotPage[s];
    if (this.slotDirty[s]) {
      this.writeAt(this.slotBytes[s], p * this.pageBytes);
      this.onFile[p] = true;
    }
    this.slotOfPage[p] = -1;
    this.slotPage[s] = -1;
    if (p === this.lastPage) this.lastPage = -1;
    return s;
  }

  private writeAt(bytes: Uint8Array, position: number): void {
    if (this.fd < 0) {
      this.fd = nameless(spillDirectory ?? tmpdir());
      closeOnCollect.register(this, this.fd, this.token);
    }
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, position + done);
  }

  private readAt(bytes: Uint8Array, position: number): void {
    for (let done = 0; done < bytes.length; ) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, position + done);
      if (n === 0) throw new Error("SpillPages: the spill file ended early");
      done += n;
    }
  }
}
