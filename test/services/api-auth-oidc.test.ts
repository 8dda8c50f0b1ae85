// Staff sign-on through the agency's identity provider, over real HTTP: the development identity provider
// (services/idp, oidc-provider) and a real agency API (openid-client inside), the browser's part played by
// fetch with a cookie jar per host. Covers the redirects with state, PKCE and nonce, the role from the roles
// claim, refusals (no role, a role of the other agency, a foreign browser), returnTo, and the password rule
// once sign-on is configured (break-glass accounts only).
import { expect } from "chai";
import { startTestChain, freePort, type TestChain } from "../support/chain";
import { startApi, chainPortFor, type ApiHarness } from "../support/api-harness";
import { ensureUser } from "../../services/agency/auth/bootstrap";
import { parseRoleMap } from "../../services/agency/auth/oidc-config";
import { startDevIdp, devIdpClient, devIdpUsers, devIdpRoleMap, type DevIdp } from "../../services/idp/dev-idp";
import { mappedRoles } from "../../services/agency/accounts/oidc-sign-on";
import type { OidcConfig } from "../../services/agency/auth/oidc-config";

/** What a browser keeps: cookies per host (path and expiry ignored: enough for one flow). */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const cookies = [...(this.jar.get(u.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), ...(cookies ? { cookie: cookies } : {}) } });
    const jar = this.jar.get(u.host) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === "" || attrs.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
    this.jar.set(u.host, jar);
    return res;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }
}

function location(res: Response, base: string): string {
  const l = res.headers.get("location");
  if (!l) throw new Error(`no Location in ${res.status}`);
  return new URL(l, base).href;
}

interface SignOn {
  /** where the service sent the browser in the end (relative to the service) */
  landing: string;
  status: number;
  browser: Browser;
}

/**
 * The whole sign-on as a browser does it: start at the service, the identity provider's form, back to the
 * service's callback. `wrongFirst`: type a wrong password once before the right one.
 */
async function signOn(api: ApiHarness, username: string, password: string, returnTo = "/inbox", browser = new Browser()): Promise<SignOn & { idpFormStatus: number[] }> {
  const idpFormStatus: number[] = [];
  let res = await browser.get(`${api.url}/api/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`);
  expect(res.status, "start").to.equal(303);
  let url = location(res, api.url);
  // at the identity provider: follow until the form
  for (let i = 0; i < 5 && !new URL(url).pathname.startsWith("/interaction/"); i++) {
    res = await browser.get(url);
    if (res.status !== 303 && res.status !== 302) break;
    url = location(res, url);
  }
  const form = await browser.get(url);
  expect(form.status, "form").to.equal(200);
  const html = await form.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
  expect(action, "form action").to.be.a("string");
  const post = await browser.get(new URL(action!, url).href, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }).toString(),
  });
  idpFormStatus.push(post.status);
  if (post.status !== 303 && post.status !== 302) return { landing: "", status: post.status, browser, idpFormStatus };
  url = location(post, url);
  // back through the identity provider to the service's callback
  for (let i = 0; i < 6 && !url.startsWith(api.url); i++) {
    res = await browser.get(url);
    url = location(res, url);
  }
  res = await browser.get(url);
  const landing = res.headers.get("location") ?? "";
  return { landing, status: res.status, browser, idpFormStatus };
}

