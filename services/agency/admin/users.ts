// Staff accounts in the admin area: list them, create a local account (demo and break-glass only: staff
// sign in through the agency's identity provider), change a role, disable and enable. A changed role or a
// disabled account ends the person's sessions at once. An administrator cannot change or disable their own
// account, and the last enabled administrator stays one, so the admin area cannot lock itself out.
import type { z } from "zod";
import type { CreateUserBody, Role, UserCreated, UserList, UserSummary } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { Principal } from "../auth/roles";
import type { User } from "../generated/prisma/client";
import { hashPassword } from "../auth/password";
import { isRole } from "../auth/roles";
import { serialized, type Tx } from "../store/serialized";
import { isUniqueViolation } from "../store/unique-violation";
import { ProblemError, notFound } from "../problems";
import { recordAdminAction } from "./admin-trail";

function summary(u: User): UserSummary {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: isRole(u.role) ? u.role : "clerk",
    disabled: u.disabledAt !== null,
    signOn: u.oidcSubject ? "identity-provider" : u.breakGlass ? "break-glass" : "local",
    createdAt: u.createdAt.toISOString(),
  };
}

export async function listUsers(ctx: ServiceContext): Promise<UserList> {
  const users = await ctx.db.user.findMany({ orderBy: { username: "asc" } });
  return { users: users.map(summary) };
}

/** A local account with a password, marked break-glass: it may log in with its password even when staff sign in through the identity provider. */
export async function createLocalUser(ctx: ServiceContext, by: Principal, body: z.output<typeof CreateUserBody>): Promise<z.infer<typeof UserCreated>> {
  const passwordHash = await hashPassword(body.password); // before the transaction: it takes tens of ms
  try {
    const u = await serialized(ctx.db, async (tx) => {
      const created = await tx.user.create({ data: { username: body.username, displayName: body.displayName, role: body.role, passwordHash, breakGlass: true } });
      await recordAdminAction(tx, by, { action: "user.create", targetType: "user", targetId: created.id, detail: body.role });
      return created;
    });
    return { id: u.id, username: u.username, displayName: u.displayName, role: body.role };
  } catch (err) {
    if (isUniqueViolation(err)) throw new ProblemError("conflict", `Benutzer ${body.username} existiert bereits / User ${body.username} already exists`);
    throw err;
  }
}

function notOwnAccount(by: Principal, id: number): void {
  if (by.kind === "user" && by.userId === id) {
    throw new ProblemError("conflict", "Das eigene Konto kann hier nicht geändert werden / You cannot change your own account here");
  }
}

async function userOrNotFound(tx: Tx, id: number): Promise<User> {
  const u = await tx.user.findUnique({ where: { id } });
  if (!u) throw notFound(`Benutzer ${id} unbekannt / unknown user ${id}`);
  return u;
}

/** Refuse a change that would leave no enabled administrator account. */
async function keepsAnAdmin(tx: Tx, losing: User): Promise<void> {
  if (losing.role !== "admin" || losing.disabledAt) return;
  const others = await tx.user.count({ where: { role: "admin", disabledAt: null, id: { not: losing.id } } });
  if (others === 0) throw new ProblemError("conflict", "Mindestens ein aktives Administrationskonto muss bleiben / At least one enabled admin account must remain");
}

export async function changeRole(ctx: ServiceContext, by: Principal, id: number, role: Role): Promise<UserSummary> {
  notOwnAccount(by, id);
  return serialized(ctx.db, async (tx) => {
    const u = await userOrNotFound(tx, id);
    if (u.role === role) return summary(u);
    if (role !== "admin") await keepsAnAdmin(tx, u);
    const updated = await tx.user.update({ where: { id }, data: { role } });
    await tx.session.deleteMany({ where: { userId: id } });
    await recordAdminAction(tx, by, { action: "user.role", targetType: "user", targetId: id, detail: `${u.role}->${role}` });
    return summary(updated);
  });
}

export async function setDisabled(ctx: ServiceContext, by: Principal, id: number, disabled: boolean): Promise<UserSummary> {
  notOwnAccount(by, id);
  return serialized(ctx.db, async (tx) => {
    const u = await userOrNotFound(tx, id);
    if ((u.disabledAt !== null) === disabled) return summary(u);
    if (disabled) await keepsAnAdmin(tx, u);
    const updated = await tx.user.update({ where: { id }, data: { disabledAt: disabled ? new Date() : null } });
    if (disabled) await tx.session.deleteMany({ where: { userId: id } });
    await recordAdminAction(tx, by, { action: disabled ? "user.disable" : "user.enable", targetType: "user", targetId: id });
    return summary(updated);
  });
}
