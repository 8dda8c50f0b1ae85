// Who is calling, and may they: API token (Authorization: Bearer) or session cookie, roles, agency, CSRF.
import type { FastifyRequest, onRequestHookHandler } from "fastify";
import type { ServiceContext } from "../context";
import type { Principal, Role } from "../auth/roles";
import { agencyTypeByKey, type AgencyTypeKey } from "../../shared/vocab";
import { bearerToken } from "../auth/api-clients";
import { sessionCookieName, sessionPrincipal } from "../auth/sessions";
import { safeEqual } from "../auth/tokens";
import { ProblemError } from "./problem";

declare module "fastify" {
  interface FastifyRequest {
    /** the authenticated caller, or null */
    principal: Principal | null;
    /** credentials were presented but are not valid (unknown token, expired session) */
    credentialsInvalid: boolean;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const CSRF_HEADER = "x-csrf-token";

/** onRequest, first of all: find the principal. Never rejects; `authorize` decides per route. */
export function resolvePrincipal(ctx: ServiceContext): onRequestHookHandler {
  return async (req) => {
    req.principal = null;
    req.credentialsInvalid = false;
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      // A request with an Authorization header is judged by it alone, never by a cookie beside it.
      const token = bearerToken(authorization);
      req.principal = token ? ((await ctx.principals.of(token)) ?? null) : null;
      req.credentialsInvalid = req.principal === null;
      return;
    }
    const cookie = req.cookies?.[sessionCookieName(ctx.config.agency)];
    if (cookie) {
      req.principal = (await sessionPrincipal(ctx.db, cookie)) ?? null;
      req.credentialsInvalid = req.principal === null;
    }
  };
}

/** The rate-limit key: the API client or the session if authenticated, else the address. */
export function rateLimitKey(req: FastifyRequest): string {
  const p = req.principal;
  if (p?.kind === "client") return `client:${p.clientId}`;
  if (p?.kind === "user") return `session:${p.sessionId}`;
  return `ip:${req.ip}`;
}

const ROLE_DE: Record<string, string> = { clerk: "Sachbearbeitung", auditor: "Prüfung", admin: "Administration" };

/** Route-level onRequest: 401 without valid credentials, 403 for a wrong role or agency or a missing CSRF token. */
/** Who may call a route: anyone, or principals with one of the roles (in services of the named agency types only). */
export type Access = { public: true } | { roles: readonly Role[]; agencyTypes?: readonly AgencyTypeKey[] };

export function authorize(ctx: ServiceContext, access: Access): onRequestHookHandler {
  return async (req) => {
    if ("public" in access) return;
    const p = req.principal;
    if (!p) {
      throw new ProblemError(
        "unauthenticated",
        req.credentialsInvalid
          ? "Token oder Sitzung ist ungültig oder abgelaufen / Token or session is invalid or expired"
          : "Bitte mit API-Token (Authorization: Bearer) oder Sitzung anmelden / Please authenticate with an API token (Authorization: Bearer) or a session",
        undefined,
        {},
        { "www-authenticate": 'Bearer realm="anker"' },
      );
    }
    if (!access.roles.includes(p.role)) {
      const allowed = access.roles.map((r) => `${ROLE_DE[r]} (${r})`).join(", ");
      throw new ProblemError("forbidden", `Nur für: ${allowed}; Ihre Rolle: ${p.role} / Only for: ${access.roles.join(", ")}; your role: ${p.role}`);
    }
    if (access.agencyTypes && !access.agencyTypes.includes(ctx.config.agencyType)) {
      // The types by their names (code lists), the key in brackets for the specialist application's developers.
      const named = (key: string, lang: "de" | "en") => `${agencyTypeByKey(key)?.[lang] ?? key} (${key})`;
      const typesDe = access.agencyTypes.map((k) => named(k, "de")).join(", ");
      const typesEn = access.agencyTypes.map((k) => named(k, "en")).join(", ");
      const self = ctx.config.agencyType;
      throw new ProblemError(
        "forbidden",
        `Nur im Dienst einer Behörde der Art ${typesDe} verfügbar; ${ctx.config.agency} ist ${self ? named(self, "de") : "noch ohne Art"} / Only available in the service of an agency of type ${typesEn}; ${ctx.config.agency} is ${self ? named(self, "en") : "not typed yet"}`,
      );
    }
    if (p.kind === "user" && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== "string" || !safeEqual(sent, p.csrfToken)) {
        throw new ProblemError(
          "csrf",
          "Ändernde Anfragen mit Sitzung brauchen den Header X-CSRF-Token (aus der Anmeldung) / State-changing requests with a session need the X-CSRF-Token header (from the login)",
        );
      }
    }
  };
}
