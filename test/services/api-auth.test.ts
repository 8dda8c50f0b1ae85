// Authentication and authorisation: scrypt passwords, API tokens, sessions with CSRF, the full 401/403
// matrix (no credentials, bad token, each role on each endpoint), administration, rate limiting.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, ROLES, type ApiHarness, type CallOptions, type TestRole } from "../support/api-harness";
import { hashPassword, verifyPassword } from "../../services/agency/auth/password";
import { ensureApiClient, ensureUser } from "../../services/agency/auth/bootstrap";
import { sha256Hex } from "../../services/agency/auth/tokens";

const person = { familyName: "Muster (fiktiv)", givenNames: "Erika", dateOfBirth: "1985-07-00", nationality: "AFG" };

describe("API: authentication and authorisation", function () {
  describe("scrypt passwords", () => {
    it("stores scrypt$N$r$p$salt$hash with a fresh salt and verifies only the right password", async () => {
      const h1 = await hashPassword("richtig-und-lang");
      const h2 = await hashPassword("richtig-und-lang");
      expect(h1).to.match(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(h1).to.not.equal(h2);
      expect(await verifyPassword("richtig-und-lang", h1)).to.equal(true);
      expect(await verifyPassword("richtig-und-lang", h2)).to.equal(true);
      expect(await verifyPassword("richtig-und-lanG", h1)).to.equal(false);
      expect(await verifyPassword("", h1)).to.equal(false);
    });

    it("treats composed and decomposed umlauts as the same password (NFC)", async () => {
      const h = await hashPassword("Gr\u00fc\u00dfe aus Dresden");
      expect(await verifyPassword("Gru\u0308\u00dfe aus Dresden", h)).to.equal(true);
    });

    it("answers false, never throws, for tampered or malformed hashes", async () => {
      const h = await hashPassword("richtig-und-lang");
      const parts = h.split("$");
      const flipped = Buffer.from(parts[5], "base64");
      flipped[0] ^= 1;
      const tampered = [...parts.slice(0, 5), flipped.toString("base64")].join("$");
      for (const bad of [
        tampered,
        "",
        "plain",
        "scrypt$16384$8$1$c2FsdA==",
        "bcrypt$10$x$y$z$w",
        "scrypt$1048577$8$1$" + parts[4] + "$" + parts[5],
        "scrypt$3$8$1$" + parts[4] + "$" + parts[5],
      ]) {
        expect(await verifyPassword("richtig-und-lang", bad), bad).to.equal(false);
      }
    });
  });

  describe("over HTTP", () => {
    let chain: TestChain;
    let bamf: ApiHarness;
    let zab: ApiHarness;
    let caseRef: string;
    let eventId: string;
    let notificationId: number;
    let seq = 0;
    const sessions = {} as Record<TestRole, { cookie: string; csrf: string }>;

    before(async () => {
      chain = await startTestChain();
      bamf = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
      zab = await startApi({ agency: "ZAB", chain: chainPortFor(chain, "ZAB") });
      caseRef = (await bamf.call("POST", "/api/cases", { token: bamf.tokens.clerk, body: { fileNumber: "7100000-423", person } })).json.caseRef;
      await zab.call("POST", "/api/cases", { token: zab.tokens.clerk, body: { fileNumber: "7100000-423", person } });
      eventId = (await bamf.call("POST", `/api/cases/${caseRef}/steps`, { token: bamf.tokens.clerk, body: { step: "APPLICATION_FILED" } })).json.eventId;
      notificationId = (await bamf.db.notification.create({ data: { sourceKey: "auth:1", kind: "FORWARD", priority: 2, caseRef, payload: "{}" } })).id;
      for (const role of ROLES) sessions[role] = await bamf.login(role);
    });
    after(async () => {
      await bamf?.close();
      await zab?.close();
      await chain?.dispose();
    });

    interface Endpoint {
      method: string;
      path: () => string;
      body?: () => unknown;
      allowed: readonly TestRole[];
      ok: number;
      zab?: boolean;
    }
    const endpoints: Endpoint[] = [
      {
        method: "POST",
        path: () => "/api/cases",
        body: () => ({ fileNumber: `71${String(++seq).padStart(5, "0")}-423`, person }),
        allowed: ["clerk"],
        ok: 201,
      },
      { method: "GET", path: () => "/api/cases", allowed: ["clerk", "auditor"], ok: 200 },
      { method: "POST", path: () => `/api/cases/${caseRef}/steps`, body: () => ({ eventId: randomUUID(), step: "HEARING_HELD" }), allowed: ["clerk"], ok: 202 },
      { method: "POST", path: () => "/api/steps", body: () => ({ steps: [{ caseRef, eventId: randomUUID(), step: "HEARING_HELD" }] }), allowed: ["clerk"], ok: 202 },
      { method: "GET", path: () => `/api/steps/${eventId}`, allowed: ["clerk", "auditor"], ok: 200 },
      { method: "GET", path: () => `/api/cases/${caseRef}/timeline`, allowed: ["clerk", "auditor"], ok: 200 },
      { method: "GET", path: () => `/api/cases/${caseRef}/alerts`, allowed: ["clerk", "auditor"], ok: 200 },
      { method: "GET", path: () => "/api/notifications", allowed: ["clerk", "auditor"], ok: 200 },
      { method: "POST", path: () => `/api/notifications/${notificationId}/ack`, allowed: ["clerk"], ok: 200 },
      { method: "GET", path: () => "/api/allocation/proposals", allowed: ["clerk", "auditor"], ok: 200, zab: true },
      { method: "GET", path: () => "/api/allocation/proposals", allowed: [], ok: 200 }, // BAMF: nobody
      { method: "GET", path: () => "/api/audit/export", allowed: ["auditor", "admin"], ok: 200 },
      { method: "GET", path: () => "/api/checkpoints", allowed: ["auditor", "admin"], ok: 200 },
      {
        method: "POST",
        path: () => "/api/users",
        body: () => ({ username: `neu.${++seq}`, displayName: "Neu", password: "ein-langes-passwort", role: "clerk" }),
        allowed: ["admin"],
        ok: 201,
      },
      { method: "POST", path: () => "/api/clients", body: () => ({ name: `app-${++seq}`, role: "clerk" }), allowed: ["admin"], ok: 201 },
      { method: "GET", path: () => "/api/session", allowed: ["clerk", "auditor", "admin"], ok: 200 },
    ];
    const label = (e: Endpoint) =>
      `${e.method} ${e
        .path()
        .replace(/0x[0-9a-f]{64}/, "{caseRef}")
        .replace(/[0-9a-f-]{36}/, "{eventId}")}${e.zab ? " (ZAB)" : e.path().includes("allocation") ? " (BAMF)" : ""}`;
    const req = (e: Endpoint, auth: CallOptions): [string, string, CallOptions] => [e.method, e.path(), { ...auth, ...(e.body ? { body: e.body() } : {}) }];

    for (const e of endpoints) {
      it(`${label(e)}: 401 without valid credentials, nothing stored`, async () => {
        const h = e.zab ? zab : bamf;
        const before = await h.counts();
        for (const auth of [
          {},
          { token: "not-a-known-token-000000" },
          { headers: { authorization: "Basic YWRtaW46YWRtaW4=" } },
          { headers: { authorization: "Bearer" } },
          { cookie: "anker_session_bamf=ses_unknown", csrf: "x" },
        ] as CallOptions[]) {
          const r = await h.call(...req(e, auth));
          expect(r.status, JSON.stringify(auth)).to.equal(401);
          expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
          expect(r.headers.get("www-authenticate")).to.equal('Bearer realm="anker"');
          expect(r.json.title).to.equal("Anmeldung erforderlich / Authentication required");
        }
        expect(await h.counts()).to.deep.equal(before);
      });

      for (const via of ["token", "session"] as const) {
        it(`${label(e)}: each role by ${via} — allowed: ${e.allowed.join(", ") || "none"}; others 403`, async () => {
          const h = e.zab ? zab : bamf;
          for (const role of ROLES) {
            const auth: CallOptions =
              via === "token"
                ? { token: h.tokens[role] }
                : h === bamf
                  ? { cookie: sessions[role].cookie, csrf: sessions[role].csrf }
                  : { ...(await h.login(role)) };
            const before = await h.counts();
            const r = await h.call(...req(e, auth));
            if (e.allowed.includes(role)) {
              expect(r.status, `${role}: ${r.text}`).to.equal(e.ok);
            } else {
              expect(r.status, `${role}: ${r.text}`).to.equal(403);
              expect(r.json.title).to.equal("Keine Berechtigung / Forbidden");
              const after = await h.counts();
              expect(after).to.deep.equal(before, "a refused request stores nothing");
            }
          }
        });
      }
    }

    it("explains the agency restriction of allocation proposals", async () => {
      const r = await bamf.call("GET", "/api/allocation/proposals", { token: bamf.tokens.clerk });
      expect(r.status).to.equal(403);
      expect(r.json.detail).to.contain("Zentrale Ausländerbehörde (CENTRAL_AUTHORITY)").and.contain("BAMF-Außenstelle");
    });

    it("lets only clerks search by file number (auditors see no personal data)", async () => {
      const asClerk = await bamf.call("GET", "/api/cases?fileNumber=7100000-423", { token: bamf.tokens.clerk });
      expect(asClerk.status).to.equal(200);
      expect(asClerk.json.cases[0].fileNumber).to.equal("7100000-423");
      const asAuditor = await bamf.call("GET", "/api/cases?fileNumber=7100000-423", { token: bamf.tokens.auditor });
      expect(asAuditor.status).to.equal(403);
      const list = await bamf.call("GET", "/api/cases", { token: bamf.tokens.auditor });
      expect(list.status).to.equal(200);
      for (const c of list.json.cases) expect(c).to.not.have.property("fileNumber");
    });

    describe("sessions", () => {
      it("sets an HttpOnly, SameSite=Strict cookie, keeps only its hash, and returns a CSRF token", async () => {
        const r = await bamf.call("POST", "/api/session", { body: { username: "bamf.clerk", password: bamf.passwords.clerk } });
        expect(r.status).to.equal(200);
        const setCookie = r.headers.get("set-cookie")!;
        expect(setCookie).to.match(/^anker_session_bamf=ses_[A-Za-z0-9_-]+;/);
        expect(setCookie).to.contain("HttpOnly");
        expect(setCookie).to.contain("SameSite=Strict");
        expect(setCookie).to.contain("Path=/");
        expect(r.json).to.include({ kind: "user", username: "bamf.clerk", role: "clerk", agency: "BAMF" });
        expect(r.json.csrfToken).to.match(/^csrf_/);
        const token = setCookie.split(";")[0].split("=")[1];
        expect(await bamf.db.session.count({ where: { id: token } })).to.equal(0);
        expect(await bamf.db.session.count({ where: { id: sha256Hex(token) } })).to.equal(1);
        const me = await bamf.call("GET", "/api/session", { cookie: `anker_session_bamf=${token}` });
        expect(me.json).to.include({ username: "bamf.clerk", csrfToken: r.json.csrfToken });
      });

      it("needs the X-CSRF-Token header for state-changing requests with a session", async () => {
        const s = await bamf.login("clerk");
        const body = { fileNumber: "7199999-423", person };
        const before = await bamf.counts();
        for (const csrf of [undefined, "csrf_wrong", s.csrf.slice(0, -1)]) {
          const r = await bamf.call("POST", "/api/cases", { cookie: s.cookie, csrf, body });
          expect(r.status, String(csrf)).to.equal(403);
          expect(r.json.type).to.equal("/api/docs#problem-csrf");
        }
        expect(await bamf.counts()).to.deep.equal({ ...before });
        const other = await bamf.login("clerk");
        expect((await bamf.call("POST", "/api/cases", { cookie: s.cookie, csrf: other.csrf, body })).status).to.equal(403, "another session's token");
        expect((await bamf.call("POST", "/api/cases", { cookie: s.cookie, csrf: s.csrf, body })).status).to.equal(201);
        expect((await bamf.call("GET", "/api/cases", { cookie: s.cookie })).status).to.equal(200, "reads need no CSRF token");
      });

      it("refuses wrong passwords and unknown users alike, and opens no session", async () => {
        const before = await bamf.db.session.count();
        const wrong = await bamf.call("POST", "/api/session", { body: { username: "bamf.clerk", password: "falsch-falsch-falsch" } });
        const unknown = await bamf.call("POST", "/api/session", { body: { username: "niemand", password: "falsch-falsch-falsch" } });
        expect(wrong.status).to.equal(401);
        expect(unknown.status).to.equal(401);
        expect(wrong.json.detail).to.equal(unknown.json.detail);
        expect(wrong.headers.get("set-cookie")).to.equal(null);
        expect(await bamf.db.session.count()).to.equal(before);
      });

      it("judges a request with an Authorization header by the header alone", async () => {
        const s = await bamf.login("clerk");
        expect((await bamf.call("GET", "/api/session", { cookie: s.cookie, token: "not-a-known-token-000000" })).status).to.equal(401);
        const r = await bamf.call("POST", "/api/cases", { cookie: s.cookie, token: bamf.tokens.clerk, body: { fileNumber: "7199998-423", person } });
        expect(r.status, "a bearer request needs no CSRF token").to.equal(201);
      });

      it("logs out: the session is gone and the cookie cleared; an API client has no session to end", async () => {
        const s = await bamf.login("auditor");
        expect((await bamf.call("DELETE", "/api/session", { cookie: s.cookie })).status).to.equal(403, "CSRF needed");
        const r = await bamf.call("DELETE", "/api/session", { cookie: s.cookie, csrf: s.csrf });
        expect(r.status).to.equal(204);
        expect(r.headers.get("set-cookie")).to.match(/^anker_session_bamf=;/);
        expect((await bamf.call("GET", "/api/session", { cookie: s.cookie })).status).to.equal(401);
        expect((await bamf.call("DELETE", "/api/session", { token: bamf.tokens.clerk })).status).to.equal(403);
      });

      it("refuses an expired session and removes it", async () => {
        const s = await bamf.login("clerk");
        const id = sha256Hex(s.cookie.split("=")[1]);
        await bamf.db.session.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
        expect((await bamf.call("GET", "/api/session", { cookie: s.cookie })).status).to.equal(401);
        expect(await bamf.db.session.count({ where: { id } })).to.equal(0);
      });
    });

    describe("administration and bootstrap", () => {
      it("creates an API client whose token is shown once, stored as its hash, and works", async () => {
        const r = await bamf.call("POST", "/api/clients", { token: bamf.tokens.admin, body: { name: "maris-test", role: "clerk" } });
        expect(r.status).to.equal(201);
        expect(r.json.token).to.match(/^ank_[A-Za-z0-9_-]{43}$/);
        const row = await bamf.db.apiClient.findUniqueOrThrow({ where: { name: "maris-test" } });
        expect(row.tokenHash).to.equal(sha256Hex(r.json.token));
        const me = await bamf.call("GET", "/api/session", { token: r.json.token });
        expect(me.json).to.deep.equal({ kind: "client", agency: "BAMF", role: "clerk", clientName: "maris-test" });
        expect((await bamf.call("POST", "/api/clients", { token: bamf.tokens.admin, body: { name: "maris-test", role: "auditor" } })).status).to.equal(409);
      });

      it("creates a user who can log in with a scrypt-hashed password; a taken name is a conflict", async () => {
        const body = { username: "pruefer.neu", displayName: "Prüfer Neu", password: "sehr-geheim-und-lang", role: "auditor" };
        const r = await bamf.call("POST", "/api/users", { token: bamf.tokens.admin, body });
        expect(r.status).to.equal(201);
        expect(r.json).to.include({ username: "pruefer.neu", role: "auditor" });
        expect((await bamf.db.user.findUniqueOrThrow({ where: { username: "pruefer.neu" } })).passwordHash).to.match(/^scrypt\$/);
        const login = await bamf.call("POST", "/api/session", { body: { username: body.username, password: body.password } });
        expect(login.json.role).to.equal("auditor");
        expect((await bamf.call("POST", "/api/users", { token: bamf.tokens.admin, body })).status).to.equal(409);
      });

      it("ensureUser and ensureApiClient are idempotent and rotate secrets", async () => {
        const a = await ensureUser(bamf.db, { username: "demo.user", password: "erstes-passwort-1", role: "clerk", displayName: "Demo" });
        const b = await ensureUser(bamf.db, { username: "demo.user", password: "erstes-passwort-1", role: "clerk", displayName: "Demo" });
        expect(a.created).to.equal(true);
        expect(b).to.deep.equal({ id: a.id, created: false });
        const s = await bamf.call("POST", "/api/session", { body: { username: "demo.user", password: "erstes-passwort-1" } });
        const cookie = s.headers.get("set-cookie")!.split(";")[0];
        await ensureUser(bamf.db, { username: "demo.user", password: "zweites-passwort-2", role: "clerk", displayName: "Demo" });
        expect((await bamf.call("GET", "/api/session", { cookie })).status).to.equal(401, "a new password ends the sessions");
        expect((await bamf.call("POST", "/api/session", { body: { username: "demo.user", password: "erstes-passwort-1" } })).status).to.equal(401);
        expect((await bamf.call("POST", "/api/session", { body: { username: "demo.user", password: "zweites-passwort-2" } })).status).to.equal(200);

        await ensureApiClient(bamf.db, { name: "demo-app", token: "demo-token-one-1234567", role: "clerk" }, bamf.ctx.principals);
        expect((await bamf.call("GET", "/api/session", { token: "demo-token-one-1234567" })).status).to.equal(200);
        await ensureApiClient(bamf.db, { name: "demo-app", token: "demo-token-two-1234567", role: "auditor" }, bamf.ctx.principals);
        expect((await bamf.call("GET", "/api/session", { token: "demo-token-one-1234567" })).status).to.equal(401);
        expect((await bamf.call("GET", "/api/session", { token: "demo-token-two-1234567" })).json.role).to.equal("auditor");
        expect(await bamf.db.apiClient.count({ where: { name: "demo-app" } })).to.equal(1);
        let threw = false;
        try {
          await ensureUser(bamf.db, { username: "kurz", password: "kurz", role: "clerk", displayName: "x" });
        } catch {
          threw = true;
        }
        expect(threw, "a short password is refused").to.equal(true);
      });
    });

    describe("rate limiting", () => {
      let limited: ApiHarness;
      before(async () => {
        limited = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF"), config: { rateLimitPerMinute: 5 }, api: { loginAttemptsPerMinute: 3 } });
      });
      after(async () => limited?.close());

      it("limits per API client with 429 problem+json; another client keeps its own budget", async () => {
        for (let i = 0; i < 5; i++) expect((await limited.call("GET", "/api/notifications", { token: limited.tokens.clerk })).status).to.equal(200);
        const r = await limited.call("GET", "/api/notifications", { token: limited.tokens.clerk });
        expect(r.status).to.equal(429);
        expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
        expect(r.json.title).to.equal("Zu viele Anfragen / Too many requests");
        expect(Number(r.headers.get("retry-after"))).to.be.greaterThan(0);
        expect((await limited.call("GET", "/api/notifications", { token: limited.tokens.auditor })).status).to.equal(200);
      });

      it("limits login attempts per address", async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++)
          statuses.push((await limited.call("POST", "/api/session", { body: { username: "bamf.clerk", password: "falsch-falsch-falsch" } })).status);
        expect(statuses).to.deep.equal([401, 401, 401, 429]);
      });
    });
  });
});
