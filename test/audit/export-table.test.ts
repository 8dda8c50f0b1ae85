// The export table's columns give every line back exactly as it was read, at a cost per line that does
// not carry a case reference (a number into the table's cases instead).
import { expect } from "chai";
import { keccak256 } from "ethers";
import { ExportIndex, matchCommitments } from "../../services/audit/commitments";
import { indexExportsAlongside } from "../../services/audit/export-indexing";
import { EXPORT_CHUNK, ExportTable } from "../../services/audit/export-table";
import { commitmentOf } from "../../services/shared/commitment";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { FindingSink, type ExportLine } from "../../services/audit/types";
import { replayed, type SynthStep } from "./support/synthetic";

const hex32 = (n: number) => "0x" + n.toString(16).padStart(64, "0");
const caseOf = (c: number) => "0x" + (c + 1).toString(16).padStart(2, "0").repeat(32);
const bytesOf = (hex: string) => Buffer.from(hex.slice(2), "hex");
const idOf = (seq: number) => ((1n << 56n) | BigInt(seq)).toString();

/** Line i of an export of `cases` cases, with every shape of salt, digest and erased the columns hold. */
function lineOf(i: number, cases: number): ExportLine {
  const line: ExportLine = { ledgerEventId: idOf(i + 1), caseRef: caseOf(i % cases) };
  if (i % 7 === 3) return { ...line, salt: null, dataDigest: null, erased: true };
  if (i % 11 === 5) return { ...line, salt: hex32(i), erased: false };
  if (i % 13 === 6) return line;
  return { ...line, salt: hex32(i), dataDigest: hex32(i + 1_000_000) };
}

describe("audit: export table", function () {
  this.timeout(30_000);
  const CASES = 5;
  const COUNT = EXPORT_CHUNK + 1234;
  let lines: ExportLine[];
  let t: ExportTable;
  before(() => {
    lines = Array.from({ length: COUNT }, (_, i) => lineOf(i, CASES));
    t = ExportTable.of(lines);
  });

  it("gives back every line of many lines in few cases exactly, keeping each case reference once", () => {
    expect(t.length).to.equal(COUNT);
    expect(t.caseCount).to.equal(CASES);
    let differ = 0;
    for (let i = 0; i < COUNT; i++) if (JSON.stringify(t.at(i)) !== JSON.stringify(lines[i])) differ++;
    expect(differ, "lines given back differently").to.equal(0);
    expect(t.at(EXPORT_CHUNK + 3)).to.deep.equal(lines[EXPORT_CHUNK + 3]);
    expect(t.at(COUNT)).to.equal(undefined);
    const refs = Array.from({ length: CASES }, (_, c) => bytesOf(caseOf(c)));
    let wrong = 0;
    for (let i = 0; i < COUNT; i++) for (let c = 0; c < CASES; c++) if (t.caseEquals(i, refs[c], 0) !== (c === i % CASES)) wrong++;
    expect(wrong, "caseEquals answers").to.equal(0);
    // at an offset inside a larger buffer, as the replay's records hold them
    const record = Buffer.concat([Buffer.alloc(5, 0xee), refs[2]]);
    expect(t.caseEquals(2, record, 5)).to.equal(true);
    expect(t.caseEquals(3, record, 5)).to.equal(false);
  });

  it("costs 8 + 4 + 64 + 1 bytes a line by construction, the case references 32 bytes a case", () => {
    const chunks = Math.ceil(COUNT / EXPORT_CHUNK);
    // the case references' buffer starts with room for 64 and doubles
    expect(t.columnBytes()).to.equal(chunks * EXPORT_CHUNK * (8 + 4 + 64 + 1) + 64 * 32);
  });

  it("keeps lines the columns cannot represent exactly as read, and their case comparison as before", () => {
    const good = { ...lineOf(0, 1), caseRef: "0x" + "ab".repeat(32) };
    const kept: ExportLine[] = [
      { ...good, ledgerEventId: "0" + good.ledgerEventId },
      { ...good, caseRef: good.caseRef.toUpperCase().replace("0X", "0x") },
      { ...good, salt: hex32(0xabc).toUpperCase().replace("0X", "0x") },
      { ...good, caseRef: "0x1234" },
      { ...good, ledgerEventId: (1n << 64n).toString() },
      { ...good, erased: "yes" as unknown as boolean },
    ];
    const mixed = [good, ...kept, lineOf(1, 1)];
    const k = ExportTable.of(mixed);
    mixed.forEach((l, i) => expect(k.at(i), `line ${i}`).to.deep.equal(l));
    expect(mixed.map((_, i) => k.inColumns(i))).to.deep.equal([true, false, false, false, false, false, false, true]);
    const ref = bytesOf(good.caseRef);
    // a kept line whose case reference is lower-case hex compares as the others ...
    for (const i of [1, 3, 5, 6]) expect(k.caseEquals(i, ref, 0), `line ${i}`).to.equal(true);
    // ... one whose reference is not never equals it (it compares with zero bytes, as the columns did)
    for (const i of [2, 4]) {
      expect(k.caseEquals(i, ref, 0), `line ${i}`).to.equal(false);
      expect(k.caseEquals(i, Buffer.alloc(32), 0), `line ${i}`).to.equal(true);
    }
  });
});

