// The export table's columns give every line back exactly as it was read, at a cost per line that does
// not carry a case reference (a number into the table's cases instead).
import { expect } from "chai";
import { EXPORT_CHUNK, ExportTable } from "../../services/audit/export-table";
import type { ExportLine } from "../../services/audit/types";

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
