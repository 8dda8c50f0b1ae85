// Bad input on every endpoint: 400 application/problem+json naming the field, and nothing stored (every
// table counted before and after). Bodies that are not JSON, too large or malformed: 415/413/400.
import { expect } from "chai";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, type ApiHarness, type CallOptions } from "../support/api-harness";
import { eventIdOf } from "../../services/shared/ledger-codec";

interface BadCase {
  name: string;
  method: string;
  path: string;
  opts?: CallOptions;
  /** the fields the answer must name */
  fields: string[];
  /** run against ZAB instead of BAMF */
  zab?: boolean;
  role?: "clerk" | "auditor" | "admin";
}

const person = { familyName: "Muster (fiktiv)", givenNames: "Max", dateOfBirth: "1990-01-01", nationality: "SYR" };

describe("API: bad input on every endpoint", function () {
  let chain: TestChain;
  let bamf: ApiHarness;
  let zab: ApiHarness;
  let caseRef: string;
  let notificationId: number;

  before(async () => {
    chain = await startTestChain();
    bamf = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
    zab = await startApi({ agency: "ZAB", chain: chainPortFor(chain, "ZAB") });
    const r = await bamf.call("POST", "/api/cases", { token: bamf.tokens.clerk, body: { fileNumber: "7000001-423", person } });
    caseRef = r.json.caseRef;
    const n = await bamf.db.notification.create({ data: { sourceKey: "test:1", kind: "FORWARD", priority: 2, caseRef, payload: "{}" } });
    notificationId = n.id;
  });
  after(async () => {
    await bamf?.close();
    await zab?.close();
    await chain?.dispose();
  });

  const steps = () => `/api/cases/${caseRef}/steps`;
  const cases: BadCase[] = [
    // POST /api/cases
    { name: "case: empty body", method: "POST", path: "/api/cases", opts: { body: {} }, fields: ["fileNumber", "person"] },
    { name: "case: malformed file number", method: "POST", path: "/api/cases", opts: { body: { fileNumber: "123-45", person } }, fields: ["fileNumber"] },
    {
      name: "case: file number with a blank",
      method: "POST",
      path: "/api/cases",
      opts: { body: { fileNumber: "1234567-123 ", person } },
      fields: ["fileNumber"],
    },
    {
      name: "case: impossible date of birth",
      method: "POST",
      path: "/api/cases",
      opts: { body: { fileNumber: "1234567-123", person: { ...person, dateOfBirth: "1990-13-01" } } },
      fields: ["person.dateOfBirth"],
    },
    {
      name: "case: date of birth in the future",
      method: "POST",
      path: "/api/cases",
      opts: { body: { fileNumber: "1234567-123", person: { ...person, dateOfBirth: "2999-01-01" } } },
      fields: ["person.dateOfBirth"],
    },
    {
      name: "case: nationality not alpha-3",
      method: "POST",
      path: "/api/cases",
      opts: { body: { fileNumber: "1234567-123", person: { ...person, nationality: "sy" } } },
      fields: ["person.nationality"],
    },
    {
      name: "case: empty family name",
      method: "POST",
      path: "/api/cases",
      opts: { body: { fileNumber: "1234567-123", person: { ...person, familyName: " " } } },
      fields: ["person.familyName"],
    },
    {
      name: "case: unknown fields",
      method: "POST",
      path: "/api/cases",
      opts: { body: { fileNumber: "1234567-123", person: { ...person, address: "x" }, note: "y" } },
      fields: ["person.address", "note"],
    },
    { name: "case: array body", method: "POST", path: "/api/cases", opts: { body: [] }, fields: ["body"] },
    { name: "case: string body", method: "POST", path: "/api/cases", opts: { body: "1234567-123" }, fields: ["body"] },
    { name: "case: no body", method: "POST", path: "/api/cases", opts: {}, fields: ["body"] },
    // POST /api/cases/{caseRef}/steps
    {
      name: "step: malformed case reference",
      method: "POST",
      path: "/api/cases/abc/steps",
      opts: { body: { step: "APPLICATION_FILED" } },
      fields: ["caseRef"],
    },
    { name: "step: event id not a UUID", method: "POST", path: "{steps}", opts: { body: { eventId: "42", step: "APPLICATION_FILED" } }, fields: ["eventId"] },
    { name: "step: unknown step code", method: "POST", path: "{steps}", opts: { body: { step: "APPLICATION_WITHDRAWN" } }, fields: ["step"] },
    { name: "step: step missing", method: "POST", path: "{steps}", opts: { body: { data: {} } }, fields: ["step"] },
    { name: "step: step code as number", method: "POST", path: "{steps}", opts: { body: { step: 2 } }, fields: ["step"] },
    { name: "step: dated step without date", method: "POST", path: "{steps}", opts: { body: { step: "HEARING_SCHEDULED" } }, fields: ["businessDate"] },
    {
      name: "step: date on an undated step",
      method: "POST",
      path: "{steps}",
      opts: { body: { step: "APPLICATION_FILED", businessDate: "2027-01-01" } },
      fields: ["businessDate"],
    },
    {
      name: "step: impossible date",
      method: "POST",
      path: "{steps}",
      opts: { body: { step: "HEARING_SCHEDULED", businessDate: "2027-02-30" } },
      fields: ["businessDate"],
    },
    {
      name: "step: date outside the ledger's range",
      method: "POST",
      path: "{steps}",
      opts: { body: { step: "HEARING_SCHEDULED", businessDate: "1999-12-31" } },
      fields: ["businessDate"],
    },
    { name: "step: unknown detail code", method: "POST", path: "{steps}", opts: { body: { step: "DECISION_ISSUED", detail: "MAYBE" } }, fields: ["detail"] },
    { name: "step: detail out of the list", method: "POST", path: "{steps}", opts: { body: { step: "DECISION_ISSUED", detail: 9 } }, fields: ["detail"] },
    { name: "step: required detail missing", method: "POST", path: "{steps}", opts: { body: { step: "APPEAL_FILED" } }, fields: ["detail"] },
    {
      name: "step: detail on a step without one",
      method: "POST",
      path: "{steps}",
      opts: { body: { step: "APPLICATION_FILED", detail: 1 } },
      fields: ["detail"],
    },
    { name: "step: data not an object", method: "POST", path: "{steps}", opts: { body: { step: "APPLICATION_FILED", data: "Freitext" } }, fields: ["data"] },
    { name: "step: data an array", method: "POST", path: "{steps}", opts: { body: { step: "APPLICATION_FILED", data: [1, 2] } }, fields: ["data"] },
    {
      name: "step: unknown field",
      method: "POST",
      path: "{steps}",
      opts: { body: { step: "APPLICATION_FILED", fileNumber: "1234567-123" } },
      fields: ["fileNumber"],
    },
    {
      name: "step: unknown district (ZAB)",
      zab: true,
      method: "POST",
      path: "{steps}",
      opts: { body: { step: "MUNICIPAL_ALLOCATION", detail: 14999 } },
      fields: ["detail"],
    },
    // POST /api/steps (bulk)
    { name: "bulk: no steps field", method: "POST", path: "/api/steps", opts: { body: { step: "HEARING_HELD" } }, fields: ["steps", "step"] },
    { name: "bulk: steps not an array", method: "POST", path: "/api/steps", opts: { body: { steps: { step: "HEARING_HELD" } } }, fields: ["steps"] },
    {
      name: "bulk: every field of a step wrong",
      method: "POST",
      path: "/api/steps",
      opts: { body: { steps: [{ caseRef: "0x12", eventId: "x", step: "NOPE", businessDate: "2027-13-01", data: [] }] } },
      fields: ["steps[0].caseRef", "steps[0].eventId", "steps[0].step", "steps[0].businessDate", "steps[0].data"],
    },
    // GET /api/steps/{eventId}
    { name: "step status: not a UUID", method: "GET", path: "/api/steps/123", fields: ["eventId"] },
    { name: "step status: unknown query parameter", method: "GET", path: "/api/steps/3b241101-e2bb-4255-8caf-4136c566a962?verbose=1", fields: ["verbose"] },
    // timeline, alerts
    { name: "timeline: short case reference", method: "GET", path: "/api/cases/0x12/timeline", fields: ["caseRef"] },
    { name: "timeline: unknown query parameter", method: "GET", path: "/api/cases/{caseRef}/timeline?fileNumber=1234567-123", fields: ["fileNumber"] },
    { name: "alerts: non-hex case reference", method: "GET", path: `/api/cases/0x${"zz".repeat(32)}/alerts`, fields: ["caseRef"] },
    // GET /api/cases
    { name: "cases: malformed file number", method: "GET", path: "/api/cases?fileNumber=12", fields: ["fileNumber"] },
    { name: "cases: limit 0", method: "GET", path: "/api/cases?limit=0", fields: ["limit"] },
    { name: "cases: limit not a number", method: "GET", path: "/api/cases?limit=abc", fields: ["limit"] },
    { name: "cases: negative offset", method: "GET", path: "/api/cases?offset=-1", fields: ["offset"] },
    { name: "cases: repeated parameter", method: "GET", path: "/api/cases?fileNumber=1234567-123&fileNumber=1234567-124", fields: ["fileNumber"] },
    { name: "cases: unknown parameter", method: "GET", path: "/api/cases?name=Muster", fields: ["name"] },
    // notifications
    { name: "notifications: unknown kind", method: "GET", path: "/api/notifications?kind=NOPE", fields: ["kind"] },
    { name: "notifications: unacknowledged=yes", method: "GET", path: "/api/notifications?unacknowledged=yes", fields: ["unacknowledged"] },
    { name: "notifications: bad case reference", method: "GET", path: "/api/notifications?caseRef=x", fields: ["caseRef"] },
    { name: "ack: id not a number", method: "POST", path: "/api/notifications/abc/ack", fields: ["id"] },
    { name: "ack: id 0", method: "POST", path: "/api/notifications/0/ack", fields: ["id"] },
    {
      name: "ack: a body where none belongs",
      method: "POST",
      path: "/api/notifications/{notificationId}/ack",
      opts: { body: { note: "gesehen" } },
      fields: ["body"],
    },
    // allocation (ZAB)
    { name: "proposals: limit too large", zab: true, method: "GET", path: "/api/allocation/proposals?limit=100000", fields: ["limit"] },
    { name: "proposals: unknown parameter", zab: true, method: "GET", path: "/api/allocation/proposals?district=14612", fields: ["district"] },
    // audit
    { name: "audit export: after not a number", role: "auditor", method: "GET", path: "/api/audit/export?after=abc", fields: ["after"] },
    { name: "audit export: after of another agency", role: "auditor", method: "GET", path: `/api/audit/export?after=${eventIdOf(2, 1)}`, fields: ["after"] },
    { name: "audit export: limit 0", role: "auditor", method: "GET", path: "/api/audit/export?limit=0", fields: ["limit"] },
    { name: "checkpoints: limit not a number", role: "auditor", method: "GET", path: "/api/checkpoints?limit=x", fields: ["limit"] },
    // session
    { name: "login: empty body", method: "POST", path: "/api/session", opts: { body: {} }, fields: ["username", "password"] },
    {
      name: "login: unknown field",
      method: "POST",
      path: "/api/session",
      opts: { body: { username: "a", password: "b", remember: true } },
      fields: ["remember"],
    },
    { name: "who am I: unknown parameter", method: "GET", path: "/api/session?x=1", fields: ["x"] },
    { name: "logout: a body where none belongs", method: "DELETE", path: "/api/session", opts: { body: { all: true } }, fields: ["body"] },
    // administration
    {
      name: "users: every field wrong",
      role: "admin",
      method: "POST",
      path: "/api/users",
      opts: { body: { username: "A B", displayName: "", password: "short", role: "boss" } },
      fields: ["username", "displayName", "password", "role"],
    },
    {
      name: "users: unknown field",
      role: "admin",
      method: "POST",
      path: "/api/users",
      opts: { body: { username: "neu.nutzer", displayName: "Neu", password: "lang-genug-passwort", role: "clerk", isAdmin: true } },
      fields: ["isAdmin"],
    },
    {
      name: "clients: bad name and role",
      role: "admin",
      method: "POST",
      path: "/api/clients",
      opts: { body: { name: "x", role: "root" } },
      fields: ["name", "role"],
    },
    // operations and documentation
    { name: "healthz: unknown parameter", method: "GET", path: "/healthz?verbose=1", fields: ["verbose"] },
    { name: "readyz: unknown parameter", method: "GET", path: "/readyz?verbose=1", fields: ["verbose"] },
    { name: "metrics: unknown parameter", method: "GET", path: "/metrics?name=x", fields: ["name"] },
    { name: "openapi: unknown parameter", method: "GET", path: "/api/openapi.json?v=2", fields: ["v"] },
    { name: "docs: unknown parameter", method: "GET", path: "/api/docs?lang=en", fields: ["lang"] },
  ];

  for (const c of cases) {
    it(`${c.name} -> 400 naming the field, nothing stored`, async () => {
      const h = c.zab ? zab : bamf;
      const path = c.path.replace("{steps}", steps()).replace("{caseRef}", caseRef).replace("{notificationId}", String(notificationId));
      const before = await h.counts();
      const r = await h.call(c.method, path, { token: h.tokens[c.role ?? "clerk"], ...c.opts });
      expect(r.status, r.text).to.equal(400);
      expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(r.json).to.include({ type: "/api/docs#problem-invalid-input", title: "Ungültige Eingabe / Invalid input", status: 400 });
      expect(r.json.detail).to.be.a("string").with.length.greaterThan(0);
      const named = (r.json.errors as { field: string; message: string }[]).map((e) => e.field);
      for (const f of c.fields) expect(named, `errors: ${JSON.stringify(r.json.errors)}`).to.include(f);
      for (const e of r.json.errors) expect(e.message, "German / English").to.contain(" / ");
      expect(await h.counts()).to.deep.equal(before);
    });
  }

  describe("bodies that are not acceptable JSON", () => {
    const posts = () => [
      { path: "/api/cases", role: "clerk" as const },
      { path: steps(), role: "clerk" as const },
      { path: "/api/steps", role: "clerk" as const },
      { path: `/api/notifications/${notificationId}/ack`, role: "clerk" as const },
      { path: "/api/session", role: "clerk" as const },
      { path: "/api/users", role: "admin" as const },
      { path: "/api/clients", role: "admin" as const },
    ];

    it("415 for a body that is not JSON (form, text, XML), nothing stored", async () => {
      for (const p of posts()) {
        for (const [contentType, rawBody] of [
          ["text/plain", "fileNumber=1234567-123"],
          ["application/x-www-form-urlencoded", "fileNumber=1234567-123"],
          ["application/xml", "<case/>"],
        ]) {
          const before = await bamf.counts();
          const r = await bamf.call("POST", p.path, { token: bamf.tokens[p.role], rawBody, contentType });
          expect(r.status, `${p.path} ${contentType}`).to.equal(415);
          expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
          expect(r.json.errors[0].field).to.equal("Content-Type");
          expect(await bamf.counts()).to.deep.equal(before);
        }
      }
    });

    it("413 for a body over the size limit, nothing stored", async () => {
      const big = JSON.stringify({ step: "APPLICATION_FILED", data: { text: "x".repeat(bamf.config.bodyLimitBytes) } });
      for (const p of posts()) {
        const before = await bamf.counts();
        const r = await bamf.call("POST", p.path, { token: bamf.tokens[p.role], rawBody: big, contentType: "application/json" });
        expect(r.status, p.path).to.equal(413);
        expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
        expect(r.json.errors[0].field).to.equal("body");
        expect(await bamf.counts()).to.deep.equal(before);
      }
    });

    it("400 for malformed JSON, an empty JSON body and a prototype-poisoning body, nothing stored", async () => {
      for (const p of posts()) {
        const takesBody = !p.path.endsWith("/ack");
        for (const rawBody of ['{"fileNumber": ', '{"__proto__": {"role": "admin"}}', ...(takesBody ? [""] : [])]) {
          const before = await bamf.counts();
          const r = await bamf.call("POST", p.path, { token: bamf.tokens[p.role], rawBody, contentType: "application/json" });
          expect(r.status, `${p.path} ${JSON.stringify(rawBody)}`).to.equal(400);
          expect(r.json.type).to.equal("/api/docs#problem-invalid-input");
          expect(r.json.errors[0].field).to.equal("body");
          expect(await bamf.counts()).to.deep.equal(before);
        }
      }
    });
  });

  it("takes an empty JSON body as no body where none belongs (acknowledgement)", async () => {
    const r = await bamf.call("POST", `/api/notifications/${notificationId}/ack`, { token: bamf.tokens.clerk, rawBody: "", contentType: "application/json" });
    expect(r.status).to.equal(200);
  });

  it("answers an unknown path with 404 problem+json", async () => {
    const r = await bamf.call("GET", "/api/cases/1234567-123", { token: bamf.tokens.clerk });
    expect(r.status).to.equal(404);
    expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
    expect(r.json.instance).to.equal("/api/cases/1234567-123");
  });
});
