// Who may do what. Roles of people (session login) and of specialist applications (API tokens) are the
// same three: clerk (read and record), auditor (read without personal data, audit export), admin (users
// and API clients, audit export).
import { ROLES, type Role } from "../../shared/contract/accounts";

export { ROLES, type Role };

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** A person logged in with a session cookie. */
export interface UserPrincipal {
  kind: "user";
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  sessionId: string; // sha-256 of the session token
  csrfToken: string;
  expiresAt: Date;
}

/** A specialist application calling with its API token. */
export interface ClientPrincipal {
  kind: "client";
  clientId: number;
  name: string;
  role: Role;
}

export type Principal = UserPrincipal | ClientPrincipal;

/** How the principal appears in the access log and in acknowledgements: `user:<name>` or `client:<name>`. */
export function actorOf(p: Principal): string {
  return p.kind === "user" ? `user:${p.username}` : `client:${p.name}`;
}

/** Only clerks of this agency see personal data (names, dates of birth, file numbers, free text). */
export function seesPersonalData(p: Principal): boolean {
  return p.role === "clerk";
}
