// Which ways of signing in this service offers, and OpenID Connect sign-on: /api/auth/oidc/login sends the
// browser to the agency's identity provider, /api/auth/oidc/callback takes it back, opens the session (the
// same cookie as POST /api/session) and sends the browser on to where it wanted to go, or to the login page
// with the reason of a refusal. A short-lived SameSite=Lax cookie holds the state value, so only the browser
// that started a sign-on can finish it.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { sessionCookieName } from "../../auth/sessions";
import { SIGN_ON_TTL_MS } from "../../auth/oidc-client";
import { OidcSignOn, SignOnRefused } from "../../accounts/oidc-sign-on";
import { ProblemError } from "../../problems";
import { AuthMethods, OidcCallbackQuery, OidcLoginQuery } from "../../../shared/contract";
import { SESSION_COOKIE } from "./session";

const LOGIN_PATH = "/api/auth/oidc/login";
const CALLBACK_PATH = "/api/auth/oidc/callback";
const STATE_COOKIE = { path: "/api/auth/oidc", httpOnly: true, sameSite: "lax", secure: "auto" } as const;

const NOT_CONFIGURED = "Anmeldung über den Identitätsanbieter ist nicht eingerichtet / Sign-on through the identity provider is not configured";

/** The login page with the reason of a refused sign-on and where the person wanted to go. */
function loginPage(r: SignOnRefused): string {
  return `/login?${new URLSearchParams({ signOnError: r.reason, returnTo: r.returnTo })}`;
}

export function authRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  const stateCookie = `anker_oidc_${ctx.config.agency.toLowerCase()}`;
  const signOn = ctx.config.oidc ? new OidcSignOn(ctx, ctx.config.oidc) : undefined;
  const configured = (): OidcSignOn => {
    if (!signOn) throw new ProblemError("not-found", NOT_CONFIGURED);
    return signOn;
  };
  return [
    defineRoute({
      method: "GET",
      url: "/api/auth/methods",
      operationId: "getAuthMethods",
      tag: TAG.session,
      summary: "Anmeldewege / Ways to sign in",
      description: "Öffentlich: ob die Anmeldung über den Identitätsanbieter der Behörde eingerichtet ist und für wen das Passwort gilt. / Public: whether sign-on through the agency's identity provider is configured and who may use a password.",
      access: ACCESS.public,
      responses: { 200: { description: "Anmeldewege / ways to sign in", schema: AuthMethods } },
      handler: async () => ({
        password: signOn && !ctx.config.demoMode ? ("break-glass" as const) : ("all" as const),
        oidc: !!signOn,
        ...(signOn ? { oidcLoginPath: LOGIN_PATH } : {}),
      }),
    }),
    defineRoute({
      method: "GET",
      url: LOGIN_PATH,
      operationId: "startOidcSignOn",
      tag: TAG.session,
      summary: "Anmeldung beim Identitätsanbieter beginnen / Start sign-on at the identity provider",
      description:
        "Leitet den Browser zum Identitätsanbieter weiter (Autorisierungscode mit PKCE, state, nonce). Ist er nicht erreichbar, zurück zur Anmeldeseite mit signOnError=unavailable. / Redirects the browser to the identity provider (authorization code with PKCE, state, nonce); if it cannot be reached, back to the login page with signOnError=unavailable.",
      access: ACCESS.public,
      query: OidcLoginQuery,
      responses: {
        303: { description: "weiter zum Identitätsanbieter (Location) / on to the identity provider (Location)" },
        404: { description: "nicht eingerichtet / not configured" },
      },
      handler: async ({ query, reply }) => {
        const s = configured();
        const returnTo = query.returnTo ?? "/";
        try {
          const { url, state } = await s.start(returnTo);
          reply.setCookie(stateCookie, state, { ...STATE_COOKIE, maxAge: SIGN_ON_TTL_MS / 1000 });
          return reply.redirect(url, 303);
        } catch (err) {
          if (err instanceof SignOnRefused) return reply.redirect(loginPage(err), 303);
          throw err;
        }
      },
    }),
    defineRoute({
      method: "GET",
      url: CALLBACK_PATH,
      operationId: "finishOidcSignOn",
      tag: TAG.session,
      summary: "Rückkehr vom Identitätsanbieter / Return from the identity provider",
      description:
        "Prüft die Antwort des Identitätsanbieters (state, PKCE, ID-Token, nonce), ordnet die Rolle aus dem Rollen-Claim zu (OIDC_ROLES_CLAIM, OIDC_ROLE_MAP), setzt das Sitzungs-Cookie und leitet zu returnTo weiter; bei Ablehnung zur Anmeldeseite mit signOnError. / Checks the identity provider's answer, maps the role from the roles claim, sets the session cookie and redirects to returnTo; when refused, to the login page with signOnError.",
      access: ACCESS.public,
      query: OidcCallbackQuery,
      responses: {
        303: { description: "angemeldet weiter zu returnTo, oder abgelehnt zur Anmeldeseite (Location) / signed on to returnTo, or refused to the login page (Location)" },
        404: { description: "nicht eingerichtet / not configured" },
      },
      handler: async ({ query, req, reply }) => {
        const s = configured();
        const search = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
        reply.clearCookie(stateCookie, STATE_COOKIE);
        try {
          const done = await s.finish(search, query.state, req.cookies[stateCookie]);
          reply.setCookie(sessionCookieName(ctx.config.agency), done.token, { ...SESSION_COOKIE, maxAge: done.maxAgeSeconds });
          return reply.redirect(done.returnTo, 303);
        } catch (err) {
          if (err instanceof SignOnRefused) return reply.redirect(loginPage(err), 303);
          throw err;
        }
      },
    }),
  ];
}
