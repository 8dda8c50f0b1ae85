// Login for people: POST /api/session sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF
// token that every state-changing request must echo in X-CSRF-Token; DELETE logs out; GET says who is in.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { sessionCookieName } from "../../auth/sessions";
import { logIn, logOut, sessionInfo } from "../../accounts/sessions";
import { LoginBody, SessionInfo } from "../../../shared/contract";
import { DEFAULT_LOGIN_THROTTLE } from "../../auth/oidc-config";
import { LoginThrottle } from "../../auth/login-throttle";

// The cookie's attributes; login sets them with a lifetime, logout must clear with the same ones.
export const SESSION_COOKIE = { path: "/", httpOnly: true, sameSite: "strict", secure: "auto" } as const;

export function sessionRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  const throttle = ctx.config.loginThrottle ?? DEFAULT_LOGIN_THROTTLE;
  // one per service: the failed logins counted in this process (auth/login-throttle.ts says why)
  const failures = new LoginThrottle(throttle);
  return [
    defineRoute({
      method: "POST",
      url: "/api/session",
      operationId: "login",
      tag: TAG.session,
      summary: "Anmelden / Log in",
      description: `Setzt das Sitzungs-Cookie (${sessionCookieName(ctx.config.agency)}; HttpOnly, SameSite=Strict) und liefert das CSRF-Token. Höchstens ${deps.options.loginAttemptsPerMinute} Versuche je Minute und Adresse; nach ${throttle.accountFailures} Fehlversuchen eines Kontos oder ${throttle.sourceFailures} von einer Adresse wächst die Wartezeit (429 mit Retry-After). Ist die Anmeldung über den Identitätsanbieter eingerichtet, gilt das Passwort nur für Notfallkonten (403). / Sets the session cookie and returns the CSRF token. After ${throttle.accountFailures} failures of one account or ${throttle.sourceFailures} from one address, a growing delay (429 with Retry-After). With sign-on through the identity provider, passwords work for break-glass accounts only (403).`,
      access: ACCESS.public,
      body: LoginBody,
      responses: {
        200: { description: "angemeldet / logged in", schema: SessionInfo },
        401: { description: "falsche Anmeldedaten / wrong credentials" },
        403: { description: "Passwort nur für Notfallkonten, bitte über den Identitätsanbieter anmelden / password for break-glass accounts only, sign on through the identity provider" },
        429: { description: "zu viele Fehlversuche: warten (Retry-After) / too many failures: wait (Retry-After)" },
      },
      handler: async ({ body, req, reply }) => {
        const s = await logIn(ctx, failures, body.username, body.password, req.ip);
        reply.setCookie(sessionCookieName(ctx.config.agency), s.token, { ...SESSION_COOKIE, maxAge: s.maxAgeSeconds });
        return s.info;
      },
    }),
    defineRoute({
      method: "DELETE",
      url: "/api/session",
      operationId: "logout",
      tag: TAG.session,
      summary: "Abmelden / Log out",
      access: ACCESS.anyRole,
      responses: { 204: { description: "abgemeldet / logged out" } },
      handler: async ({ principal, reply }) => {
        await logOut(ctx, principal);
        reply.clearCookie(sessionCookieName(ctx.config.agency), SESSION_COOKIE);
        return reply.code(204).send();
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/session",
      operationId: "whoAmI",
      tag: TAG.session,
      summary: "Angemeldet als / Who is logged in",
      access: ACCESS.anyRole,
      responses: { 200: { description: "Anmeldung / session", schema: SessionInfo } },
      handler: async ({ principal }) => sessionInfo(ctx, principal),
    }),
  ];
}