async function whoAmI(api: ApiHarness, browser: Browser): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await browser.get(`${api.url}/api/session`);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("OIDC roles claim mapping", () => {
  const cfg = (rolesClaim: string, map: string) => ({ rolesClaim, roleMap: parseRoleMap(map) }) as unknown as OidcConfig;

  it("maps a list, a single string and a nested claim; ignores values it does not name", () => {
    const c = cfg("roles", "anker-sb=clerk,anker-pruefung=auditor");
    expect(mappedRoles(c, { roles: ["intranet", "anker-sb"] })).to.deep.equal(["clerk"]);
    expect(mappedRoles(c, { roles: "anker-pruefung" })).to.deep.equal(["auditor"]);
    expect(mappedRoles(c, { roles: ["intranet"] })).to.deep.equal([]);
    expect(mappedRoles(c, {})).to.deep.equal([]);
    expect(mappedRoles(c, { roles: [1, null, { x: "anker-sb" }] })).to.deep.equal([]);
    const keycloak = cfg("realm_access.roles", "anker-admin=admin");
    expect(mappedRoles(keycloak, { realm_access: { roles: ["offline_access", "anker-admin"] } })).to.deep.equal(["admin"]);
  });

  it("reports two different roles as two (the sign-on refuses them), the same role twice as one", () => {
    const c = cfg("roles", "a=clerk,b=clerk,c=admin");
    expect(mappedRoles(c, { roles: ["a", "b"] })).to.deep.equal(["clerk"]);
    expect(mappedRoles(c, { roles: ["a", "c"] })).to.have.members(["clerk", "admin"]);
  });

  it("refuses a role map that names an unknown role or no pair", () => {
    expect(() => parseRoleMap("x=superuser")).to.throw(/superuser/);
    expect(() => parseRoleMap("")).to.throw(/no value/);
    expect(() => parseRoleMap("=clerk")).to.throw(/claimValue=role/);
  });
});

