// The audit's own reader of an agency database (services/audit/agency-db/): it reads what the agency's
// service stores (a database made with the agency's own migrations and Prisma client), read only, and
// refuses what is not an agency database with a message; and the commitment thread's pure parts.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createKeccak } from "hash-wasm";
import { migrate, openDb } from "../../services/agency/store/db";
import { readAgencyDbContent } from "../../services/audit/agency-db/reader";
import { SqliteAgencyDb } from "../../services/audit/agency-db/sqlite";
import { hashPairs, splitEventIds } from "../../services/audit/commitment-thread";
import { fastCommitmentOf } from "../../services/shared/keccak";
import { CannotRun } from "../../services/audit/rpc";
import { readAgencyDb } from "../../services/audit/source";
import type { SignedCheckpoint } from "../../services/audit/types";
import { fillAgencyDb } from "./support/agency-db";
import type { Kept } from "./support/writer";

const hex = (b: string, n = 32) => "0x" + b.repeat(n);
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("audit: its own reader of an agency database", function () {
  let dir: string;
  let file: string;
  // Three ZAB rows: confirmed, still queued, and confirmed with its data erased.
  const kept = [1, 2, 3].map(
    (seq): Kept => ({
      agency: 2,
      sequence: seq,
      eventId: (2n << 56n) | BigInt(seq),
      caseRef: hex("c1"),
      step: seq === 1 ? 1 : 12,
      detail: BigInt(seq === 3 ? 14612 : 0),
      businessDate: seq === 2 ? 20260105 : 0,
      data: seq === 3 ? null : `{"n":${seq}}`,
      salt: seq === 3 ? null : hex(String(seq) + "a"),
      digest: hex(String(seq) + "d"),
      commitment: hex(String(seq) + "c"),
      onChain: seq !== 2,
      block: seq === 2 ? undefined : 10 + seq,
    }),
  );
  const checkpoint: SignedCheckpoint = { blockNumber: 12, blockHash: hex("bb"), caseCount: 1, commitmentsRoot: hex("cc"), commitmentsTree: "rfc6962", stepCount: 2, signer: hex("0e", 20), signature: hex("51", 65) };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "anker-audit-db-"));
    file = join(dir, "zab.db");
    migrate(`file:${file}`);
    const db = openDb(`file:${file}`);
    try {
      await fillAgencyDb(db, 2, kept, [checkpoint]);
    } finally {
      await db.$disconnect();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the Step rows and signed checkpoints as the agency's Prisma client reads them, and leaves the file as it was", async () => {
    const before = sha256(file);
    const content = await readAgencyDb(file);
    const db = openDb(`file:${file}`);
    let viaPrisma;
    try {
      viaPrisma = await db.step.findMany({ orderBy: { id: "asc" }, select: { id: true, caseRef: true, stepCode: true, detail: true, businessDate: true, data: true, salt: true, commitment: true, state: true } });
    } finally {
      await db.$disconnect();
    }
    expect(content.rows).to.deep.equal(viaPrisma);
    expect(content.rows.map((r) => [r.id, r.state, r.data === null])).to.deep.equal([[1, "confirmed", false], [2, "queued", false], [3, "confirmed", true]]);
    expect(content.checkpoints).to.deep.equal([checkpoint]);
    expect(sha256(file)).to.equal(before);
  });

  it("reads the checkpoints of a store not migrated since the log tree (no commitmentsTree column) as the sorted tree's", async () => {
    const old = join(dir, "before-log-tree.db");
    writeFileSync(old, readFileSync(file));
    const w = new Database(old);
    w.exec(`ALTER TABLE "SignedCheckpoint" DROP COLUMN "commitmentsTree"; ALTER TABLE "SignedCheckpoint" DROP COLUMN "stepCount"`);
    w.close();
    expect((await readAgencyDb(old)).checkpoints).to.deep.equal([{ ...checkpoint, commitmentsTree: "sorted", stepCount: null }]);
  });

  it("closes the reader once it has read", async () => {
    const reader = SqliteAgencyDb.open(file);
    expect((await readAgencyDbContent(reader)).rows).to.have.length(3);
    let err: unknown;
    await reader.read().catch((e: unknown) => (err = e));
    expect((err as Error).message).to.match(/not open/);
  });

  it("cannot run on a missing file, a file that is not SQLite, or an SQLite file without the agency's tables", async () => {
    await expectCannotRun(() => readAgencyDb(join(dir, "missing.db")), "does not exist");
    const text = join(dir, "notes.db");
    writeFileSync(text, "this is not a database, just text that is long enough to have a header\n".repeat(4));
    await expectCannotRun(() => readAgencyDb(text), "cannot be read as an agency database");
    const other = join(dir, "other.db");
    new Database(other).exec("CREATE TABLE Other (x INTEGER)").close();
    await expectCannotRun(() => readAgencyDb(other), "cannot be read as an agency database: no such table: Step");
  });

  it("names the row and the field of a Step row that is not what the agency's schema stores", async () => {
    const odd = join(dir, "odd.db");
    const db = new Database(odd);
    db.exec(`CREATE TABLE "Step" (id INTEGER, caseRef TEXT, stepCode TEXT, detail TEXT, businessDate INTEGER, data TEXT, salt TEXT, commitment TEXT, state TEXT);
             CREATE TABLE "SignedCheckpoint" (blockNumber INTEGER, blockHash TEXT, caseCount INTEGER, commitmentsRoot TEXT, signer TEXT, signature TEXT);
             INSERT INTO "Step" VALUES (1, '${hex("c1")}', 'twelve', '0', 0, NULL, NULL, '${hex("0c")}', 'confirmed');`);
    db.close();
    await expectCannotRun(() => readAgencyDb(odd), "Step row 1: stepCode");
  });
});

async function expectCannotRun(run: () => Promise<unknown>, message: string): Promise<void> {
  let err: unknown;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  expect(err).to.be.instanceOf(CannotRun);
  expect((err as Error).message).to.contain(message);
}

describe("audit: the commitment thread's parts", () => {
  it("splits event ids into agency byte and sequence below the dense limit, NaN for the rest", () => {
    const ids = [(1n << 56n) | 5n, (2n << 56n) | 99n, (2n << 56n) | 100n, 7n].map(String).concat(["not-a-number"]);
    const { agencies, seqs } = splitEventIds(ids.join(","), ids.length, 100);
    expect([...agencies.subarray(0, 2)]).to.deep.equal([1, 2]);
    expect([...seqs]).to.deep.equal([5, 99, NaN, 7, NaN]);
    expect(agencies[3]).to.equal(0);
    expect(splitEventIds("", 0, 100).seqs).to.have.length(0);
  });

  it("hashes the marked salt ‖ digest pairs like fastCommitmentOf and leaves the others zero", async () => {
    const keccak = await createKeccak(256);
    const salts = [hex("11"), hex("22")];
    const digests = [hex("33"), hex("44")];
    const pairs = Buffer.concat(salts.map((s, i) => Buffer.from(s.slice(2) + digests[i].slice(2), "hex")));
    const out = hashPairs(keccak, pairs, Uint8Array.from([1, 0]), 2);
    expect("0x" + Buffer.from(out.subarray(0, 32)).toString("hex")).to.equal(fastCommitmentOf(salts[0], digests[0]));
    expect([...out.subarray(32)]).to.deep.equal(new Array(32).fill(0));
  });
});
