// Settings of OpenID Connect sign-on and of the login throttle, as the service uses them (config.ts reads
// them from the environment). Browser-free and without I/O, so that config.ts can import it.
import { ROLES, type Role } from "./roles";

export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** unset: a public client that proves itself with PKCE only */
  clientSecret?: string;
  /** the address of /api/auth/oidc/callback as the browser reaches it */
  redirectUrl: string;
  scopes: string;
  /** the claim with the roles; dots walk into nested objects (realm_access.roles) */
  rolesClaim: string;
  usernameClaim: string;
  /** claim value -> role of this application */
  roleMap: ReadonlyMap<string, Role>;
}

export interface LoginThrottleConfig {
  /** failures of one account before the first delay */
  accountFailures: number;
  /** failures from one address (any account) before the first delay */
  sourceFailures: number;
  /** first delay; doubles with each further failure */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleConfig = { accountFailures: 5, sourceFailures: 20, baseMs: 30_000, maxMs: 15 * 60_000 };

/** "value=role,value=role": the identity provider's role names mapped onto clerk, auditor, admin. */
export function parseRoleMap(text: string): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.lastIndexOf("=");
    const value = part.slice(0, eq).trim();
    const role = part.slice(eq + 1).trim();
    if (eq <= 0 || !value) throw new Error(`"${part}" is not claimValue=role`);
    if (!(ROLES as readonly string[]).includes(role)) throw new Error(`"${role}" is not one of ${ROLES.join(", ")}`);
    map.set(value, role as Role);
  }
  if (map.size === 0) throw new Error("maps no value to a role");
  return map;
}
