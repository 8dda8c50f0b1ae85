// Login for people: POST /api/session sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF
// token that every state-changing request must echo in X-CSRF-Token; DELETE logs out; GET says who is in.
import type { FastifyReply } from "fastify";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { ROLES, type UserPrincipal } from "../../auth/roles";
import { sessionCookieName, login, logout } from "../../auth/sessions";
import { LoginBody, SessionInfo } from "../../../shared/contract";
import { ProblemError } from "../problem";

function clearCookie(reply: FastifyReply, agency: string): void {
  reply.clearCookie(sessionCookieName(agency), { path: "/", httpOnly: true, sameSite: "strict", secure: "auto" });
}

function userSessionInfo(agency: string, p: UserPrincipal) {
  return {
    kind: "user" as const,
    agency,
    role: p.role,
    username: p.username,
    displayName: p.displayName,
    csrfToken: p.csrfToken,
    expiresAt: p.expiresAt.toISOString(),
  };
}

export function sessionRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "POST",
      url: "/api/session",
      operationId: "login",
      tag: "Anmeldung / Session",
      summary: "Anmelden / Log in",
      description: `Setzt das Sitzungs-Cookie (${sessionCookieName(ctx.config.agency)}; HttpOnly, SameSite=Strict) und liefert das CSRF-Token. Höchstens ${deps.options.loginAttemptsPerMinute} Versuche je Minute und Adresse. / Sets the session cookie and returns the CSRF token.`,
      access: { public: true },
      body: LoginBody,
      responses: { 200: { description: "angemeldet / logged in", schema: SessionInfo }, 401: { description: "falsche Anmeldedaten / wrong credentials" } },
      handler: async ({ body, reply }) => {
        const s = await login(ctx.db, body.username, body.password, ctx.config.sessionHours);
        if (!s) throw new ProblemError("unauthenticated", "Benutzername oder Passwort falsch / Wrong username or password");
        reply.setCookie(sessionCookieName(ctx.config.agency), s.token, {
          path: "/",
          httpOnly: true,
          sameSite: "strict",
          secure: "auto",
          maxAge: ctx.config.sessionHours * 3600,
        });
        return userSessionInfo(ctx.config.agency, s.principal);
      },
    }),
    defineRoute({
      method: "DELETE",
      url: "/api/session",
      operationId: "logout",
      tag: "Anmeldung / Session",
      summary: "Abmelden / Log out",
      access: { roles: ROLES },
      responses: { 204: { description: "abgemeldet / logged out" } },
      handler: async ({ principal, reply }) => {
        if (principal.kind !== "user") throw new ProblemError("forbidden", "API-Clients haben keine Sitzung / API clients have no session");
        await logout(ctx.db, principal.sessionId);
        clearCookie(reply, ctx.config.agency);
        return reply.code(204).send();
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/session",
      operationId: "whoAmI",
      tag: "Anmeldung / Session",
      summary: "Angemeldet als / Who is logged in",
      access: { roles: ROLES },
      responses: { 200: { description: "Anmeldung / session", schema: SessionInfo } },
      handler: async ({ principal: p }) =>
        p.kind === "user"
          ? userSessionInfo(ctx.config.agency, p)
          : { kind: "client", agency: ctx.config.agency, role: p.role, clientName: p.name },
    }),
  ];
}
