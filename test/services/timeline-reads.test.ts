// The case timeline's page read (reads/timeline-page.ts through store/snapshot-reads.ts) against a real
// store, SQLite and PostgreSQL: read page by page it gives exactly the whole case's timeline as buildTimeline
// makes it from every stored event and record (notices on their step, corrections across pages, the open
// stops of the whole case, own records verified, tampered and erased, steps not on the chain yet); it reads
// one committed snapshot beside an open write transaction, without waiting for it and without its rows; a
// page costs a fixed number of indexed queries whatever the case's length (on SQLite: no table scan, no
// sort); the WebAssembly commitment check agrees with shared/commitment.ts.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { openDb, type Db } from "../../services/agency/store/db";
import { migrateIfNeeded } from "../../services/agency/store/migrate-if-needed";
import { tuneSqlite } from "../../services/agency/store/sqlite-tuning";
import { serialized } from "../../services/agency/store/serialized";
import { readSnapshot, type Row, type SnapshotRead, type SqlQuery } from "../../services/agency/store/snapshot-reads";
import { caseTimeline } from "../../services/agency/reads/case-views";
import { buildTimeline } from "../../services/agency/reads/timeline";
import { timelinePageRead, type TimelinePage } from "../../services/agency/reads/timeline-page";
import { caseEvents } from "../../services/agency/reads/ledger-events";
import { commitmentCheck } from "../../services/agency/reads/commitment-check";
import type { ServiceContext } from "../../services/agency/context";
import type { Principal } from "../../services/agency/auth/roles";
import { commit, commitmentOf, dataDigest, newSalt } from "../../services/shared/commitment";
import { stepByKey } from "../../services/shared/codelists";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { LedgerMirror } from "../support/ledger-mirror";
import { freshPostgresUrl, testDatabases } from "../support/postgres";

const BAMF = 1;
const clerk: Principal = { kind: "client", clientId: 1, name: "timeline-test", role: "clerk" };

/** The queries a read makes, with the rows each got: the read runs as usual. */
function* recording<T>(inner: SnapshotRead<T>, log: SqlQuery[]): SnapshotRead<T> {
  let step = inner.next();
  while (!step.done) {
    log.push(step.value);
    const rows: Row[] = yield step.value;
    step = inner.next(rows);
  }
  return step.value;
}

