// Reading: the timeline (chain mirror merged with own off-chain records, verified flags, person data for
// clerks only, access log), alerts and stops (live from the chain, else from the mirror), case list and
// search, notifications, audit export, checkpoints, operations endpoints, the API description, and logs
// without personal data.
import { expect } from "chai";
import { startTestChain, freePort, type TestChain } from "../support/chain";
import { startApi, chainPortFor, TEST_CONSORTIUM_KEY, type ApiHarness } from "../support/api-harness";
import { LedgerMirror } from "../support/ledger-mirror";
import { ChainAdapter } from "../../services/agency/chain/adapter";
import { caseRefOf } from "../../services/shared/pseudonym";
import { commitmentOf, dataDigest } from "../../services/shared/commitment";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { Wallet } from "ethers";

const FILE_NUMBER = "6543210-423";
const person = { familyName: "Haddad (fiktiv)", givenNames: "Leila", dateOfBirth: "1988-03-14", nationality: "SYR" };

describe("API: reading cases, notices and audit data", function () {
  let chain: TestChain;
  let bamf: ApiHarness;
  let caseRef: string;
  const ids: Record<string, string> = {};

  const clerk = () => ({ token: bamf.tokens.clerk });
  const auditor = () => ({ token: bamf.tokens.auditor });
  const rowOf = (ledgerEventId: string) => bamf.db.step.findUniqueOrThrow({ where: { id: Number(BigInt(ledgerEventId) & ((1n << 56n) - 1n)) } });

  before(async () => {
    chain = await startTestChain();
    bamf = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
    caseRef = (await bamf.call("POST", "/api/cases", { ...clerk(), body: { fileNumber: FILE_NUMBER, person } })).json.caseRef;
    const post = async (body: unknown) => (await bamf.call("POST", `/api/cases/${caseRef}/steps`, { ...clerk(), body })).json.ledgerEventId as string;
    ids.filed = await post({ step: "APPLICATION_FILED", data: { note: "Antrag mit Dolmetscherin gestellt" } });
    ids.held = await post({ step: "HEARING_HELD", data: { minutes: "Niederschrift 12 Seiten" } });
    ids.decided = await post({ step: "DECISION_ISSUED", detail: "REFUGEE_PROTECTION", data: { ref: "B-1" } });
    ids.correction = await post({ step: "CORRECTION", detail: ids.decided, data: { reason: "Datum berichtigt" } });
    ids.pending = await post({ step: "DECISION_SERVED", data: { via: "PZU" } });

    // The chain's view, as the listener stores it: ZAB registered the case, then BAMF's steps with notices.
    const mirror = new LedgerMirror(bamf.db);
    ids.registered = await mirror.record({ caseRef, agency: "ZAB", seq: 41, step: "REGISTERED" });
    for (const [key, step, detail, notices] of [
      ["filed", "APPLICATION_FILED", 0, []],
      ["held", "HEARING_HELD", 0, [{ name: "OutOfOrder", args: { step: 4, missing: 1 << 2 } }]],
      ["decided", "DECISION_ISSUED", 1, [{ name: "AllocationDue" }]],
      ["correction", "CORRECTION", BigInt(ids.decided), [{ name: "StepCorrected", args: { originalEventId: ids.decided } }]],
    ] as const) {
      const row = await rowOf(ids[key]);
      await mirror.record({ caseRef, agency: "BAMF", seq: row.id, step, detail, commitment: row.commitment, notices: [...notices] });
      await bamf.db.step.update({ where: { id: row.id }, data: { state: "confirmed" } });
    }
    // A tampered record (data changed after the fact) and an erased one.
    const held = await rowOf(ids.held);
    await bamf.db.step.update({ where: { id: held.id }, data: { data: held.data!.replace("12 Seiten", "2 Seiten") } });
    await bamf.db.step.update({ where: { id: (await rowOf(ids.decided)).id }, data: { data: null, salt: null } });
  });
  after(async () => {
    await bamf?.close();
    await chain?.dispose();
  });

  describe("timeline", () => {
    it("lists both agencies' steps in ledger order with notices, corrections and verification of own records", async () => {
      const r = await bamf.call("GET", `/api/cases/${caseRef}/timeline`, clerk());
      expect(r.status).to.equal(200);
      const t = r.json;
      expect(t.steps.map((s: { step: { key: string } }) => s.step.key)).to.deep.equal([
        "REGISTERED",
        "APPLICATION_FILED",
        "HEARING_HELD",
        "DECISION_ISSUED",
        "CORRECTION",
      ]);
      const [reg, filed, held, decided, correction] = t.steps;

      expect(reg).to.include({ agency: "ZAB", own: false, ledgerEventId: ids.registered });
      for (const k of ["data", "verified", "eventId", "record"]) expect(reg, k).to.not.have.property(k);

      expect(filed).to.include({ agency: "BAMF", own: true, verified: true, record: "present" });
      expect(filed.data).to.deep.equal({ note: "Antrag mit Dolmetscherin gestellt" });
      expect(held).to.include({ verified: false, record: "present" }, "tampered after the fact");
      expect(held.notices[0]).to.include({ name: "OutOfOrder" });
      expect(held.notices[0].missing).to.deep.equal(["HEARING_SCHEDULED"]);
      expect(decided).to.include({ verified: null, record: "erased", data: null });
      expect(decided.detail).to.include({ value: "1", key: "REFUGEE_PROTECTION" });
      expect(decided.notices.map((n: { name: string }) => n.name)).to.deep.equal(["AllocationDue"]);
      expect(decided.correctedBy).to.deep.equal([ids.correction]);
      expect(correction.corrects).to.equal(ids.decided);
      expect(correction.verified).to.equal(true);

      expect(t.pending).to.have.length(1);
      expect(t.pending[0]).to.include({ ledgerEventId: ids.pending, state: "queued" });
      expect(t.pending[0].data).to.deep.equal({ via: "PZU" });
      expect(t.person).to.deep.equal({ fileNumber: FILE_NUMBER, ...person, fictitious: false });
      expect(t).to.include({ held: true, erased: false, agency: "BAMF" });
    });

    it("shows auditors the same history without personal data or off-chain data", async () => {
      const r = await bamf.call("GET", `/api/cases/${caseRef}/timeline`, auditor());
      expect(r.status).to.equal(200);
      expect(r.json).to.not.have.property("person");
      for (const s of [...r.json.steps, ...r.json.pending]) expect(s).to.not.have.property("data");
      expect(r.json.steps[1].verified).to.equal(true);
      for (const secret of [FILE_NUMBER, person.familyName, person.givenNames, person.dateOfBirth, "Dolmetscherin", "PZU"])
        expect(r.text).to.not.contain(secret);
    });

    it("writes an access-log row per read, and none for an unknown case", async () => {
      const before = await bamf.db.accessLog.count({ where: { caseRef, action: "timeline" } });
      await bamf.call("GET", `/api/cases/${caseRef}/timeline`, auditor());
      const rows = await bamf.db.accessLog.findMany({ where: { caseRef, action: "timeline" }, orderBy: { id: "desc" } });
      expect(rows.length).to.equal(before + 1);
      expect(rows[0].actor).to.equal("client:bamf-auditor-app");
      const total = await bamf.db.accessLog.count();
      const unknown = await bamf.call("GET", `/api/cases/0x${"cd".repeat(32)}/timeline`, clerk());
      expect(unknown.status).to.equal(404);
      expect(await bamf.db.accessLog.count()).to.equal(total);
    });
  });

  describe("alerts and stops", () => {
    let offline: ApiHarness;
    let stopCase: string;
    before(async () => {
      // A chain port that cannot reach any node: the alerts fall back to the mirror.
      const deadPort = await freePort();
      const unreachable = new ChainAdapter({
        rpcUrl: `http://127.0.0.1:${deadPort}`,
        chainId: 4242,
        ledgerAddress: chain.deployment.contracts.ProcedureLedger.address,
        deploymentBlock: 0,
        wallet: Wallet.createRandom() as unknown as Wallet,
        requestTimeoutMs: 500,
      });
      offline = await startApi({ agency: "ZAB", chain: unreachable });
      stopCase = caseRefOf("6000001-423", TEST_CONSORTIUM_KEY);
      const m = new LedgerMirror(offline.db);
      await m.record({ caseRef: stopCase, agency: "ZAB", seq: 1, step: "REGISTERED" });
      await m.record({
        caseRef: stopCase,
        agency: "ZAB",
        seq: 2,
        step: "REPATRIATION_SCHEDULED",
        businessDate: 20270110,
        notices: [
          { name: "OutOfOrder", args: { step: 13, missing: 1 << 12 } },
          { name: "StopChanged", args: { previousReasons: 0, reasons: 1 } },
        ],
      });
      await m.record({
        caseRef: stopCase,
        agency: "BAMF",
        seq: 3,
        step: "FOLLOW_UP_APPLICATION_FILED",
        notices: [
          { name: "OutOfOrder", args: { step: 10, missing: 1 << 10 } },
          { name: "StopChanged", args: { previousReasons: 1, reasons: 9 } },
        ],
      });
    });
    after(async () => offline?.close());

    it("reports open stops from the mirror when the chain is unreachable, with the history and the alerts", async () => {
      const r = await offline.call("GET", `/api/cases/${stopCase}/alerts`, { token: offline.tokens.clerk });
      expect(r.status).to.equal(200);
      expect(r.json.openStops).to.deep.include({ bits: 9, source: "ledger-mirror" });
      expect(r.json.openStops.reasons.map((x: { key: string }) => x.key)).to.deep.equal(["NO_NEGATIVE_DECISION", "FOLLOW_UP_PENDING"]);
      expect(r.json.stopHistory.map((h: { reasons: { key: string }[] }) => h.reasons.map((x) => x.key))).to.deep.equal([
        ["NO_NEGATIVE_DECISION"],
        ["NO_NEGATIVE_DECISION", "FOLLOW_UP_PENDING"],
      ]);
      expect(r.json.alerts.map((a: { step: { key: string }; missing: { key: string }[] }) => [a.step.key, a.missing.map((x) => x.key)])).to.deep.equal([
        ["REPATRIATION_SCHEDULED", ["DEPARTURE_OBLIGATION"]],
        ["FOLLOW_UP_APPLICATION_FILED", ["FINAL"]],
      ]);
      expect(await offline.db.accessLog.count({ where: { caseRef: stopCase, action: "alerts" } })).to.equal(1);
    });

    it("takes the open stops live from the chain when it answers", async () => {
      // The mirror of `caseRef` has no stop; the chain itself knows nothing of it either: 0 from the chain.
      const r = await bamf.call("GET", `/api/cases/${caseRef}/alerts`, auditor());
      expect(r.status).to.equal(200);
      expect(r.json.openStops).to.deep.include({ bits: 0, source: "chain" });
      expect(r.json.alerts).to.have.length(1);
    });

    it("marks the service not ready while the chain is unreachable, and says why", async () => {
      const r = await offline.call("GET", "/readyz");
      expect(r.status).to.equal(503);
      expect(r.json.status).to.equal("not ready");
      expect(r.json.checks.database.ok).to.equal(true);
      expect(r.json.checks.chain.ok).to.equal(false);
      expect(r.json.reasons.join(" ")).to.contain("Kette nicht erreichbar");
    });

    it("lists the case with its phase and open stops", async () => {
      const r = await offline.call("GET", "/api/cases", { token: offline.tokens.clerk });
      const c = r.json.cases.find((x: { caseRef: string }) => x.caseRef === stopCase);
      expect(c).to.include({ held: false, phase: 2 });
      expect(c.lastStep).to.deep.equal({ code: 10, key: "FOLLOW_UP_APPLICATION_FILED" });
      expect(c.openStops.bits).to.equal(9);
    });
  });

  describe("case list and search", () => {
    it("lists held cases and cases known only from the ledger, newest activity first, logging each read", async () => {
      const partner = caseRefOf("6000002-423", TEST_CONSORTIUM_KEY);
      await new LedgerMirror(bamf.db).record({ caseRef: partner, agency: "ZAB", seq: 77, step: "REGISTERED" });
      const before = await bamf.db.accessLog.count({ where: { action: "list" } });
      const r = await bamf.call("GET", "/api/cases", clerk());
      expect(r.status).to.equal(200);
      expect(r.json.total, JSON.stringify(r.json.cases.map((c: { caseRef: string }) => c.caseRef))).to.equal(2);
      expect(r.json.cases.map((c: { caseRef: string }) => c.caseRef)).to.deep.equal([partner, caseRef]);
      expect(r.json.cases[0]).to.include({ held: false, phase: 1 });
      expect(r.json.cases[0]).to.not.have.property("fileNumber");
      expect(r.json.cases[1]).to.include({ held: true, fileNumber: FILE_NUMBER, phase: 2 });
      expect(r.json.cases[1].lastStep.key).to.equal("DECISION_ISSUED", "corrections do not move the phase");
      expect(await bamf.db.accessLog.count({ where: { action: "list" } })).to.equal(before + 2);
      const page = await bamf.call("GET", "/api/cases?limit=1&offset=1", clerk());
      expect(page.json.cases.map((c: { caseRef: string }) => c.caseRef)).to.deep.equal([caseRef]);
    });

    it("finds a case by exact file number, including a partner's case known from the ledger", async () => {
      const held = await bamf.call("GET", `/api/cases?fileNumber=${FILE_NUMBER}`, clerk());
      expect(held.json.cases.map((c: { caseRef: string }) => c.caseRef)).to.deep.equal([caseRef]);
      const partner = await bamf.call("GET", "/api/cases?fileNumber=6000002-423", clerk());
      expect(partner.json.cases).to.have.length(1);
      expect(partner.json.cases[0]).to.include({ caseRef: caseRefOf("6000002-423", TEST_CONSORTIUM_KEY), held: false });
      const none = await bamf.call("GET", "/api/cases?fileNumber=6000003-423", clerk());
      expect(none.json).to.deep.include({ total: 0, cases: [] });
    });
  });

  describe("notifications", () => {
    before(async () => {
      const at = (min: number) => new Date(Date.UTC(2026, 10, 1, 10, min));
      await bamf.db.notification.createMany({
        data: [
          { sourceKey: "n:1", kind: "FORWARD", priority: 2, caseRef, payload: '{"step":"REGISTERED"}', createdAt: at(5) },
          { sourceKey: "n:2", kind: "STOP", priority: 0, caseRef, payload: '{"reasons":["FOLLOW_UP_PENDING"]}', createdAt: at(1) },
          { sourceKey: "n:3", kind: "ALERT", priority: 1, caseRef, payload: "{}", createdAt: at(3) },
          { sourceKey: "n:4", kind: "STOP", priority: 0, caseRef, payload: "{}", createdAt: at(2) },
          { sourceKey: "n:5", kind: "FORWARD", priority: 2, caseRef, payload: "{}", createdAt: at(9), acknowledgedAt: at(10), acknowledgedBy: "user:x" },
        ],
      });
    });

    it("puts stop warnings first, then the newest", async () => {
      const r = await bamf.call("GET", "/api/notifications", auditor());
      expect(r.json.notifications.map((n: { kind: string; createdAt: string }) => `${n.kind}@${n.createdAt.slice(14, 16)}`)).to.deep.equal([
        "STOP@02",
        "STOP@01",
        "ALERT@03",
        "FORWARD@09",
        "FORWARD@05",
      ]);
      expect(r.json.notifications[1].payload).to.deep.equal({ reasons: ["FOLLOW_UP_PENDING"] });
    });

    it("filters by kind and acknowledgement", async () => {
      const stops = await bamf.call("GET", "/api/notifications?kind=STOP", clerk());
      expect(stops.json.notifications.every((n: { kind: string }) => n.kind === "STOP")).to.equal(true);
      expect(stops.json.total).to.equal(2);
      const open = await bamf.call("GET", "/api/notifications?kind=&unacknowledged=true", clerk());
      expect(open.json.total).to.equal(4);
      const done = await bamf.call("GET", "/api/notifications?unacknowledged=false", clerk());
      expect(done.json.notifications.map((n: { acknowledgedBy: string }) => n.acknowledgedBy)).to.deep.equal(["user:x"]);
    });

    it("acknowledges once, naming who did it; a second acknowledgement changes nothing", async () => {
      const target = await bamf.db.notification.findUniqueOrThrow({ where: { sourceKey: "n:2" } });
      const r = await bamf.call("POST", `/api/notifications/${target.id}/ack`, clerk());
      expect(r.status).to.equal(200);
      expect(r.json).to.include({ id: target.id, acknowledgedBy: "client:bamf-clerk-app" });
      const s = await bamf.login("clerk");
      const again = await bamf.call("POST", `/api/notifications/${target.id}/ack`, { cookie: s.cookie, csrf: s.csrf });
      expect(again.json).to.include({ acknowledgedBy: "client:bamf-clerk-app", acknowledgedAt: r.json.acknowledgedAt });
      expect((await bamf.call("POST", "/api/notifications/999999/ack", clerk())).status).to.equal(404);
    });
  });

  describe("audit", () => {
    it("exports salt and data digest per own step handed to the chain, erased steps marked, no personal data", async () => {
      const r = await bamf.call("GET", "/api/audit/export", auditor());
      expect(r.status).to.equal(200);
      expect(r.json.agency).to.equal("BAMF");
      const lines = r.json.lines as { ledgerEventId: string; caseRef: string; salt: string | null; dataDigest: string | null; erased: boolean }[];
      expect(lines.map((l) => l.ledgerEventId)).to.deep.equal([ids.filed, ids.held, ids.decided, ids.correction], "queued steps are not exported");
      for (const l of lines) {
        const row = await rowOf(l.ledgerEventId);
        expect(l.caseRef).to.equal(caseRef);
        if (l.erased) {
          expect(l).to.include({ salt: null, dataDigest: null });
        } else {
          expect(l.dataDigest).to.equal(dataDigest(row.data!));
          expect(commitmentOf(l.salt!, l.dataDigest!) === row.commitment).to.equal(l.ledgerEventId !== ids.held, "the tampered record no longer matches");
        }
      }
      expect(lines.find((l) => l.ledgerEventId === ids.decided)!.erased).to.equal(true);
      for (const secret of [FILE_NUMBER, person.familyName, "Dolmetscherin", "Niederschrift"]) expect(r.text).to.not.contain(secret);
    });

    it("pages with `after` and `next`", async () => {
      const first = await bamf.call("GET", "/api/audit/export?limit=3", { token: bamf.tokens.admin });
      expect(first.json.lines).to.have.length(3);
      expect(first.json.next).to.equal(ids.decided);
      const rest = await bamf.call("GET", `/api/audit/export?limit=3&after=${first.json.next}`, { token: bamf.tokens.admin });
      expect(rest.json.lines.map((l: { ledgerEventId: string }) => l.ledgerEventId)).to.deep.equal([ids.correction]);
      expect(rest.json.next).to.equal(null);
      expect(eventIdOf(1, 1).toString()).to.equal(ids.filed);
    });

    it("lists the signed checkpoints, newest first", async () => {
      await bamf.db.signedCheckpoint.createMany({
        data: [10, 60, 35].map((b) => ({
          blockNumber: b,
          blockHash: "0x" + b.toString(16).padStart(64, "0"),
          caseCount: b,
          signer: "0x" + "1".repeat(40),
          signature: "0x" + "2".repeat(130),
        })),
      });
      const r = await bamf.call("GET", "/api/checkpoints?limit=2", auditor());
      expect(r.json.checkpoints.map((c: { blockNumber: number }) => c.blockNumber)).to.deep.equal([60, 35]);
    });
  });

  describe("operations and documentation", () => {
    it("/healthz, /readyz and /metrics answer", async () => {
      expect((await bamf.call("GET", "/healthz")).json).to.deep.equal({ status: "up" });
      const ready = await bamf.call("GET", "/readyz");
      expect(ready.status).to.equal(200);
      expect(ready.json.checks).to.deep.include({ database: { ok: true } });
      expect(ready.json.checks.codeLists.ok).to.equal(true);
      const m = await bamf.call("GET", "/metrics");
      expect(m.headers.get("content-type")).to.match(/^text\/plain/);
      expect(m.text).to.match(/anker_api_requests_total\{method="GET",route="\/api\/cases\/:caseRef\/timeline",status="200"\} \d+/);
      // the process's own figures, for operators and the throughput bench's CPU time per step
      expect(m.text).to.match(/^process_cpu_seconds_total [\d.]+$/m);
      expect(m.text).to.match(/^process_resident_memory_bytes \d+$/m);
    });

    it("publishes an OpenAPI 3.1 document built from the request schemas", async () => {
      const r = await bamf.call("GET", "/api/openapi.json");
      const doc = r.json;
      expect(doc.openapi).to.equal("3.1.0");
      const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, o]) =>
        Object.keys(o).map((m) => `${m.toUpperCase()} ${p}`),
      );
      for (const op of [
        "POST /api/cases",
        "GET /api/cases",
        "POST /api/cases/{caseRef}/steps",
        "POST /api/steps",
        "GET /api/steps/{eventId}",
        "GET /api/cases/{caseRef}/timeline",
        "GET /api/cases/{caseRef}/alerts",
        "GET /api/notifications",
        "POST /api/notifications/{id}/ack",
        "GET /api/allocation/proposals",
        "GET /api/audit/export",
        "GET /api/checkpoints",
        "POST /api/session",
        "DELETE /api/session",
        "GET /api/session",
        "POST /api/users",
        "POST /api/clients",
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /api/openapi.json",
        "GET /api/docs",
      ])
        expect(ops).to.include(op);
      const record = doc.paths["/api/cases/{caseRef}/steps"].post;
      const body = record.requestBody.content["application/json"].schema;
      expect(body.additionalProperties).to.equal(false);
      expect(body.properties.step.enum).to.include("APPLICATION_FILED").and.not.include("REGISTERED");
      expect(record["x-roles"]).to.deep.equal(["clerk"]);
      expect(record.responses["400"].content).to.have.property("application/problem+json");
      const bulk = doc.paths["/api/steps"].post.requestBody.content["application/json"].schema;
      expect(bulk.properties.steps.maxItems).to.equal(250);
      expect(bulk.properties.steps.items.properties.caseRef.pattern).to.equal("^0x[0-9a-fA-F]{64}$");
      const create = doc.paths["/api/cases"].post.requestBody.content["application/json"].schema;
      expect(create.properties.fileNumber.pattern).to.equal("^\\d{7}-\\d{3}$");
    });

    it("renders a self-contained documentation page, German first", async () => {
      const r = await bamf.call("GET", "/api/docs");
      expect(r.headers.get("content-type")).to.match(/^text\/html/);
      expect(r.headers.get("content-security-policy")).to.contain("default-src 'none'");
      expect(r.text).to.contain('<html lang="de">');
      expect(r.text).to.contain("Fall anlegen / Register a case");
      expect(r.text).to.contain("/api/cases/{caseRef}/steps");
      expect(r.text).to.contain('id="problem-invalid-input"');
      expect(r.text).to.not.match(/<script|<link|src=|@import/i);
    });

    it("sets protective headers on answers", async () => {
      const r = await bamf.call("GET", `/api/cases/${caseRef}/timeline`, clerk());
      expect(r.headers.get("cache-control")).to.equal("no-store");
      expect(r.headers.get("x-content-type-options")).to.equal("nosniff");
    });
  });

  // Last (mocha runs a suite's own tests before its sub-suites): it registers one more case.
  describe("logging", () => {
    it("logs requests without personal data, secrets or bodies", async () => {
      await bamf.call("GET", `/api/cases?fileNumber=${FILE_NUMBER}`, clerk());
      await bamf.call("GET", `/api/cases/${FILE_NUMBER}/timeline`, clerk());
      await bamf.call("POST", "/api/cases", { ...clerk(), body: { fileNumber: "6999999-423", person: { ...person, familyName: "Zzyzx (fiktiv)" } } });
      const s = await bamf.login("clerk");
      const all = bamf.logs.join("\n");
      for (const secret of [
        FILE_NUMBER,
        "6999999-423",
        person.familyName,
        "Zzyzx",
        person.dateOfBirth,
        "Dolmetscherin",
        bamf.tokens.clerk,
        bamf.passwords.clerk,
        s.cookie.split("=")[1],
        s.csrf,
      ]) {
        expect(all, secret).to.not.contain(secret);
      }
      const requestLines = bamf.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === "request");
      expect(requestLines.length).to.be.greaterThan(10);
      expect(requestLines.some((l) => l.caseRef === caseRef && l.route === "/api/cases/:caseRef/timeline")).to.equal(true);
      for (const l of requestLines) expect(Object.keys(l)).to.not.include.members(["req", "body", "headers", "url"]);
    });
  });
});
