// API tokens of specialist applications: the database keeps only the sha-256 of each token.
import type { Db } from "../store/db";
import { sha256Hex } from "./tokens";
import { isRole, type ClientPrincipal } from "./roles";

/** RFC 6750 b64token: what may follow "Bearer ". */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

export function bearerToken(authorization: string): string | undefined {
  return BEARER.exec(authorization.trim())?.[1];
}

export async function clientPrincipal(db: Db, token: string): Promise<ClientPrincipal | undefined> {
  const c = await db.apiClient.findUnique({ where: { tokenHash: sha256Hex(token) } });
  if (!c || !isRole(c.role)) return undefined;
  return { kind: "client", clientId: c.id, name: c.name, role: c.role };
}
