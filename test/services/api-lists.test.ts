// Lists a clerk works with all day, against the real API on a real SQLite database: cases named by file
// number and name (auditors: neither), server-side paging with totals, search by part of a file number, a
// name or a reference, filters and sorting, bulk acknowledgement and open counts, "allocation due" notices
// that close themselves when the listener stores the allocation, the deadline view, the CSV exports, and
// the case timeline read page by page with a cursor. The chain history is stored through the listener's own
// storeEvents, so the notifications are the ones the listener raises.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, TEST_CONSORTIUM_KEY, type ApiHarness } from "../support/api-harness";
import { storeEvents } from "../../services/agency/listener/store-events";
import type { LedgerLog } from "../../services/agency/chain/ledger-logs";
import { caseRefOf } from "../../services/shared/pseudonym";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { agencyByKey, stepByKey, type AgencyKey } from "../../services/shared/codelists";

const CASES = 30;
const fileNumberOf = (i: number) => `${7000100 + i}-423`;
/** No file number of the test's cases in `text` (each one exactly: "7000" alone also turns up by chance in a hash). */
const expectNoFileNumbers = (text: string) => {
  for (let i = 0; i < CASES; i++) expect(text).to.not.contain(fileNumberOf(i));
  expect(text).to.not.contain("7999999-423"); // the partner's case searched by its whole file number
};
const familyOf = (i: number) => (i === 7 ? "Müller (fiktiv)" : i === 8 ? `O'Neil; "Junior" (fiktiv)` : `Testfall${String(i).padStart(2, "0")} (fiktiv)`);

