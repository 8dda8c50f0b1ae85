// Login for people: POST /api/session sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF
// token that every state-changing request must echo in X-CSRF-Token; DELETE logs out; GET says who is in.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { sessionCookieName } from "../../auth/sessions";
import { logIn, logOut, sessionInfo } from "../../accounts/sessions";
import { LoginBody, SessionInfo } from "../../../shared/contract";

// The cookie's attributes; login sets them with a lifetime, logout must clear with the same ones.
const COOKIE = { path: "/", httpOnly: true, sameSite: "strict", secure: "auto" } as const;

export function sessionRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "POST",
      url: "/api/session",
      operationId: "login",
      tag: TAG.session,
      summary: "Anmelden / Log in",
      description: `Setzt das Sitzungs-Cookie (${sessionCookieName(ctx.config.agency)}; HttpOnly, SameSite=Strict) und liefert das CSRF-Token. Höchstens ${deps.options.loginAttemptsPerMinute} Versuche je Minute und Adresse. / Sets the session cookie and returns the CSRF token.`,
      access: ACCESS.public,
      body: LoginBody,
      responses: { 200: { description: "angemeldet / logged in", schema: SessionInfo }, 401: { description: "falsche Anmeldedaten / wrong credentials" } },
      handler: async ({ body, reply }) => {
        const s = await logIn(ctx, body.username, body.password);
        reply.setCookie(sessionCookieName(ctx.config.agency), s.token, { ...COOKIE, maxAge: s.maxAgeSeconds });
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
        reply.clearCookie(sessionCookieName(ctx.config.agency), COOKIE);
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
