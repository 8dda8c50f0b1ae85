// API clients of specialist applications in the admin area: list, create, rotate, revoke. A token is
// returned once, at creation or rotation; the database keeps only its sha-256. A revoked client keeps its
// row (the admin trail names its id) but its tokenHash becomes `revoked:<id>`, which no sha-256 equals.
// Every change empties the service's token cache, so an old token is refused with the next request.
import type { z } from "zod";
import type { ClientList, ClientSummary, ClientTokenIssued, CreateClientBody } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { Principal } from "../auth/roles";
import type { ApiClient } from "../generated/prisma/client";
import { isRole } from "../auth/roles";
import { newToken, sha256Hex } from "../auth/tokens";
import { serialized, type Tx } from "../store/serialized";
import { isUniqueViolation } from "../store/unique-violation";
import { ProblemError, notFound } from "../problems";
import { recordAdminAction } from "./admin-trail";

const TOKEN_PREFIX = "ank";

function summary(c: ApiClient): ClientSummary {
  return {
    id: c.id,
    name: c.name,
    role: isRole(c.role) ? c.role : "clerk",
    createdAt: c.createdAt.toISOString(),
    tokenSetAt: c.tokenSetAt?.toISOString() ?? null,
    revoked: c.revokedAt !== null,
    revokedAt: c.revokedAt?.toISOString() ?? null,
  };
}

export async function listClients(ctx: ServiceContext): Promise<ClientList> {
  const clients = await ctx.db.apiClient.findMany({ orderBy: { name: "asc" } });
  return { clients: clients.map(summary) };
}

export async function createClient(ctx: ServiceContext, by: Principal, body: z.output<typeof CreateClientBody>): Promise<z.infer<typeof ClientTokenIssued>> {
  const token = newToken(TOKEN_PREFIX);
  try {
    const c = await serialized(ctx.db, async (tx) => {
      const created = await tx.apiClient.create({ data: { name: body.name, role: body.role, tokenHash: sha256Hex(token) } });
      await recordAdminAction(tx, by, { action: "client.create", targetType: "client", targetId: created.id, detail: body.role });
      return created;
    });
    return { id: c.id, name: c.name, role: body.role, token };
  } catch (err) {
    if (isUniqueViolation(err)) throw new ProblemError("conflict", `API-Client ${body.name} existiert bereits / API client ${body.name} already exists`);
    throw err;
  }
}

async function changeable(tx: Tx, by: Principal, id: number): Promise<ApiClient> {
  if (by.kind === "client" && by.clientId === id) {
    throw new ProblemError("conflict", "Das eigene Token kann hier nicht geändert werden / You cannot change your own token here");
  }
  const c = await tx.apiClient.findUnique({ where: { id } });
  if (!c) throw notFound(`API-Client ${id} unbekannt / unknown API client ${id}`);
  if (c.revokedAt) throw new ProblemError("conflict", `API-Client ${id} ist widerrufen / API client ${id} is revoked`);
  return c;
}

/** A new token for the client; the old one is refused from now on. */
export async function rotateClientToken(ctx: ServiceContext, by: Principal, id: number): Promise<z.infer<typeof ClientTokenIssued>> {
  const token = newToken(TOKEN_PREFIX);
  try {
    const c = await serialized(ctx.db, async (tx) => {
      await changeable(tx, by, id);
      const updated = await tx.apiClient.update({ where: { id }, data: { tokenHash: sha256Hex(token), tokenSetAt: new Date() } });
      await recordAdminAction(tx, by, { action: "client.rotate", targetType: "client", targetId: id });
      return updated;
    });
    return { id: c.id, name: c.name, role: isRole(c.role) ? c.role : "clerk", token };
  } finally {
    ctx.principals.forget();
  }
}

export async function revokeClient(ctx: ServiceContext, by: Principal, id: number): Promise<ClientSummary> {
  try {
    return await serialized(ctx.db, async (tx) => {
      await changeable(tx, by, id);
      const updated = await tx.apiClient.update({ where: { id }, data: { tokenHash: `revoked:${id}`, revokedAt: new Date() } });
      await recordAdminAction(tx, by, { action: "client.revoke", targetType: "client", targetId: id });
      return summary(updated);
    });
  } finally {
    ctx.principals.forget();
  }
}
