// The audit's per-event columns live in a temporary file beyond a few pages (spill-pages.ts): what is
// read back must be what was written, across page boundaries and in any order, and the file must have no
// name in the spill directory and be closed by close().
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventIdIndex } from "../../services/audit/event-id-index";
import { StepRecorded } from "../../services/audit/events";
import { SpillPages, setSpillDirectory } from "../../services/audit/spill-pages";
import { StepLog } from "../../services/audit/step-log";

/** The open files of this process in `dir` (Linux: /proc/self/fd), as their links read. */
function openFilesIn(dir: string): string[] {
  if (!existsSync("/proc/self/fd")) return [];
  const out: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

describe("audit: columns spilled to a temporary file", function () {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "anker-spill-test-"));
    setSpillDirectory(dir);
  });
  afterEach(() => {
    setSpillDirectory(undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives back every page as written, in any order, with two pages in memory, and leaves no file behind", () => {
    const pages = new SpillPages(4096, 2, (b) => new Uint32Array(b));
    const N = 40;
    for (let p = 0; p < N; p++) {
      const v = pages.page(p, true);
      for (let k = 0; k < v.length; k++) v[k] = p * 100_000 + k;
    }
    expect(pages.spilled).to.equal(true);
    expect(pages.residentPages).to.equal(2);
    // the file has no name in the directory while it is used ...
    expect(readdirSync(dir)).to.deep.equal([]);
    expect(openFilesIn(dir)).to.have.length(1);
    expect(openFilesIn(dir)[0]).to.match(/\(deleted\)$/);
    const order = [0, 39, 1, 38, 5, 5, 6, 20, 0, 19, 33];
    for (const p of order) {
      const v = pages.page(p);
      let wrong = 0;
      for (let k = 0; k < v.length; k++) if (v[k] !== p * 100_000 + k) wrong++;
      expect(wrong, `page ${p}`).to.equal(0);
    }
    // a page changed after it was written once is written again when pushed out
    pages.page(3, true)[7] = 42;
    for (let p = 10; p < 14; p++) pages.page(p);
    expect(pages.page(3)[7]).to.equal(42);
    expect(pages.page(3)[8]).to.equal(300_008);
    // ... and close() closes it (the system frees it: it has no name)
    pages.close();
    expect(openFilesIn(dir)).to.deep.equal([]);
    expect(() => pages.page(0)).to.throw(/after close/);
  });

  it("makes no file while the pages fit in memory, and gives a discarded page's memory to the next", () => {
    const pages = new SpillPages(1024, 3, (b) => new Uint8Array(b));
    for (let p = 0; p < 3; p++) pages.page(p, true).fill(p + 1);
    expect(pages.spilled).to.equal(false);
    pages.discard(0);
    expect(pages.residentPages).to.equal(2);
    pages.page(3, true).fill(4);
    expect(pages.spilled, "the discarded page's memory was free").to.equal(false);
    expect([1, 2, 3].map((p) => pages.page(p)[0])).to.deep.equal([2, 3, 4]);
    pages.close();
  });

  it("indexes event ids across pages on file as in memory (two agencies, ids nearly in order)", () => {
    const index = new EventIdIndex(2);
    const N = 200_000;
    const idOf = (n: number) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE((BigInt(1 + (n % 2)) << 56n) | BigInt(1 + (n >> 1)));
      return b;
    };
    for (let n = 0; n < N; n++) index.setAt(idOf(n), 0, n);
    expect(index.size).to.equal(N);
    let wrong = 0;
    for (let m = 0; m < N; m++) {
      const n = (m * 7919) % N;
      if (index.getAt(idOf(n), 0) !== n) wrong++;
    }
    expect(wrong).to.equal(0);
    expect(index.getAt(idOf(N), 0)).to.equal(undefined);
    expect(index.get("03" + "0".repeat(13) + "1")).to.equal(undefined);
    expect(openFilesIn(dir), "its pages went to a file").to.have.length(1);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  describe("the step log", () => {
    const STEPS = 5000;
    const CASES = 37;
    const caseRefOf = (c: number) => "0x" + (c + 1).toString(16).padStart(4, "0").repeat(16);

    /** Step i: case i*7 mod CASES (steps of a case far apart), five steps a block, two blocks a transaction hash. */
    function stepOf(i: number): { e: StepRecorded; time: number; caseNo: number } {
      const caseNo = (i * 7) % CASES;
      const words = Buffer.alloc(96);
      words.write(caseRefOf(caseNo).slice(2), 0, 32, "hex");
      for (let k = 32; k < 96; k++) words[k] = (i * 31 + k * 17) & 0xff;
      const block = 100 + Math.floor(i / 5);
      const e = new StepRecorded(block, i % 5, "0x" + block.toString(16).padStart(64, "0"), "0x" + Math.floor(i / 10).toString(16).padStart(64, "0"), caseRefOf(caseNo), words, 0);
      return { e, time: 1_700_000_000 + block * 12, caseNo };
    }

    function logOf(cachePages: number): StepLog {
      const refs = Array.from({ length: CASES }, (_, c) => caseRefOf(c));
      const log = new StepLog(refs, cachePages);
      const last = new Array<number>(CASES).fill(-1);
      for (let i = 0; i < STEPS; i++) {
        const { e, time, caseNo } = stepOf(i);
        last[caseNo] = log.push(e, time, caseNo, last[caseNo]);
      }
      return log;
    }

    const fieldsOf = (log: StepLog, i: number) => {
      const s = log.at(i)!;
      const record = Buffer.alloc(96);
      log.copyRecord(i, record, 0);
      return [s.block, s.logIndex, s.blockHash, s.txHash, s.caseRef, s.packedHex, s.commitmentHex, log.time(i), log.caseNo(i), log.prevInCase(i), log.agency(i), log.step(i), log.detailNum(i), log.businessDate(i), record.toString("hex")];
    };

    it("gives the same answers spilled (two pages in memory) as held, across page boundaries and in any order", () => {
      const held = logOf(1000);
      const spilled = logOf(2);
      expect(held.spilled).to.equal(false);
      expect(spilled.spilled).to.equal(true);
      expect(readdirSync(dir)).to.deep.equal([]);
      const order = [...Array.from({ length: STEPS }, (_, i) => i), ...Array.from({ length: STEPS }, (_, i) => (i * 1237) % STEPS)];
      let differ = 0;
      for (const i of order) if (JSON.stringify(fieldsOf(spilled, i)) !== JSON.stringify(fieldsOf(held, i))) differ++;
      expect(differ, "steps read back differently").to.equal(0);
      // each step's link is the step before it in its case, its case's own
      expect(spilled.prevInCase(0)).to.equal(-1);
      expect(spilled.prevInCase(CASES)).to.equal(0);
      for (let i = CASES; i < STEPS; i++) expect(spilled.caseNo(spilled.prevInCase(i))).to.equal(spilled.caseNo(i));
      // the record of a step read through recordOf/recordAt is its packed word and commitment
      const { e } = stepOf(4321);
      expect(spilled.recordOf(4321).subarray(spilled.recordAt(4321), spilled.recordAt(4321) + 64)).to.deep.equal(e.words.subarray(32, 96));
      spilled.close();
      held.close();
      expect(openFilesIn(dir)).to.deep.equal([]);
    });
  });
});