for (const database of testDatabases())
  describe(`timeline page reads (reads/timeline-page.ts) on ${database}`, function () {
    let dir: string;
    let url: string;
    let db: Db;
    let ctx: ServiceContext;
    let caseRef: string;
    let caseId: number;
    let mirror: LedgerMirror;

    /** An own step: the Step row (data, salt, commitment as the step writer stores them). */
    const ownStep = async (step: string, extra: { state?: string; blockNumber?: number; logIndex?: number; data?: unknown } = {}) => {
      const c = commit({ caseRef, step: stepByKey(step).code, data: extra.data ?? { n: randomUUID() } });
      return db.step.create({
        data: {
          eventId: randomUUID(),
          caseId,
          caseRef,
          stepCode: stepByKey(step).code,
          data: c.canonical,
          salt: c.salt,
          commitment: c.commitment,
          state: extra.state ?? "confirmed",
          blockNumber: extra.blockNumber,
          logIndex: extra.logIndex,
        },
      });
    };
    /** The whole case as buildTimeline makes it from every stored event and record of the case. */
    const wholeCase = async () => {
      const events = await caseEvents(db, caseRef);
      const ownSteps = await db.step.findMany({ where: { caseRef } });
      const caseRow = await db.case.findUnique({ where: { caseRef } });
      return buildTimeline({ caseRef, agencyCode: BAMF, events, ownSteps, caseRow, personalData: true });
    };

    before(async function () {
      this.timeout(120_000);
      dir = mkdtempSync(join(tmpdir(), "anker-timeline-"));
      url = database === "postgres" ? await freshPostgresUrl("timeline") : `file:${join(dir, "agency.db")}`;
      await migrateIfNeeded(url);
      db = openDb(url);
      await tuneSqlite(db, url);
      ctx = { db, config: { agencyCode: BAMF } } as unknown as ServiceContext;
      caseRef = "0x" + "5e".repeat(32);
      caseId = (await db.case.create({ data: { caseRef, fileNumber: "7000001-423", familyName: "Lang (fiktiv)", givenNames: "Timo", fictitious: true } })).id;
      mirror = new LedgerMirror(db);

      // Before the case's first step: a rule event whose step the mirror does not hold (otherNotices).
      await db.ledgerEvent.create({
        data: { txHash: "0x" + "01".repeat(32), logIndex: 0, blockNumber: 900, blockHash: "0x" + "02".repeat(32), name: "AllocationDue", caseRef, eventId: "42", blockTime: 1_790_000_000 },
      });
      await mirror.record({ caseRef, agency: "ZAB", seq: 1, step: "REGISTERED" });
      const decided = await ownStep("DECISION_ISSUED");
      const decidedId = await mirror.record({ caseRef, agency: "BAMF", seq: decided.id, step: "DECISION_ISSUED", detail: 1, commitment: decided.commitment });
      let zabSeq = 2;
      for (let i = 0; i < 125; i++) {
        if (i % 3 === 0) {
          const s = await ownStep("HEARING_HELD", { data: { Niederschrift: `Anhörung ${i}: Übersetzung geprüft` } });
          // an OutOfOrder event names its step in stepCode: here the CORRECTION's code, which is no correction
          const notices = i % 9 === 0 ? [{ name: "OutOfOrder", args: { step: stepByKey("CORRECTION").code, missing: 4 } }] : [];
          await mirror.record({ caseRef, agency: "BAMF", seq: s.id, step: "HEARING_HELD", commitment: s.commitment, notices });
        } else {
          // the partner's steps, some raising and lifting stops
          const notices =
            i === 40 ? [{ name: "StopChanged", args: { reasons: 3, previousReasons: 0 } }] : i === 70 ? [{ name: "StopIgnored", args: { reasons: 3 } }] : i === 100 ? [{ name: "StopChanged", args: { reasons: 2, previousReasons: 0 } }] : [];
          await mirror.record({ caseRef, agency: "ZAB", seq: zabSeq++, step: "FOLLOW_UP_APPLICATION_FILED", notices });
        }
      }
      // a correction on the last page of the step on the first
      const correction = await ownStep("CORRECTION");
      await mirror.record({ caseRef, agency: "BAMF", seq: correction.id, step: "CORRECTION", detail: BigInt(decidedId), commitment: correction.commitment, notices: [{ name: "StepCorrected", args: { originalEventId: decidedId } }] });
      const lastBlock = (await db.ledgerEvent.aggregate({ _max: { blockNumber: true } }))._max.blockNumber!;
      await db.listenerCheckpoint.create({ data: { id: 1, blockNumber: lastBlock, logIndex: 1, blockHash: "0x" + "03".repeat(32) } });
      // A tampered record and an erased one; own steps not on the chain yet: queued, and confirmed past the
      // listener's checkpoint; and one confirmed past it that the mirror already holds (not pending).
      const tampered = await db.step.findFirstOrThrow({ where: { caseRef, stepCode: stepByKey("HEARING_HELD").code }, orderBy: { id: "asc" }, skip: 2 });
      await db.step.update({ where: { id: tampered.id }, data: { data: tampered.data!.replace("geprüft", "ungeprüft") } });
      await db.step.update({ where: { id: decided.id }, data: { data: null, salt: null } });
      await ownStep("DECISION_SERVED", { state: "queued" });
      await ownStep("DECISION_SERVED", { blockNumber: lastBlock + 5, logIndex: 0 });
      const late = await ownStep("HEARING_HELD", { blockNumber: lastBlock + 1, logIndex: 0 });
      await mirror.record({ caseRef, agency: "BAMF", seq: late.id, step: "HEARING_HELD", commitment: late.commitment });
    });
    after(async () => {
      await db?.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    });

    it("read page by page, gives exactly the whole case's timeline", async () => {
      const whole = await wholeCase();
      // the case as built: both agencies, notices, stops, corrections, every kind of own record
      expect(whole.steps).to.have.length(129);
      expect(whole.openStops.bits).to.equal(2);
      expect(whole.otherNotices.map((n) => n.name)).to.deep.equal(["AllocationDue"]);
      expect(whole.steps.filter((s) => s.correctedBy)).to.have.length(1);
      expect(whole.steps.filter((s) => s.own).map((s) => s.verified)).to.include.members([true, false, null]);
      expect(whole.pending).to.have.length(2);

      for (const limit of [50, 7, 500]) {
        const steps: unknown[] = [];
        const otherNotices: unknown[] = [];
        let cursor: TimelinePage["cursor"];
        let pages = 0;
        for (;;) {
          const page = await caseTimeline(ctx, clerk, caseRef, { limit, cursor });
          expect(page.page.totalSteps).to.equal(129);
          expect(page.openStops).to.deep.equal(whole.openStops);
          expect(page.pending).to.deep.equal(whole.pending);
          expect(page.person).to.deep.equal(whole.person);
          steps.push(...page.steps);
          otherNotices.push(...page.otherNotices);
          pages++;
          if (!page.page.nextCursor) break;
          const [block, logIndex] = page.page.nextCursor.split("-").map(Number);
          cursor = { block, logIndex };
        }
        expect(pages).to.equal(Math.ceil(129 / limit));
        expect(steps).to.deep.equal(whole.steps);
        expect(otherNotices).to.deep.equal(whole.otherNotices);
      }
      // past the last page: no steps, the case's figures all the same
      const past = await caseTimeline(ctx, clerk, caseRef, { limit: 50, cursor: { block: 999_999, logIndex: 0 } });
      expect(past.steps).to.deep.equal([]);
      expect(past.page).to.deep.equal({ limit: 50, totalSteps: 129, nextCursor: null });
    });

    it("reads a page with a few queries, each one range of an index of the case: no table scan, no sort", async () => {
      const count = async (page: TimelinePage) => {
        const log: SqlQuery[] = [];
        await readSnapshot(db, () => recording(timelinePageRead(caseRef, BAMF, page), log));
        return log;
      };
      const first = await count({ limit: 50 });
      const middle = await count({ limit: 50, cursor: { block: 1050, logIndex: 0 } });
      // steps, events, stops, corrections, count, case, checkpoint, not yet mirrored (2), own records
      expect(first.length).to.be.at.most(10);
      expect(middle.length).to.be.at.most(10);
      if (database !== "sqlite") return;
      // SQLite's plan of each: an index search, never a scan of a table or an index, never a sort (but the
      // sort of equal (block, log index) by id, one row each); a ledger event by its case (the case's range of
      // the (caseRef, blockNumber, logIndex, name) index: the page's steps and events up to the LIMIT or the
      // cursor; the step count, the last stops and the corrections filter the range without reading the
      // rows, see schema.prisma) or by its event id, a step by its case or its id
      const plans = new Database(url.replace(/^file:/, ""), { readonly: true });
      const unbounded = (_sql: string, d: string) =>
        /^SCAN "?(LedgerEvent|Step|Case|ListenerCheckpoint)"?/.test(d) ||
        (/TEMP B-TREE/.test(d) && !/TEMP B-TREE FOR LAST TERM OF ORDER BY/.test(d)) ||
        (/^SEARCH "?(LedgerEvent|Step)"?/.test(d) && !/\((caseRef=\?|rowid=\?|eventId=\?)/.test(d));
      try {
        for (const q of [...first, ...middle]) {
          const plan = (plans.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]).map((r) => r.detail);
          expect(plan.filter((d) => unbounded(q.sql, d)), `${q.sql}\n${plan.join("\n")}`).to.deep.equal([]);
        }
      } finally {
        plans.close();
      }
    });

    it("reads one committed snapshot beside an open write transaction, without waiting for it", async () => {
      const before = await readSnapshot(db, () => timelinePageRead(caseRef, BAMF, { limit: 500 }));
      await serialized(db, async (tx) => {
        await tx.ledgerEvent.create({
          data: { txHash: "0x" + "0f".repeat(32), logIndex: 0, blockNumber: 5000, blockHash: "0x" + "0e".repeat(32), name: "StepRecorded", caseRef, eventId: eventIdOf(2, 999).toString(), agency: 2, stepCode: stepByKey("HEARING_HELD").code, blockTime: 1_790_005_000 },
        });
        // inside the writer's open transaction: the read answers, and without the uncommitted step
        const during = await readSnapshot(db, () => timelinePageRead(caseRef, BAMF, { limit: 500 }));
        expect(during.totalSteps).to.equal(before.totalSteps);
        expect(during.events).to.deep.equal(before.events);
      });
      const after = await readSnapshot(db, () => timelinePageRead(caseRef, BAMF, { limit: 500 }));
      expect(after.totalSteps).to.equal(before.totalSteps + 1);
      await db.ledgerEvent.delete({ where: { txHash_logIndex: { txHash: "0x" + "0f".repeat(32), logIndex: 0 } } });
    });

    it("writes nothing: a write through the read fails", async () => {
      function* write(): SnapshotRead<void> {
        yield { sql: `DELETE FROM "AccessLog"`, params: [] };
      }
      let failed = false;
      await readSnapshot(db, write).catch(() => (failed = true));
      expect(failed).to.equal(true);
    });

    it("reads again after the client closed and reopened its connection", async () => {
      await db.$disconnect();
      const page = await readSnapshot(db, () => timelinePageRead(caseRef, BAMF, { limit: 5 }));
      expect(page.totalSteps).to.equal(129);
    });

    it("knows no case that is neither registered nor on the ledger", async () => {
      const none = await readSnapshot(db, () => timelinePageRead("0x" + "77".repeat(32), BAMF, { limit: 50 }));
      expect(none).to.include({ known: false, totalSteps: 0, caseRow: null });
    });
  });

describe("timeline commitment check (reads/commitment-check.ts)", () => {
  it("agrees with shared/commitment.ts, umlauts and upper-case hex included", async () => {
    const check = await commitmentCheck();
    for (const data of [{}, { note: "Anhörung in Dresden, Übersetzung: Dari" }, { n: [1, 2.5, null, "ß€😀"] }]) {
      const c = commit(data);
      expect(check(c.salt, c.canonical, c.commitment)).to.equal(true);
      expect(check(c.salt, c.canonical, c.commitment.toUpperCase().replace("0X", "0x"))).to.equal(true);
      expect(check(newSalt(), c.canonical, c.commitment)).to.equal(false);
      expect(check(c.salt, c.canonical + " ", c.commitment)).to.equal(false);
      const salt = newSalt();
      expect(check(salt, c.canonical, commitmentOf(salt, dataDigest(c.canonical)))).to.equal(true);
    }
  });

  it("takes a salt that is no hex byte string as not matching", async () => {
    const check = await commitmentCheck();
    const c = commit({ x: 1 });
    expect(check("0xzz" + c.salt.slice(4), c.canonical, c.commitment)).to.equal(false);
    expect(check(c.salt.slice(0, -1), c.canonical, c.commitment)).to.equal(false);
  });
});