describe("audit: export table, salt and digest released once hashed", function () {
  this.timeout(30_000);
  const COUNT = EXPORT_CHUNK + 1234;
  let lines: ExportLine[];
  before(() => {
    lines = Array.from({ length: COUNT }, (_, i) => lineOf(i, 3));
  });
  const factsOf = (l: ExportLine) => ({ ledgerEventId: l.ledgerEventId, caseRef: l.caseRef, erased: Boolean(l.erased), hasSalt: Boolean(l.salt), hasDigest: Boolean(l.dataDigest) });
  const withSalt = (from: number) => {
    for (let i = from; ; i++) if (lines[i].salt) return i;
  };
  const withoutPair = (from: number) => {
    for (let i = from; ; i++) if (!lines[i].salt && !lines[i].dataDigest) return i;
  };

  it("drops a chunk's pair bytes once all its lines are below the end given, and refuses to read them after", () => {
    const t = ExportTable.of(lines);
    const before = t.columnBytes();
    t.releasePairsBelow(EXPORT_CHUNK - 1);
    expect(t.pairsReleased, "a chunk not wholly below the end").to.equal(false);
    t.releasePairsBelow(EXPORT_CHUNK);
    expect(t.pairsReleased).to.equal(true);
    expect(t.columnBytes()).to.equal(before - EXPORT_CHUNK * 64);
    expect(() => t.pairOf(0)).to.throw(/released/);
    expect(() => t.pairOf(EXPORT_CHUNK - 1)).to.throw(/released/);
    expect(() => t.pairsOf(0, 1, Uint8Array.of(1))).to.throw(/released/);
    expect(t.pairOf(EXPORT_CHUNK)).to.have.length(64);
    // at(i) cannot give a salt it no longer has: it refuses, unless the line had none
    expect(() => t.at(withSalt(0))).to.throw(/released/);
    expect(t.at(withoutPair(0))).to.deep.equal(lines[withoutPair(0)]);
    expect(t.at(withSalt(EXPORT_CHUNK))).to.deep.equal(lines[withSalt(EXPORT_CHUNK)]);
    let differ = 0;
    for (let i = 0; i < COUNT; i++) if (JSON.stringify(t.factsAt(i)) !== JSON.stringify(factsOf(lines[i]))) differ++;
    expect(differ, "facts given back differently").to.equal(0);
    expect(t.caseEquals(4, bytesOf(lines[4].caseRef), 0)).to.equal(true);
    // the last chunk goes once the end reaches the table's length; the table then takes no more lines
    t.releasePairsBelow(COUNT);
    expect(t.columnBytes()).to.equal(before - 2 * EXPORT_CHUNK * 64);
    expect(() => t.push(lineOf(COUNT, 3))).to.throw(/released/);
  });

  it("keeps lines kept as read whole after the release", () => {
    const kept = { ...lines[0], salt: hex32(0xabc).toUpperCase().replace("0X", "0x") };
    const t = ExportTable.of([kept, lines[1]]);
    t.releasePairsBelow(2);
    expect(t.at(0)).to.deep.equal(kept);
    expect(t.factsAt(0)).to.deep.equal(factsOf(kept));
  });
});

