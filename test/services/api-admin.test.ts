// The admin area against a real service (buildApi on a free port, SQLite, real fetch): API clients whose
// tokens are shown once and stored hashed (create, rotate, revoke take effect with the next request), roles
// and disabled accounts that take effect at once, the webhook override that wins over the settings and
// signs with the rotated secret, and an admin trail with actor and time for every action and no personal
// data. Everyone but an administrator is refused, and a refused request changes nothing.
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import pino from "pino";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, type ApiHarness, type CallOptions } from "../support/api-harness";
import { sha256Hex } from "../../services/agency/auth/tokens";
import { WebhookDelivery } from "../../services/agency/notifications/webhook";
import { currentWebhook } from "../../services/agency/admin/webhook-setting";
import { verifySignature, SIGNATURE_HEADER } from "../../services/agency/notifications/signature";

const person = { familyName: "Adminova (fiktiv)", givenNames: "Petra", dateOfBirth: "1979-04-12", nationality: "UKR" };

describe("API: admin area (users, API clients, webhook, admin trail)", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let api: ApiHarness;
  let admin: CallOptions;
  let adminSession: { cookie: string; csrf: string };
  const started = new Date();

  before(async () => {
    chain = await startTestChain();
    api = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
    admin = { token: api.tokens.admin };
    adminSession = await api.login("admin");
    const c = await api.call("POST", "/api/cases", { token: api.tokens.clerk, body: { fileNumber: "7200001-423", person } });
    expect(c.status, c.text).to.equal(201);
  });
  after(async () => {
    await api?.close();
    await chain?.dispose();
  });

  const whoAmI = (token: string) => api.call("GET", "/api/session", { token });

  it("refuses clerks and auditors (token and session) on every admin endpoint with 403, changing nothing", async () => {
    const sessions = { clerk: await api.login("clerk"), auditor: await api.login("auditor") };
    const endpoints: [string, string, unknown?][] = [
      ["GET", "/api/users"],
      ["POST", "/api/users", { username: "nicht.erlaubt", displayName: "X", password: "ein-langes-passwort", role: "admin" }],
      ["POST", "/api/users/1/role", { role: "admin" }],
      ["POST", "/api/users/1/disable"],
      ["POST", "/api/users/1/enable"],
      ["GET", "/api/clients"],
      ["POST", "/api/clients", { name: "nicht-erlaubt", role: "admin" }],
      ["POST", "/api/clients/1/rotate"],
      ["POST", "/api/clients/1/revoke"],
      ["GET", "/api/admin/webhook"],
      ["POST", "/api/admin/webhook", { url: "https://evil.example/hook" }],
      ["POST", "/api/admin/webhook/secret"],
      ["GET", "/api/admin/log"],
    ];
    const before = { ...(await api.counts()), trail: await api.db.adminAction.count(), webhook: await api.db.webhookSetting.count() };
    for (const role of ["clerk", "auditor"] as const) {
      for (const auth of [{ token: api.tokens[role] }, sessions[role]]) {
        for (const [method, path, body] of endpoints) {
          const r = await api.call(method, path, { ...auth, ...(body ? { body } : {}) });
          expect(r.status, `${role} ${method} ${path}`).to.equal(403);
          expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
        }
      }
    }
    for (const [method, path, body] of endpoints) {
      expect((await api.call(method, path, body ? { body } : {})).status, `anonymous ${method} ${path}`).to.equal(401);
    }
    // an admin session without its CSRF token is refused too
    expect((await api.call("POST", "/api/clients", { cookie: adminSession.cookie, body: { name: "ohne-csrf", role: "clerk" } })).status).to.equal(403);
    const after = { ...(await api.counts()), trail: await api.db.adminAction.count(), webhook: await api.db.webhookSetting.count() };
    // the logins above opened sessions; nothing else changed
    expect({ ...after, sessions: 0 }).to.deep.equal({ ...before, sessions: 0 });
  });

  it("API client: the token is shown once and works, rotation refuses the old one, revocation refuses any", async () => {
    const created = await api.call("POST", "/api/clients", { ...admin, body: { name: "fachverfahren-test", role: "clerk" } });
    expect(created.status, created.text).to.equal(201);
    const { id, token } = created.json as { id: number; token: string };
    expect(token).to.match(/^ank_[A-Za-z0-9_-]{43}$/);
    const row = await api.db.apiClient.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).to.equal(sha256Hex(token));
    expect(JSON.stringify(row)).to.not.contain(token);
    const me = await whoAmI(token);
    expect(me.status).to.equal(200);
    expect(me.json).to.include({ kind: "client", clientName: "fachverfahren-test", role: "clerk" });
    expect((await api.call("GET", "/api/cases", { token })).status).to.equal(200);

    // the list never carries a token
    const list = await api.call("GET", "/api/clients", admin);
    expect(list.status).to.equal(200);
    expect(list.text).to.not.contain(token);
    expect(list.text).to.not.contain(row.tokenHash);
    expect(list.json.clients.find((c: { id: number }) => c.id === id)).to.include({ name: "fachverfahren-test", role: "clerk", revoked: false, tokenSetAt: null });

    const rotated = await api.call("POST", `/api/clients/${id}/rotate`, { cookie: adminSession.cookie, csrf: adminSession.csrf });
    expect(rotated.status, rotated.text).to.equal(200);
    const fresh: string = rotated.json.token;
    expect(fresh).to.not.equal(token);
    expect((await whoAmI(token)).status, "old token after rotation").to.equal(401);
    expect((await whoAmI(fresh)).status, "new token after rotation").to.equal(200);
    expect((await api.db.apiClient.findUniqueOrThrow({ where: { id } })).tokenSetAt).to.be.instanceOf(Date);

    const revoked = await api.call("POST", `/api/clients/${id}/revoke`, admin);
    expect(revoked.status, revoked.text).to.equal(200);
    expect(revoked.json).to.include({ id, revoked: true });
    expect((await whoAmI(fresh)).status, "token after revocation").to.equal(401);
    expect((await whoAmI(token)).status).to.equal(401);
    // a revoked client cannot be brought back by rotating it, and twice revoked is a conflict
    expect((await api.call("POST", `/api/clients/${id}/rotate`, admin)).status).to.equal(409);
    expect((await api.call("POST", `/api/clients/${id}/revoke`, admin)).status).to.equal(409);
    // an administrator cannot revoke or rotate the token they are calling with
    const own = await api.db.apiClient.findUniqueOrThrow({ where: { tokenHash: sha256Hex(api.tokens.admin) } });
    expect((await api.call("POST", `/api/clients/${own.id}/revoke`, admin)).status).to.equal(409);
    expect((await whoAmI(api.tokens.admin)).status).to.equal(200);
    expect((await api.call("POST", "/api/clients/999999/revoke", admin)).status).to.equal(404);
    expect((await api.call("POST", "/api/clients", { ...admin, body: { name: "fachverfahren-test", role: "auditor" } })).status).to.equal(409);
  });

  it("roles: a changed role and a disabled account take effect at once; own account and last admin are protected", async () => {
    const password = "notfall-zugang-lang";
    const created = await api.call("POST", "/api/users", { ...admin, body: { username: "notfall.sb", displayName: "Notfall Sachbearbeitung", password, role: "clerk" } });
    expect(created.status, created.text).to.equal(201);
    const id: number = created.json.id;
    // an account made here is a break-glass account: its password works even with identity-provider sign-on
    const listed = (await api.call("GET", "/api/users", admin)).json.users.find((u: { id: number }) => u.id === id);
    expect(listed).to.include({ username: "notfall.sb", role: "clerk", disabled: false, signOn: "break-glass" });
    expect(JSON.stringify(listed)).to.not.match(/scrypt|password/i);
    const loginAs = () => api.call("POST", "/api/session", { body: { username: "notfall.sb", password } });
    let login = await loginAs();
    expect(login.status).to.equal(200);
    let cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
    expect((await api.call("GET", "/api/cases", { cookie })).text, "a clerk sees the name").to.contain(person.familyName);

    const changed = await api.call("POST", `/api/users/${id}/role`, { cookie: adminSession.cookie, csrf: adminSession.csrf, body: { role: "auditor" } });
    expect(changed.status, changed.text).to.equal(200);
    expect(changed.json).to.include({ id, role: "auditor", disabled: false });
    expect((await api.call("GET", "/api/session", { cookie })).status, "the session ends with the role change").to.equal(401);
    login = await loginAs();
    expect(login.json.role).to.equal("auditor");
    cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
    const asAuditor = await api.call("GET", "/api/cases", { cookie });
    expect(asAuditor.status).to.equal(200);
    expect(asAuditor.text).to.not.contain(person.familyName);

    const disabled = await api.call("POST", `/api/users/${id}/disable`, admin);
    expect(disabled.json).to.include({ id, disabled: true });
    expect((await api.call("GET", "/api/session", { cookie })).status, "the session ends when disabled").to.equal(401);
    expect((await loginAs()).status, "no login while disabled").to.equal(401);
    expect((await api.call("POST", `/api/users/${id}/enable`, admin)).json).to.include({ disabled: false });
    expect((await loginAs()).status).to.equal(200);

    // no administrator changes their own account, and the last enabled admin stays one
    const adminUser = await api.db.user.findUniqueOrThrow({ where: { username: "bamf.admin" } });
    const asSelf = { cookie: adminSession.cookie, csrf: adminSession.csrf };
    expect((await api.call("POST", `/api/users/${adminUser.id}/disable`, asSelf)).status).to.equal(409);
    expect((await api.call("POST", `/api/users/${adminUser.id}/role`, { ...asSelf, body: { role: "clerk" } })).status).to.equal(409);
    const lastAdmin = await api.call("POST", `/api/users/${adminUser.id}/disable`, admin); // by the admin token: not self
    expect(lastAdmin.status).to.equal(409);
    expect(lastAdmin.json.detail).to.match(/At least one enabled admin account must remain/);

    // bad input: 400 naming the field, unknown id 404
    for (const [path, body, field] of [
      ["/api/users/0x10/role", { role: "clerk" }, "id"],
      ["/api/users/%20/disable", undefined, "id"],
      [`/api/users/${id}/role`, { role: "superuser" }, "role"],
      [`/api/users/${id}/role`, { role: "clerk", extra: 1 }, "extra"],
    ] as const) {
      const r = await api.call("POST", path, { ...admin, ...(body ? { body } : {}) });
      expect(r.status, path).to.equal(400);
      expect(r.headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(JSON.stringify(r.json.errors), path).to.contain(field);
    }
    expect((await api.call("POST", "/api/users/999999/disable", admin)).status).to.equal(404);
  });

  it("webhook: the admin area's URL and secret win over the settings; the secret is shown once and signs the next delivery", async () => {
    const received: { url: string; body: string; signature: string | undefined }[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ url: req.url ?? "", body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
        res.writeHead(204).end();
      });
    });
    receiver.listen(0, "127.0.0.1");
    await once(receiver, "listening");
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    try {
      const none = await api.call("GET", "/api/admin/webhook", admin);
      expect(none.json).to.deep.equal({ url: null, source: "none", secretSet: false, updatedAt: null });
      expect((await api.call("POST", "/api/admin/webhook", { ...admin, body: { url: "ftp://x.example/" } })).status).to.equal(400);

      const set = await api.call("POST", "/api/admin/webhook", { ...admin, body: { url: `${base}/from-admin` } });
      expect(set.status, set.text).to.equal(200);
      const firstSecret: string = set.json.secret;
      expect(firstSecret).to.match(/^whsec_/);
      expect(set.json.info).to.include({ url: `${base}/from-admin`, source: "admin", secretSet: true });
      const shown = await api.call("GET", "/api/admin/webhook", admin);
      expect(shown.text).to.not.contain(firstSecret);
      // setting the URL again keeps the secret and does not show it
      expect((await api.call("POST", "/api/admin/webhook", { ...admin, body: { url: `${base}/from-admin` } })).json.secret).to.equal(null);

      const rotated = await api.call("POST", "/api/admin/webhook/secret", admin);
      const secret: string = rotated.json.secret;
      expect(secret).to.not.equal(firstSecret);

      // the delivery, configured by settings with another URL and secret, sends to the admin area's endpoint
      const settings = { url: `${base}/from-settings`, secret: "settings-secret-0123456789" };
      const delivery = new WebhookDelivery(api.db, pino({ level: "silent" }), { ...settings, agency: "BAMF", endpoint: () => currentWebhook(api.db, settings) });
      const caseRef = `0x${"ab".repeat(32)}`;
      await api.db.notification.create({ data: { sourceKey: "admin-test:1", kind: "FORWARD", priority: 2, caseRef, payload: "{}", deliveryState: "pending", nextDeliveryAt: new Date() } });
      expect(await delivery.deliverDue()).to.equal(1);
      expect(received).to.have.length(1);
      expect(received[0].url).to.equal("/from-admin");
      expect(verifySignature(secret, received[0].body, received[0].signature)).to.equal(true);
      expect(verifySignature(firstSecret, received[0].body, received[0].signature)).to.equal(false);
    } finally {
      receiver.close();
    }
  });

  it("records every admin action with actor and time in the trail, pages it, and holds no personal data", async () => {
    const all = await api.call("GET", "/api/admin/log?limit=500", admin);
    expect(all.status).to.equal(200);
    const actions = all.json.actions as { id: number; at: string; actor: string; action: string; targetType: string; targetId: number | null; detail: string | null }[];
    expect(all.json.total).to.equal(actions.length);
    const kinds = actions.map((a) => a.action).reverse();
    expect(kinds).to.deep.equal([
      "client.create",
      "client.rotate",
      "client.revoke",
      "user.create",
      "user.role",
      "user.disable",
      "user.enable",
      "webhook.endpoint",
      "webhook.endpoint",
      "webhook.secret",
    ]);
    const client = await api.db.apiClient.findUniqueOrThrow({ where: { name: "fachverfahren-test" } });
    const user = await api.db.user.findUniqueOrThrow({ where: { username: "notfall.sb" } });
    for (const a of actions) {
      expect(a.actor, a.action).to.be.oneOf(["client:bamf-admin-app", "user:bamf.admin"]);
      expect(new Date(a.at).getTime(), a.action).to.be.within(started.getTime() - 1000, Date.now());
      if (a.targetType === "client") expect(a.targetId).to.equal(client.id);
      if (a.targetType === "user") expect(a.targetId).to.equal(user.id);
    }
    expect(actions.find((a) => a.action === "client.rotate")?.actor).to.equal("user:bamf.admin"); // by session
    expect(actions.find((a) => a.action === "user.role")?.detail).to.equal("clerk->auditor");

    // no personal data, no secret: neither the case's person, nor the staff member's display name, tokens or secrets
    const secrets = (await api.db.webhookSetting.findMany()).map((w) => w.secret ?? "");
    for (const forbidden of [person.familyName, person.givenNames, person.dateOfBirth, "7200001-423", "Notfall Sachbearbeitung", "notfall-zugang-lang", ...secrets]) {
      expect(all.text, forbidden).to.not.contain(forbidden);
    }
    expect(all.text).to.not.match(/ank_[A-Za-z0-9_-]{20}|whsec_/);

    // paging: newest first, offset and limit
    const page1 = await api.call("GET", "/api/admin/log?limit=3", admin);
    const page2 = await api.call("GET", "/api/admin/log?limit=3&offset=3", admin);
    expect(page1.json).to.include({ total: actions.length, offset: 0, limit: 3 });
    expect(page1.json.actions.map((a: { id: number }) => a.id)).to.deep.equal(actions.slice(0, 3).map((a) => a.id));
    expect(page2.json.actions.map((a: { id: number }) => a.id)).to.deep.equal(actions.slice(3, 6).map((a) => a.id));
    expect((await api.call("GET", "/api/admin/log?limit=0", admin)).status).to.equal(400);
    expect((await api.call("GET", "/api/admin/log?offset=0x1", admin)).status).to.equal(400);
  });
});
