// A local OpenID Connect identity provider for development, the demo and the browser tests (oidc-provider),
// so that staff sign on in the demo the way they do in production. NEVER for production: the users and
// their passwords are given in code, keys and sessions live in memory.
//
// Start it:
//   from code:  const idp = await startDevIdp({ port: 3009, issuer: "http://127.0.0.1:3009",
//                 clients: [devIdpClient("BAMF", "http://127.0.0.1:3001"), devIdpClient("ZAB", "http://127.0.0.1:3002")],
//                 users: devIdpUsers() });   …   await idp.close();
//   from a shell: npx tsx services/idp/main.ts   (port 3009, both demo services' clients; IDP_PORT, IDP_ISSUER,
//                 IDP_SERVICE_URLS="BAMF=http://127.0.0.1:3001,ZAB=http://127.0.0.1:3002" change that)
//   each agency service then gets the settings devIdpServiceEnv(agency, issuer, serviceUrl) returns.
// oidc-provider 9 prints "Unsupported runtime" on Node 20: it names Node 22 as its minimum but runs the
// flows used here on 20 (the browser test signs in through it).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { generateKeyPairSync, randomBytes, timingSafeEqual, createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import Provider, { type ClientMetadata, type KoaContextLike } from "oidc-provider";
import { errorPage, loginPage, pageLang, STYLESHEET } from "./login-page";
import { memoryAdapter } from "./memory-adapter";
import type { DevIdpUser } from "./dev-users";

export { devIdpUsers, devIdpClient, devIdpServiceEnv, devIdpRoleMap, type DevIdpUser } from "./dev-users";

export interface DevIdpClient {
  client_id: string;
  redirect_uris: string[];
  /** unset: a public client (PKCE only) */
  client_secret?: string;
}

export interface DevIdpOptions {
  port: number;
  host?: string;
  /** default http://<host>:<port> */
  issuer?: string;
  clients: DevIdpClient[];
  users: DevIdpUser[];
}

export interface DevIdp {
  issuer: string;
  port: number;
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 4096;

function sameSecret(a: string, b: string): boolean {
  // hashes of equal length: the comparison takes as long for every wrong password
  const h = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(h(a), h(b));
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > MAX_FORM_BYTES) reject(new Error("form too large"));
    });
    req.on("end", () => resolve(new URLSearchParams(body)));
    req.on("error", reject);
  });
}

export async function startDevIdp(o: DevIdpOptions): Promise<DevIdp> {
  const host = o.host ?? "127.0.0.1";
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = o.issuer ?? `http://${host}:${port}`;
  const users = new Map(o.users.map((u) => [u.username, u]));
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });

  const provider = new Provider(issuer, {
    clients: o.clients.map(
      (c): ClientMetadata => ({
        client_id: c.client_id,
        redirect_uris: c.redirect_uris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        ...(c.client_secret ? { client_secret: c.client_secret, token_endpoint_auth_method: "client_secret_basic" } : { token_endpoint_auth_method: "none" }),
      }),
    ),
    jwks: { keys: [{ ...signingKey, kid: "dev-idp", use: "sig", alg: "RS256" }] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    adapter: memoryAdapter(),
    // seconds: a sign-in takes minutes, a session lasts a working day
    ttl: { Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    pkce: { required: () => true },
    // The roles travel in the ID token (and userinfo), as most agency identity providers send them.
    conformIdTokenClaims: false,
    claims: { openid: ["sub"], profile: ["name", "preferred_username", "roles"] },
    findAccount: (_ctx, id) => {
      const u = users.get(id);
      return u ? { accountId: id, claims: () => ({ sub: id, preferred_username: u.username, name: u.name, roles: u.roles }) } : undefined;
    },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The services are the agency's own applications: no consent screen, every requested scope granted.
    loadExistingGrant: async (ctx: KoaContextLike) => {
      const client = ctx.oidc.client;
      const accountId = ctx.oidc.session.accountId;
      if (!client || !accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(client.clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? "openid"));
      grant.addOIDCClaims(["roles"]);
      await grant.save();
      ctx.oidc.session.ensureClientContainer(client.clientId);
      ctx.oidc.session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
    renderError: (ctx, out) => {
      ctx.type = "html";
      ctx.body = errorPage("de", `${out.error ?? "error"}: ${out.error_description ?? ""}`);
    },
  });

  const callback = provider.callback();
  const redirectOrigins = [...new Set(o.clients.flatMap((c) => c.redirect_uris.map((u) => new URL(u).origin)))];
  // form-action covers the redirects after the form too (Chromium): the services' callbacks must be allowed.
  const csp = `default-src 'none'; style-src 'self'; form-action 'self' ${redirectOrigins.join(" ")}; frame-ancestors 'none'; base-uri 'none'`;

  const page = (res: ServerResponse, status: number, html: string) => {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-security-policy": csp, "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end(html);
  };

  const interaction = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const lang = pageLang(url.searchParams.get("lang"), req.headers["accept-language"]);
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return page(res, 400, errorPage(lang, lang === "de" ? "Die Anmeldung ist abgelaufen. Bitte in der Anwendung erneut beginnen." : "The sign-in has expired. Please start again in the application."));
    }
    const clientId = String(details.params.client_id ?? "");
    if (req.method === "POST" && url.pathname.endsWith("/login")) {
      const form = await readForm(req);
      const username = (form.get("username") ?? "").trim();
      const user = users.get(username);
      const ok = sameSecret(form.get("password") ?? "", user?.password ?? randomBytes(16).toString("hex")) && !!user;
      if (!ok) return page(res, 401, loginPage({ uid: details.uid, lang, clientId, username, failed: true }));
      return provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
    }
    return page(res, 200, loginPage({ uid: details.uid, lang, clientId }));
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", issuer);
    if (url.pathname === "/idp.css") {
      res.writeHead(200, { "content-type": "text/css; charset=utf-8", "cache-control": "max-age=300" });
      return void res.end(STYLESHEET);
    }
    if (url.pathname.startsWith("/interaction/")) {
      return void interaction(req, res, url).catch(() => {
        if (!res.headersSent) page(res, 500, errorPage("de", "Interner Fehler / Internal error"));
      });
    }
    callback(req, res);
  });

  return {
    issuer,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
