// Accounts created outside the API: the first admin, and the demo logins and tokens of the seeding script.
// Both functions are idempotent: running them again brings the account to the given state.
import type { Db } from "../store/db";
import { serialized } from "../store/serialized";
import { hashPassword, verifyPassword, PASSWORD_MIN_LENGTH } from "./password";
import { sha256Hex } from "./tokens";
import { isRole, type Role } from "./roles";
import type { ClientPrincipals } from "./api-clients";

export interface UserSpec {
  username: string;
  password: string;
  role: Role;
  displayName: string;
  /** may log in with the password even when sign-on through the identity provider is configured (default false) */
  breakGlass?: boolean;
}

export interface ApiClientSpec {
  name: string;
  token: string;
  role: Role;
}

import { USERNAME_PATTERN, CLIENT_NAME_PATTERN } from "../../shared/contract/accounts";

export { USERNAME_PATTERN, CLIENT_NAME_PATTERN };
const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]{16,512}=*$/;

/** Create the user, or update role, display name and password of an existing one. */
export async function ensureUser(db: Db, spec: UserSpec): Promise<{ id: number; created: boolean }> {
  if (!USERNAME_PATTERN.test(spec.username)) throw new Error(`username ${JSON.stringify(spec.username)} does not match ${USERNAME_PATTERN}`);
  if (!isRole(spec.role)) throw new Error(`unknown role ${spec.role}`);
  if (spec.password.length < PASSWORD_MIN_LENGTH) throw new Error(`the password of ${spec.username} has fewer than ${PASSWORD_MIN_LENGTH} characters`);
  const existing = await db.user.findUnique({ where: { username: spec.username } });
  // Hashing (tens of ms) happens before the transaction, so that it does not hold the database lock.
  const passwordHash = existing && (await verifyPassword(spec.password, existing.passwordHash)) ? existing.passwordHash : await hashPassword(spec.password);
  return serialized(db, async (tx) => {
    const current = await tx.user.findUnique({ where: { username: spec.username } });
    if (!current) {
      const u = await tx.user.create({ data: { username: spec.username, displayName: spec.displayName, role: spec.role, passwordHash, breakGlass: spec.breakGlass ?? false } });
      return { id: u.id, created: true };
    }
    await tx.user.update({ where: { id: current.id }, data: { displayName: spec.displayName, role: spec.role, passwordHash, disabledAt: null, breakGlass: spec.breakGlass ?? false } });
    // A changed role or password ends the user's sessions.
    if (current.role !== spec.role || current.passwordHash !== passwordHash) await tx.session.deleteMany({ where: { userId: current.id } });
    return { id: current.id, created: false };
  });
}

/**
 * Create the API client, or set the token and role of an existing one. `principals`: the running service's
 * token cache, so that an old token is refused at once (without it, within a second).
 */
export async function ensureApiClient(db: Db, spec: ApiClientSpec, principals?: ClientPrincipals): Promise<{ id: number; created: boolean }> {
  if (!CLIENT_NAME_PATTERN.test(spec.name)) throw new Error(`client name ${JSON.stringify(spec.name)} does not match ${CLIENT_NAME_PATTERN}`);
  if (!isRole(spec.role)) throw new Error(`unknown role ${spec.role}`);
  if (!TOKEN_PATTERN.test(spec.token)) throw new Error(`the token of ${spec.name} must be at least 16 characters of [A-Za-z0-9-._~+/]`);
  const tokenHash = sha256Hex(spec.token);
  try {
    return await serialized(db, async (tx) => {
      const existing = await tx.apiClient.findUnique({ where: { name: spec.name } });
      if (!existing) {
        const c = await tx.apiClient.create({ data: { name: spec.name, role: spec.role, tokenHash } });
        return { id: c.id, created: true };
      }
      await tx.apiClient.update({ where: { id: existing.id }, data: { role: spec.role, tokenHash, revokedAt: null } });
      return { id: existing.id, created: false };
    });
  } finally {
    principals?.forget(); // the old token must not be accepted from the cache
  }
}