describe("audit: export index over tables that released their pairs", function () {
  this.timeout(30_000);

  it("releases each chunk once the index has added all its lines, slice by slice, and indexes the same", () => {
    const lines = Array.from({ length: EXPORT_CHUNK + 1234 }, (_, i) => lineOf(i, 3));
    const table = ExportTable.of(lines);
    const x = { agency: 1, source: "t", lines: table };
    const idx = new ExportIndex(1);
    expect(idx.add(x, 0, EXPORT_CHUNK - 1)).to.equal(EXPORT_CHUNK - 1);
    expect(table.pairsReleased).to.equal(false);
    idx.add(x, EXPORT_CHUNK - 1, EXPORT_CHUNK + 10);
    expect(() => table.pairOf(EXPORT_CHUNK - 1)).to.throw(/released/);
    expect(table.pairOf(EXPORT_CHUNK)).to.have.length(64);
    idx.add(x, EXPORT_CHUNK + 10);
    expect(() => table.pairOf(EXPORT_CHUNK)).to.throw(/released/);
    // an index over the parsed lines (its own table) gives the same entries
    const reference = new ExportIndex(1);
    reference.add({ agency: 1, source: "t", lines });
    expect(idx.entries()).to.deep.equal(reference.entries());
    expect(idx.line(3)).to.deep.equal({ ledgerEventId: lines[3].ledgerEventId, caseRef: lines[3].caseRef, erased: true, hasSalt: false, hasDigest: false });
    expect(idx.line(5)).to.deep.include({ erased: false, hasSalt: true, hasDigest: false });
  });

  it("refuses to hash a released table again, and makes a list's table anew for a second index", () => {
    const lines = [lineOf(0, 1), lineOf(1, 1)];
    const table = ExportTable.of(lines);
    new ExportIndex(1).add({ agency: 1, source: "t", lines: table });
    expect(() => new ExportIndex(1).add({ agency: 1, source: "t", lines: table })).to.throw(/released/);
    const a = new ExportIndex(1);
    a.add({ agency: 1, source: "t", lines });
    const b = new ExportIndex(1);
    b.add({ agency: 1, source: "t", lines });
    expect(b.entries()).to.deep.equal(a.entries());
  });

  describe("every commitment finding from the facts that remain", () => {
    const caseA = "0x" + "a1".repeat(32);
    const caseB = "0x" + "b2".repeat(32);
    const salt = (n: number) => hex32(n + 0x5000);
    const digest = (n: number) => keccak256("0x" + (n + 1000).toString(16).padStart(8, "0"));
    const id = (seq: number, agency = 1) => eventIdOf(agency, seq).toString();
    const caseOfSeq = (seq: number) => (seq === 4 || seq === 10 ? caseB : caseA);
    const steps: SynthStep[] = [1, 2, 3, 4, 5, 6, 7, 9].map((seq) => ({ agency: 1, seq, caseRef: caseOfSeq(seq), step: 2, commitment: commitmentOf(salt(seq), digest(seq)) }));
    steps.push({ agency: 1, seq: 10, caseRef: caseB, step: 21, detail: 1n, block: 2, commitment: commitmentOf(salt(10), digest(10)) });
    const faithful = (seq: number): ExportLine => ({ ledgerEventId: id(seq), caseRef: caseOfSeq(seq), salt: salt(seq), dataDigest: digest(seq) });
    const exportLines = (): ExportLine[] => [
      { ...faithful(1), dataDigest: digest(99) },
      { ...faithful(3), caseRef: caseB },
      faithful(4),
      { ...faithful(5), salt: null, dataDigest: null, erased: true },
      { ...faithful(6), dataDigest: undefined },
      faithful(7),
      faithful(7),
      faithful(8),
      { ...faithful(9), salt: salt(9).toUpperCase().replace("0X", "0x") },
      faithful(10),
      faithful(11),
      { ...faithful(1), ledgerEventId: id(1, 2) },
    ];
    // what matchCommitments said before the pairs were released (kind, event id, case), in its order
    const expected = [
      ["export-line-of-other-agency", id(1, 2), caseA],
      ["export-duplicate-line", id(7), caseA],
      ["commitment-mismatch", id(1), caseA],
      ["missing-from-export", id(2), caseA],
      ["export-case-mismatch", id(3), caseA],
      ["data-kept-after-erasure", id(4), caseB],
      ["erased-without-marker", id(5), caseA],
      ["export-line-incomplete", id(6), caseA],
      ["not-on-chain", id(8), caseA],
    ];
    const counts = { onChain: 9, matched: 4, erased: 0, missing: 3, mismatched: 2, notOnChain: 2, pending: 1 };

    function check(idx: ExportIndex, table: ExportTable): void {
      expect(table.pairsReleased, "pairs released once indexed").to.equal(true);
      expect(() => table.pairOf(0)).to.throw(/released/);
      const sink = new FindingSink();
      expect(matchCommitments(replayed(steps), idx, sink)).to.deep.equal(counts);
      expect(sink.findings.map((f) => [f.kind, f.eventId, f.caseRef])).to.deep.equal(expected);
      const message = (kind: string) => sink.findings.find((f) => f.kind === kind)!.message;
      expect(message("export-case-mismatch")).to.equal(`BAMF's export gives event ${id(3)} the case ${caseB}, the chain records it for ${caseA}`);
      expect(message("not-on-chain")).to.equal(`BAMF's export (t) lists event ${id(8)}, which is not on chain up to the audited block`);
    }

    it("with the commitments hashed here", () => {
      const table = ExportTable.of(exportLines());
      const idx = new ExportIndex(1);
      idx.add({ agency: 1, source: "t", lines: table });
      check(idx, table);
    });

    it("with the commitments hashed on the worker thread", async () => {
      const table = ExportTable.of(exportLines());
      const idx = (await indexExportsAlongside([{ agency: 1, source: "t", lines: table }])).get(1)!;
      check(idx, table);
    });
  });
});