describe("API: lists, search, paging, bulk work and exports", function () {
  let chain: TestChain;
  let zab: ApiHarness;
  const refs: string[] = [];
  const partnerRef = "0x" + randomBytes(32).toString("hex");
  let block = 5000;
  let seq = 1;

  const clerk = () => ({ token: zab.tokens.clerk });
  const auditor = () => ({ token: zab.tokens.auditor });

  /** Store one transaction's logs through the listener's own storeEvents (it raises the notifications). */
  const store = async (logs: Omit<LedgerLog, "txHash" | "blockNumber" | "blockHash" | "logIndex">[], blockTime = 1_790_000_000) => {
    const blockNumber = ++block;
    const txHash = "0x" + randomBytes(32).toString("hex");
    const blockHash = "0x" + randomBytes(32).toString("hex");
    const full = logs.map((l, logIndex) => ({ ...l, txHash, blockNumber, blockHash, logIndex }));
    await storeEvents(zab.db, full, new Map([[blockNumber, blockTime + blockNumber]]), { blockNumber, logIndex: full.length - 1, blockHash }, "ZAB", false);
    return blockNumber;
  };
  const step = (caseRef: string, agency: AgencyKey, key: string, extra: Partial<LedgerLog> = {}) => {
    const eventId = eventIdOf(agencyByKey(agency)!.code, seq++);
    return {
      name: "StepRecorded",
      caseRef,
      eventId,
      agency: agencyByKey(agency)!.code,
      stepCode: stepByKey(key).code,
      detail: 0n,
      businessDate: 0,
      commitment: "0x" + randomBytes(32).toString("hex"),
      args: {},
      ...extra,
    };
  };
  const rule = (s: { caseRef: string; eventId: bigint }, name: string, args: Record<string, string> = {}) => ({
    name,
    caseRef: s.caseRef,
    eventId: s.eventId,
    args: { caseRef: s.caseRef, eventId: s.eventId.toString(), ...args },
  });

  before(async () => {
    chain = await startTestChain();
    zab = await startApi({ agency: "ZAB", chain: chainPortFor(chain, "ZAB") });
    for (let i = 0; i < CASES; i++) {
      const person = { familyName: familyOf(i), givenNames: i === 7 ? "Jürgen" : "Test", dateOfBirth: "1990-01-01", nationality: "SYR" };
      const r = await zab.call("POST", "/api/cases", { ...clerk(), body: { fileNumber: fileNumberOf(i), person } });
      expect(r.status).to.equal(201);
      refs.push(r.json.caseRef);
      // the BAMF filed the application: a forwarded step (notification) for the ZAB
      await store([step(r.json.caseRef, "BAMF", "APPLICATION_FILED")]);
    }
    // a case only the BAMF registered, whose allocation is due
    const decided = step(partnerRef, "BAMF", "DECISION_ISSUED", { detail: 1n });
    await store([decided, rule(decided, "AllocationDue")]);
  });
  after(async () => {
    await zab?.close();
    await chain?.dispose();
  });

  describe("cases list", () => {
    it("pages on the server with a total, each case by file number and name; the partner's case says it is not held here", async () => {
      const first = await zab.call("GET", "/api/cases?limit=10", clerk());
      expect(first.status).to.equal(200);
      expect(first.json).to.include({ total: CASES + 1, limit: 10, offset: 0 });
      expect(first.json.cases).to.have.length(10);
      const second = await zab.call("GET", "/api/cases?limit=10&offset=10", clerk());
      const seen = new Set([...first.json.cases, ...second.json.cases].map((c: { caseRef: string }) => c.caseRef));
      expect(seen.size).to.equal(20);
      // most recent activity first: the partner's case had the last event
      expect(first.json.cases[0]).to.deep.include({ caseRef: partnerRef, held: false });
      expect(first.json.cases[0]).to.not.have.property("fileNumber");
      const held = first.json.cases.find((c: { caseRef: string }) => c.caseRef === refs[CASES - 1]);
      expect(held).to.include({ held: true, fileNumber: fileNumberOf(CASES - 1), name: `${familyOf(CASES - 1)}, Test` });
    });

    it("filters by phase and open stop and sorts by file number or name, across all pages", async () => {
      const byFile = await zab.call("GET", "/api/cases?sort=fileNumber&limit=500", clerk());
      const files = byFile.json.cases.map((c: { fileNumber?: string }) => c.fileNumber);
      expect(files.slice(0, CASES)).to.deep.equal([...files.slice(0, CASES)].sort());
      expect(files[CASES]).to.equal(undefined); // not held: last
      const desc = await zab.call("GET", "/api/cases?sort=fileNumber&order=desc&limit=1", clerk());
      expect(desc.json.cases[0].fileNumber).to.equal(fileNumberOf(CASES - 1));
      const byName = await zab.call("GET", "/api/cases?sort=name&limit=1", clerk());
      expect(byName.json.cases[0].name).to.equal(`Müller (fiktiv), Jürgen`);
      const phase2 = await zab.call("GET", "/api/cases?phase=2", clerk());
      expect(phase2.json.total).to.equal(1);
      expect(phase2.json.cases[0].caseRef).to.equal(partnerRef);
      const stopped = await zab.call("GET", "/api/cases?openStop=true", clerk());
      expect(stopped.json.total).to.equal(0);
      const lastStep = await zab.call("GET", "/api/cases?lastStep=APPLICATION_FILED&limit=500", clerk());
      expect(lastStep.json.total).to.equal(CASES);
      const bad = await zab.call("GET", "/api/cases?sort=shoeSize", clerk());
      expect(bad.status).to.equal(400);
    });

    it("finds by part of a file number, by name (any case, umlauts) and by reference; auditors only by reference", async () => {
      const partial = await zab.call("GET", `/api/cases?q=${encodeURIComponent("700010")}&limit=500`, clerk());
      expect(partial.json.total).to.equal(10); // 7000100 … 7000109
      const name = await zab.call("GET", `/api/cases?q=${encodeURIComponent("MÜLLER jür")}`, clerk());
      expect(name.json.cases.map((c: { caseRef: string }) => c.caseRef)).to.deep.equal([refs[7]]);
      const byRef = await zab.call("GET", `/api/cases?q=${refs[3].slice(0, 14)}`, clerk());
      expect(byRef.json.cases.map((c: { caseRef: string }) => c.caseRef)).to.include(refs[3]);
      // a whole file number the ZAB never registered, known from the ledger through its reference
      const partnerFile = "7999999-423";
      const partnerByFile = caseRefOf(partnerFile, TEST_CONSORTIUM_KEY);
      await store([step(partnerByFile, "BAMF", "APPLICATION_FILED")]);
      const whole = await zab.call("GET", `/api/cases?q=${partnerFile}`, clerk());
      expect(whole.json.cases.map((c: { caseRef: string }) => c.caseRef)).to.deep.equal([partnerByFile]);

      const auditorName = await zab.call("GET", `/api/cases?q=${encodeURIComponent("Müller")}`, auditor());
      expect(auditorName.json.total).to.equal(0);
      const auditorFile = await zab.call("GET", `/api/cases?q=700010`, auditor());
      expect(auditorFile.json.total).to.equal(0);
      const auditorRef = await zab.call("GET", `/api/cases?q=${refs[7].slice(2, 20)}`, auditor());
      expect(auditorRef.json.cases.map((c: { caseRef: string }) => c.caseRef)).to.include(refs[7]);
      expect(auditorRef.text).to.not.contain("Müller").and.not.contain(fileNumberOf(7));
    });
  });

  describe("inbox", () => {
    it("pages the notices with a total and names each case by file number and name (auditors: neither)", async () => {
      const page = await zab.call("GET", "/api/notifications?limit=10&group=others", clerk());
      expect(page.status).to.equal(200);
      expect(page.json).to.include({ limit: 10, offset: 0 });
      expect(page.json.total).to.be.at.least(CASES + 1);
      expect(page.json.notifications).to.have.length(10);
      const due = page.json.notifications.find((n: { kind: string }) => n.kind === "ALLOCATION_DUE");
      expect(due.case).to.deep.equal({ held: false }); // beim Partner erfasst
      const forward = page.json.notifications.find((n: { kind: string; caseRef: string }) => n.kind === "FORWARD" && refs.includes(n.caseRef));
      const i = refs.indexOf(forward.caseRef);
      expect(forward.case).to.deep.equal({ held: true, fileNumber: fileNumberOf(i), name: `${familyOf(i)}, Test` });

      const audit = await zab.call("GET", "/api/notifications?limit=500", auditor());
      expect(audit.status).to.equal(200);
      for (const n of audit.json.notifications) expect(n.case).to.not.have.any.keys("fileNumber", "name");
      expectNoFileNumbers(audit.text);
      expect(audit.text).to.not.contain("fiktiv");

      const search = await zab.call("GET", `/api/notifications?q=${encodeURIComponent("müller")}`, clerk());
      expect(search.json.notifications.map((n: { caseRef: string }) => n.caseRef)).to.deep.equal([refs[7]]);
    });

    it("acknowledges a page at once, counts what is open, and refuses auditors", async () => {
      const before = await zab.call("GET", "/api/notifications/counts", clerk());
      expect(before.status).to.equal(200);
      expect(before.json.allocationDue).to.equal(1);
      const page = await zab.call("GET", "/api/notifications?kind=FORWARD&unacknowledged=true&limit=5", clerk());
      const ids = page.json.notifications.map((n: { id: number }) => n.id);
      const ack = await zab.call("POST", "/api/notifications/ack", { ...clerk(), body: { ids: [...ids, 999_999] } });
      expect(ack.status).to.equal(200);
      expect(ack.json.acknowledged).to.equal(5);
      expect(ack.json.notifications.map((n: { id: number }) => n.id)).to.deep.equal([...ids].sort((a, b) => a - b));
      for (const n of ack.json.notifications) expect(n.acknowledgedBy).to.equal("client:zab-clerk-app");
      const again = await zab.call("POST", "/api/notifications/ack", { ...clerk(), body: { ids } });
      expect(again.json.acknowledged).to.equal(0);
      const after = await zab.call("GET", "/api/notifications/counts", auditor());
      expect(after.json.unacknowledged).to.equal(before.json.unacknowledged - 5);
      expect(after.json.byKind.FORWARD).to.equal(before.json.byKind.FORWARD - 5);
      const refused = await zab.call("POST", "/api/notifications/ack", { ...auditor(), body: { ids } });
      expect(refused.status).to.equal(403);
      const empty = await zab.call("POST", "/api/notifications/ack", { ...clerk(), body: { ids: [] } });
      expect(empty.status).to.equal(400);
    });

    it("closes an 'allocation due' notice when the listener stores the case's allocation, and only the earlier one", async () => {
      const openDue = async () =>
        (await zab.db.notification.findMany({ where: { kind: "ALLOCATION_DUE", caseRef: refs[0] }, orderBy: { id: "asc" } })).map((n) => n.acknowledgedBy);
      const decided = step(refs[0], "BAMF", "DECISION_ISSUED", { detail: 1n });
      await store([decided, rule(decided, "AllocationDue")]);
      expect(await openDue()).to.deep.equal([null]);
      await store([step(refs[0], "ZAB", "MUNICIPAL_ALLOCATION", { detail: 14612n })]);
      expect(await openDue()).to.deep.equal(["system:allocated"]);
      // a new decision later makes a new allocation due: that one stays open
      const again = step(refs[0], "BAMF", "DECISION_ISSUED", { detail: 1n });
      await store([again, rule(again, "AllocationDue")]);
      expect(await openDue()).to.deep.equal(["system:allocated", null]);
      const list = await zab.call("GET", `/api/notifications?kind=ALLOCATION_DUE&caseRef=${refs[0]}&unacknowledged=false`, clerk());
      expect(list.json.notifications[0]).to.include({ acknowledgedBy: "system:allocated" });
    });
  });

  describe("allocation", () => {
    it("pages the due cases; the explanation counts proposals above apart from the allocations in the table", async () => {
      for (const i of [1, 2, 3]) {
        const d = step(refs[i], "BAMF", "DECISION_ISSUED", { detail: 1n });
        await store([d, rule(d, "AllocationDue")]);
      }
      const all = await zab.call("GET", "/api/allocation/proposals?limit=100", clerk());
      expect(all.status).to.equal(200);
      expect(all.json.total).to.equal(all.json.proposals.length);
      expect(all.json.total).to.be.at.least(4);
      const p1 = await zab.call("GET", "/api/allocation/proposals?limit=2", clerk());
      const p2 = await zab.call("GET", "/api/allocation/proposals?limit=2&offset=2", clerk());
      expect([...p1.json.proposals, ...p2.json.proposals].map((p: { caseRef: string }) => p.caseRef)).to.deep.equal(
        all.json.proposals.slice(0, 4).map((p: { caseRef: string }) => p.caseRef),
      );
      // page 2 continues the running proposals of page 1
      expect(p2.json.proposals.map((p: { proposed: unknown }) => p.proposed)).to.deep.equal(all.json.proposals.slice(2, 4).map((p: { proposed: unknown }) => p.proposed));
      // the table shows allocations made; a card whose district was proposed above says so
      for (const p of all.json.proposals as { proposed: { code: number }; explanation: { de: string } }[]) {
        const table = all.json.standings.find((s: { code: number }) => s.code === p.proposed.code);
        expect(p.explanation.de).to.contain(`bisher ${table.allocated} zugewiesen`);
      }
      const byFile = all.json.proposals.find((p: { caseRef: string }) => p.caseRef === refs[2]);
      expect(byFile).to.include({ held: true, fileNumber: fileNumberOf(2) });
      for (const s of all.json.standings) expect(s.lagText.de).to.match(/unter dem Soll|über dem Soll|genau im Soll/);
      const negative = all.json.standings.find((s: { lag: number }) => s.lag < 0);
      if (negative) expect(negative.lagText.de).to.contain("über dem Soll");
    });
  });

  describe("deadlines", () => {
    it("lists planned repatriation dates, the overdue ones first, with file number and name", async () => {
      await store([step(refs[5], "ZAB", "REPATRIATION_SCHEDULED", { businessDate: 20260110 })]);
      await store([step(refs[6], "ZAB", "REPATRIATION_SCHEDULED", { businessDate: 29990101 })]);
      await store([step(refs[9], "ZAB", "REPATRIATION_SCHEDULED", { businessDate: 20260111 })]);
      await store([step(refs[9], "ZAB", "REPATRIATION_COMPLETED")]);
      const r = await zab.call("GET", "/api/deadlines?kind=REPATRIATION_DATE", clerk());
      expect(r.status).to.equal(200);
      expect(r.json.deadlines.map((d: { caseRef: string }) => d.caseRef)).to.deep.equal([refs[5], refs[6]]);
      expect(r.json.deadlines[0]).to.deep.include({ kind: "REPATRIATION_DATE", date: "2026-01-10", overdue: true });
      expect(r.json.deadlines[0].case).to.include({ fileNumber: fileNumberOf(5) });
      expect(r.json.deadlines[1].overdue).to.equal(false);
      const overdue = await zab.call("GET", "/api/deadlines?overdue=true&kind=REPATRIATION_DATE", auditor());
      expect(overdue.json.deadlines.map((d: { caseRef: string }) => d.caseRef)).to.deep.equal([refs[5]]);
      expect(overdue.json.deadlines[0].case).to.deep.equal({ held: true });
    });
  });

  describe("CSV exports", () => {
    it("exports the cases list as UTF-8 CSV with a byte order mark, semicolons and correct quoting; auditors without personal data", async () => {
      const r = await zab.call("GET", `/api/exports/cases.csv?sort=fileNumber&q=${encodeURIComponent("O'Neil")}`, clerk());
      expect(r.status).to.equal(200);
      expect(r.headers.get("content-type")).to.equal("text/csv; charset=utf-8");
      expect(r.headers.get("content-disposition")).to.contain("faelle.csv");
      const raw = Buffer.from(await (await fetch(`${zab.url}/api/exports/cases.csv?sort=fileNumber`, { headers: { authorization: `Bearer ${zab.tokens.clerk}` } })).arrayBuffer());
      expect([...raw.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const lines = r.text.replace(/^\ufeff/, "").trimEnd().split("\r\n");
      expect(lines[0]).to.equal("Aktenzeichen;Name;Fallreferenz;bei dieser Behörde erfasst;Phase;Letzter Schritt;Letzte Aktivität (UTC);Offene Stopps");
      expect(lines).to.have.length(2);
      expect(lines[1]).to.match(new RegExp(`^${fileNumberOf(8)};"O'Neil; ""Junior"" \\(fiktiv\\), Test";${refs[8]};ja;I;Asylantrag gestellt;`));

      const all = await zab.call("GET", "/api/exports/cases.csv?lang=en", clerk());
      expect(all.text.trimEnd().split("\r\n")).to.have.length(1 + CASES + 2);
      expect(all.text).to.contain("no (registered by another member agency)");
      const audit = await zab.call("GET", "/api/exports/cases.csv", auditor());
      expect(audit.status).to.equal(200);
      expectNoFileNumbers(audit.text);
      expect(audit.text).to.not.contain("fiktiv").and.not.contain("Aktenzeichen");
    });

    it("exports the dashboard figures for a period", async () => {
      const r = await zab.call("GET", "/api/exports/stats.csv?from=2026-09-01&to=2026-09-30", auditor());
      expect(r.status).to.equal(200);
      expect(r.headers.get("content-type")).to.equal("text/csv; charset=utf-8");
      const lines = r.text.replace(/^\ufeff/, "").trimEnd().split("\r\n");
      expect(lines[0]).to.equal("Kennzahl;Tag, Phase oder Schritte;BAMF;ZAB;Anzahl;Median (Stunden);90. Perzentil (Stunden)");
      expect(lines.filter((l) => l.startsWith("Schritte je Tag;"))).to.have.length(30);
    });
  });

  describe("timeline paging", () => {
    it("reads a long case page by page with a cursor: every step once, in order, notices on their step, stops of the whole case", async () => {
      const ref = refs[12];
      const first = step(ref, "ZAB", "REPATRIATION_SCHEDULED", { businessDate: 20270101 });
      const follow = step(ref, "BAMF", "FOLLOW_UP_APPLICATION_FILED");
      await store([first]);
      await store([follow, rule(follow, "StopChanged", { reasons: "1", previousReasons: "0" })]);
      for (let i = 0; i < 118; i++) {
        const s = step(ref, "BAMF", "HEARING_HELD");
        await store(i % 10 === 9 ? [s, rule(s, "OutOfOrder", { step: "4", missing: "4" })] : [s]);
      }
      const total = (await zab.call("GET", `/api/cases/${ref}/timeline?limit=500`, clerk())).json;
      expect(total.steps).to.have.length(121);
      expect(total.page).to.deep.equal({ limit: 500, totalSteps: 121, nextCursor: null });

      const ids: string[] = [];
      let noticeCount = 0;
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r = await zab.call("GET", `/api/cases/${ref}/timeline?limit=50${cursor ? `&cursor=${cursor}` : ""}`, auditor());
        expect(r.status).to.equal(200);
        expect(r.json.openStops.bits).to.equal(1);
        expect(r.json.otherNotices).to.deep.equal([]);
        expect(r.json.page.totalSteps).to.equal(121);
        ids.push(...r.json.steps.map((s: { ledgerEventId: string }) => s.ledgerEventId));
        noticeCount += r.json.steps.reduce((n: number, s: { notices: unknown[] }) => n + s.notices.length, 0);
        cursor = r.json.page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).to.equal(3);
      expect(ids).to.deep.equal(total.steps.map((s: { ledgerEventId: string }) => s.ledgerEventId));
      expect(noticeCount).to.equal(total.steps.reduce((n: number, s: { notices: unknown[] }) => n + s.notices.length, 0));
      const def = await zab.call("GET", `/api/cases/${ref}/timeline`, clerk());
      expect(def.json.steps).to.have.length(50);
      const bad = await zab.call("GET", `/api/cases/${ref}/timeline?cursor=0x10`, clerk());
      expect(bad.status).to.equal(400);
    });
  });
});
