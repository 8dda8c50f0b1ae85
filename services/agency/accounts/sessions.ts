// Logging people in and out, and who is logged in: the use cases behind /api/session. The cookie itself is
// HTTP and stays in the route; here are the session token, its lifetime and the answer.
import type { SessionInfo } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { Principal, UserPrincipal } from "../auth/roles";
import { login, logout } from "../auth/sessions";
import { ProblemError } from "../problems";

function userSessionInfo(agency: string, p: UserPrincipal): SessionInfo {
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

/** Opens a session; any wrong credential is the same refusal. */
export async function logIn(ctx: ServiceContext, username: string, password: string): Promise<LoggedIn> {
  const s = await login(ctx.db, username, password, ctx.config.sessionHours);
  if (!s) throw new ProblemError("unauthenticated", "Benutzername oder Passwort falsch / Wrong username or password");
  return { token: s.token, maxAgeSeconds: ctx.config.sessionHours * 3600, info: userSessionInfo(ctx.config.agency, s.principal) };
}

/** Ends the caller's session; an API client has none. */
export async function logOut(ctx: ServiceContext, p: Principal): Promise<void> {
  if (p.kind !== "user") throw new ProblemError("forbidden", "API-Clients haben keine Sitzung / API clients have no session");
  await logout(ctx.db, p.sessionId);
}
