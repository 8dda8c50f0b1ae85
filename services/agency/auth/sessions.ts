// Login sessions of people: a random token in an HttpOnly cookie; the database keeps only its sha-256,
// the CSRF token that state-changing requests must echo, and the expiry.
import type { Db } from "../store/db";
import type { User } from "../generated/prisma/client";
import { serialized } from "../store/serialized";
import { newToken, sha256Hex } from "./tokens";
import { dummyHash, verifyPassword } from "./password";
import { isRole, type UserPrincipal } from "./roles";

/** One cookie name per agency: browsers do not keep cookies apart by port, and both services run on one host. */
export function sessionCookieName(agency: string): string {
  return `anker_session_${agency.toLowerCase()}`;
}

export interface NewSession {
  token: string; // goes into the cookie, nowhere else
  principal: UserPrincipal;
}

/** The user a username and password belong to; undefined for any wrong credential or a disabled account. */
export async function checkPassword(db: Db, username: string, password: string): Promise<User | undefined> {
  const user = await db.user.findUnique({ where: { username } });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok || !isRole(user.role) || user.disabledAt) return undefined;
  return user;
}

/** Open a session for `user` (after a password check or an identity provider's sign-on). */
export async function openSession(db: Db, user: User, sessionHours: number): Promise<NewSession> {
  if (!isRole(user.role)) throw new Error(`user ${user.id} has no known role`);
  const now = new Date();
  const token = newToken("ses");
  const csrfToken = newToken("csrf");
  const expiresAt = new Date(now.getTime() + sessionHours * 3600_000);
  const id = sha256Hex(token);
  await serialized(db, async (tx) => {
    await tx.session.deleteMany({ where: { expiresAt: { lt: now } } });
    await tx.session.create({ data: { id, userId: user.id, csrfToken, expiresAt } });
  });
  return {
    token,
    principal: { kind: "user", userId: user.id, username: user.username, displayName: user.displayName, role: user.role, sessionId: id, csrfToken, expiresAt },
  };
}

/** Check username and password; on success open a session. Undefined for any wrong credential. */
export async function login(db: Db, username: string, password: string, sessionHours: number): Promise<NewSession | undefined> {
  const user = await checkPassword(db, username, password);
  return user ? openSession(db, user, sessionHours) : undefined;
}

/** The session behind a cookie value; undefined when unknown or expired (an expired one is deleted). */
export async function sessionPrincipal(db: Db, token: string): Promise<UserPrincipal | undefined> {
  const id = sha256Hex(token);
  const s = await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!s) return undefined;
  if (s.expiresAt.getTime() <= Date.now()) {
    await serialized(db, (tx) => tx.session.deleteMany({ where: { id } }));
    return undefined;
  }
  if (s.user.disabledAt || !isRole(s.user.role)) return undefined;
  return {
    kind: "user",
    userId: s.user.id,
    username: s.user.username,
    displayName: s.user.displayName,
    role: s.user.role,
    sessionId: s.id,
    csrfToken: s.csrfToken,
    expiresAt: s.expiresAt,
  };
}

export async function logout(db: Db, sessionId: string): Promise<void> {
  await serialized(db, (tx) => tx.session.deleteMany({ where: { id: sessionId } }));
}