describe("audit: export table and index beyond the pages held in memory (spilled to a file)", function () {
  this.timeout(60_000);
  const COUNT = 5 * EXPORT_CHUNK + 77;
  let lines: ExportLine[];
  let reference: ExportIndex;
  before(() => {
    lines = Array.from({ length: COUNT }, (_, i) => lineOf(i, 3));
    reference = new ExportIndex(1);
    reference.add({ agency: 1, source: "t", lines });
  });
  /** a table of the lines with two chunks of each column store in memory */
  const spilledTable = () => {
    const t = new ExportTable(2, 2);
    for (const l of lines) t.push(l);
    return t;
  };

  it("gives back every line as read, in any order", () => {
    const t = spilledTable();
    expect(t.spilled).to.equal(true);
    expect(t.columnBytes(), "two chunks of each in memory").to.be.at.most(2 * EXPORT_CHUNK * (13 + 64) + 64 * 32);
    let differ = 0;
    for (let n = 0; n < 2 * COUNT; n++) {
      const i = n < COUNT ? n : ((n - COUNT) * 7919) % COUNT;
      if (JSON.stringify(t.at(i)) !== JSON.stringify(lines[i])) differ++;
      if (!t.caseEquals(i, bytesOf(lines[i].caseRef), 0)) differ++;
    }
    expect(differ, "lines given back differently").to.equal(0);
  });

  it("indexes the same, here and on the worker thread, and keeps each entry's commitment and match across pages", async () => {
    const here = new ExportIndex(1, 2);
    const x = { agency: 1, source: "t", lines: spilledTable() };
    here.add(x);
    expect(here.spilled).to.equal(true);
    expect(here.entries()).to.deep.equal(reference.entries());
    const viaWorker = (await indexExportsAlongside([{ agency: 1, source: "t", lines: spilledTable() }])).get(1)!;
    expect(viaWorker.entries()).to.deep.equal(reference.entries());
    // matched marks set in scattered order are read back, and only those
    for (let n = 0; n < COUNT; n += 3) here.markUsed((n * 7919) % COUNT);
    const marked = new Set<number>();
    for (let n = 0; n < COUNT; n += 3) marked.add((n * 7919) % COUNT);
    let wrong = 0;
    for (let k = COUNT - 1; k >= 0; k--) if (here.isUsed(k) !== marked.has(k)) wrong++;
    expect(wrong).to.equal(0);
    here.close();
  });
});