describe("API: sign-on through the agency's identity provider (OIDC)", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let api: ApiHarness;
  let plain: ApiHarness;
  let idp: DevIdp;
  const users = devIdpUsers();
  const user = (name: string) => users.find((u) => u.username === name)!;

  before(async () => {
    chain = await startTestChain();
    const idpPort = await freePort();
    const issuer = `http://127.0.0.1:${idpPort}`;
    // The service's address is known once it listens; its discovery waits for the first sign-on, so the
    // identity provider (which must know the callback address) starts after it.
    const oidc = { issuer, clientId: "anker-bamf", redirectUrl: "", scopes: "openid profile", rolesClaim: "roles", usernameClaim: "preferred_username", roleMap: parseRoleMap(devIdpRoleMap("BAMF")) };
    api = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF"), config: { oidc } });
    oidc.redirectUrl = `${api.url}/api/auth/oidc/callback`;
    idp = await startDevIdp({ port: idpPort, issuer, clients: [devIdpClient("BAMF", api.url)], users });
    plain = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
  });
  after(async () => {
    await api?.close();
    await plain?.close();
    await idp?.close();
    await chain?.dispose();
  });

  it("tells the web app which ways to sign in exist", async () => {
    expect((await api.call("GET", "/api/auth/methods")).json).to.deep.equal({ password: "break-glass", oidc: true, oidcLoginPath: "/api/auth/oidc/login" });
    expect((await plain.call("GET", "/api/auth/methods")).json).to.deep.equal({ password: "all", oidc: false });
  });

  it("signs a BAMF clerk on through the identity provider and returns to the page asked for", async () => {
    const u = user("bamf.sachbearbeitung");
    const r = await signOn(api, u.username, u.password, "/cases?q=1");
    expect(r.status).to.equal(303);
    expect(r.landing).to.equal("/cases?q=1");
    const me = await whoAmI(api, r.browser);
    expect(me.status).to.equal(200);
    expect(me.json).to.include({ kind: "user", role: "clerk", username: "bamf.sachbearbeitung", agency: "BAMF" });
    expect(me.json.csrfToken).to.be.a("string");
    const row = await api.db.user.findUnique({ where: { username: "bamf.sachbearbeitung" } });
    expect(row?.oidcSubject).to.equal(`${idp.issuer} bamf.sachbearbeitung`);
    expect(row?.passwordHash.startsWith("scrypt$")).to.equal(false);
    // the sign-on cookie is used up
    expect(r.browser.cookie(new URL(api.url).host, "anker_oidc_bamf")).to.equal(undefined);
  });

  it("maps an auditor's roles claim to auditor", async () => {
    const u = user("bamf.pruefung");
    const r = await signOn(api, u.username, u.password);
    expect(r.landing).to.equal("/inbox");
    expect((await whoAmI(api, r.browser)).json).to.include({ role: "auditor", username: "bamf.pruefung" });
  });

  it("refuses a person without a mapped role, and one with only a role of the other agency", async () => {
    for (const name of ["bamf.ohnerolle", "zab.sachbearbeitung"]) {
      const u = user(name);
      const r = await signOn(api, u.username, u.password, "/cases");
      expect(r.status, name).to.equal(303);
      expect(r.landing, name).to.equal("/login?signOnError=no-role&returnTo=%2Fcases");
      expect((await whoAmI(api, r.browser)).status, name).to.equal(401);
      expect(await api.db.user.findUnique({ where: { username: name } }), name).to.equal(null);
    }
  });

  it("keeps the person at the identity provider's form after a wrong password", async () => {
    const r = await signOn(api, "bamf.sachbearbeitung", "not-the-password");
    expect(r.idpFormStatus).to.deep.equal([401]);
  });

  it("refuses a callback that another browser started (state cookie missing) and one without state", async () => {
    const start = await new Browser().get(`${api.url}/api/auth/oidc/login`);
    const state = new URL(location(start, api.url)).searchParams.get("state");
    expect(state).to.be.a("string");
    const stranger = await new Browser().get(`${api.url}/api/auth/oidc/callback?code=abc&state=${state}`);
    expect(stranger.status).to.equal(303);
    expect(stranger.headers.get("location")).to.equal("/login?signOnError=expired&returnTo=%2F");
    const noState = await new Browser().get(`${api.url}/api/auth/oidc/callback?error=access_denied`);
    expect(noState.headers.get("location")).to.equal("/login?signOnError=expired&returnTo=%2F");
  });

  it("answers an identity provider's refusal with the login page, and a foreign returnTo with 400", async () => {
    const b = new Browser();
    const start = await b.get(`${api.url}/api/auth/oidc/login?returnTo=%2Faudit`);
    const state = new URL(location(start, api.url)).searchParams.get("state")!;
    const denied = await b.get(`${api.url}/api/auth/oidc/callback?error=access_denied&state=${state}`);
    expect(denied.headers.get("location")).to.equal("/login?signOnError=failed&returnTo=%2Faudit");
    for (const bad of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "relative"]) {
      const r = await api.call("GET", `/api/auth/oidc/login?returnTo=${encodeURIComponent(bad)}`);
      expect(r.status, bad).to.equal(400);
      expect(r.headers.get("content-type"), bad).to.match(/^application\/problem\+json/);
    }
  });

  it("accepts a password only for break-glass accounts once sign-on is configured", async () => {
    const clerk = await api.call("POST", "/api/session", { body: { username: "bamf.clerk", password: api.passwords.clerk } });
    expect(clerk.status).to.equal(403);
    expect(clerk.json.detail).to.match(/Notfallkonten.*break-glass/);
    expect(clerk.headers.get("set-cookie")).to.equal(null);
    const wrong = await api.call("POST", "/api/session", { body: { username: "bamf.clerk", password: "wrong-password-123" } });
    expect(wrong.status).to.equal(401);
    await ensureUser(api.db, { username: "bamf.notfall", password: "notfall-passwort-lang", role: "admin", displayName: "Notfall", breakGlass: true });
    const breakGlass = await api.call("POST", "/api/session", { body: { username: "bamf.notfall", password: "notfall-passwort-lang" } });
    expect(breakGlass.status).to.equal(200);
    expect(breakGlass.json.role).to.equal("admin");
    // without sign-on configured, every account keeps its password
    expect((await plain.call("POST", "/api/session", { body: { username: "bamf.clerk", password: plain.passwords.clerk } })).status).to.equal(200);
  });

  it("does not take over a break-glass account with the same username", async () => {
    await ensureUser(api.db, { username: "bamf.admin", password: "bamf-admin-notfall-lang", role: "admin", displayName: "Notfall", breakGlass: true });
    const u = user("bamf.admin");
    const r = await signOn(api, u.username, u.password, "/audit");
    expect(r.landing).to.equal("/login?signOnError=account-conflict&returnTo=%2Faudit");
  });

  it("answers 404 where sign-on is not configured", async () => {
    for (const path of ["/api/auth/oidc/login", "/api/auth/oidc/callback?code=x&state=y"]) {
      const r = await plain.call("GET", path);
      expect(r.status, path).to.equal(404);
      expect(r.headers.get("content-type"), path).to.match(/^application\/problem\+json/);
    }
  });
});
