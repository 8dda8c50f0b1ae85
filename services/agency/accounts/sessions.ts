// Logging people in and out, and who is logged in: the use cases behind /api/session. The cookie itself is
// HTTP and stays in the route; here are the session token, its lifetime and the answer.
import type { SessionInfo } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { Principal, UserPrincipal } from "../auth/roles";
import { checkPassword, logout, openSession } from "../auth/sessions";
import type { LoginThrottle } from "../auth/login-throttle";
import { ProblemError } from "../problems";

export function userSessionInfo(agency: string, p: UserPrincipal): SessionInfo {
  return {
    kind: "user",
    agency,
    role: p.role,
    username: p.username,
    displayName: p.displayName,
    csrfToken: p.csrfToken,
    expiresAt: p.expiresAt.toISOString(),
  };
}

/** Who the caller is: a person with a session, or a specialist application. */
export function sessionInfo(ctx: ServiceContext, p: Principal): SessionInfo {
  return p.kind === "user" ? userSessionInfo(ctx.config.agency, p) : { kind: "client", agency: ctx.config.agency, role: p.role, clientName: p.name };
}

export interface LoggedIn {
  /** the cookie's value; nowhere else */
  token: string;
  maxAgeSeconds: number;
  info: SessionInfo;
}

/**
 * Whether a password may open a session for this account. Once the agency's identity provider is
 * configured (OIDC_ISSUER), staff sign on through it: a password then works only for accounts flagged
 * break-glass (the administrator's way in when the identity provider is down) and, in demo mode, for
 * every account, so that the demo shows both ways.
 */
export function passwordAllowed(ctx: ServiceContext, user: { breakGlass: boolean }): boolean {
  return !ctx.config.oidc || user.breakGlass || ctx.config.demoMode;
}

/**
 * Opens a session; any wrong credential is the same refusal. Failed attempts are counted per account and
 * per source address (`source`); past the limit the answer is 429 with Retry-After until the delay is over,
 * without looking at the password.
 */
export async function logIn(ctx: ServiceContext, throttle: LoginThrottle, username: string, password: string, source: string): Promise<LoggedIn> {
  const waitMs = throttle.waitMs(username, source);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new ProblemError(
      "rate-limited",
      `Zu viele fehlgeschlagene Anmeldungen; erneut möglich in ${seconds} Sekunden / Too many failed logins; try again in ${seconds} seconds`,
      undefined,
      { retryAfterSeconds: seconds },
      { "retry-after": String(seconds) },
    );
  }
  const user = await checkPassword(ctx.db, username, password);
  if (!user) {
    throttle.failed(username, source);
    throw new ProblemError("unauthenticated", "Benutzername oder Passwort falsch / Wrong username or password");
  }
  throttle.succeeded(username);
  // Only after the right password: a refusal here tells nothing about which usernames exist.
  if (!passwordAllowed(ctx, user)) {
    throw new ProblemError(
      "forbidden",
      "Anmeldung mit Passwort nur für Notfallkonten; bitte mit dem Konto Ihrer Behörde anmelden / Password login is for break-glass accounts only; please sign in with your agency account",
    );
  }
  const s = await openSession(ctx.db, user, ctx.config.sessionHours);
  return { token: s.token, maxAgeSeconds: ctx.config.sessionHours * 3600, info: userSessionInfo(ctx.config.agency, s.principal) };
}

/** Ends the caller's session; an API client has none. */
export async function logOut(ctx: ServiceContext, p: Principal): Promise<void> {
  if (p.kind !== "user") throw new ProblemError("forbidden", "API-Clients haben keine Sitzung / API clients have no session");
  await logout(ctx.db, p.sessionId);
}
