// Accounts an administrator creates through the API: people (password hashed with scrypt) and specialist
// applications (a token shown once; the database keeps only its sha-256). A taken name is a conflict.
import type { z } from "zod";
import type { ClientCreated, CreateClientBody, CreateUserBody, UserCreated } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { hashPassword } from "../auth/password";
import { newToken, sha256Hex } from "../auth/tokens";
import { isUniqueViolation } from "../store/unique-violation";
import { serialized } from "../store/serialized";
import { ProblemError } from "../problems";

/** Runs a create; a unique-constraint violation becomes the conflict that names what exists already. */
async function createUnique<T>(what: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ProblemError("conflict", `${what} existiert bereits / ${what} already exists`);
    throw err;
  }
}

export async function createUser(ctx: ServiceContext, body: z.output<typeof CreateUserBody>): Promise<z.infer<typeof UserCreated>> {
  return createUnique(`Benutzer ${body.username}`, async () => {
    const passwordHash = await hashPassword(body.password);
    const u = await serialized(ctx.db, (tx) =>
      tx.user.create({ data: { username: body.username, displayName: body.displayName, role: body.role, passwordHash } }),
    );
    return { id: u.id, username: u.username, displayName: u.displayName, role: body.role };
  });
}

export async function createApiClient(ctx: ServiceContext, body: z.output<typeof CreateClientBody>): Promise<z.infer<typeof ClientCreated>> {
  const token = newToken("ank");
  return createUnique(`API-Client ${body.name}`, async () => {
    const c = await serialized(ctx.db, (tx) => tx.apiClient.create({ data: { name: body.name, role: body.role, tokenHash: sha256Hex(token) } }));
    return { id: c.id, name: c.name, role: body.role, token };
  });
}
