// API tokens of specialist applications: the database keeps only the sha-256 of each token.
import type { Db } from "../store/db";
import { sha256Hex } from "./tokens";
import { isRole, type ClientPrincipal } from "./roles";

/** RFC 6750 b64token: what may follow "Bearer ". */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

export function bearerToken(authorization: string): string | undefined {
  return BEARER.exec(authorization.trim())?.[1];
}

/**
 * Known tokens are remembered for a second (the look-up was one DB query per API request); unknown ones
 * never. A rotation in this process (ensureApiClient) takes effect at once, one by another process (a
 * tool on the same store) within PRINCIPAL_TTL_MS.
 */
const PRINCIPAL_TTL_MS = 1000;
const PRINCIPALS_MAX = 10_000;
const principals = new WeakMap<Db, Map<string, { principal: ClientPrincipal; at: number; generation: number }>>();
let generation = 0;

/** Forget every remembered token (call after changing ApiClient rows). */
export function forgetClientPrincipals(): void {
  generation++;
}

export async function clientPrincipal(db: Db, token: string): Promise<ClientPrincipal | undefined> {
  const tokenHash = sha256Hex(token);
  let known = principals.get(db);
  const hit = known?.get(tokenHash);
  if (hit && hit.generation === generation && Date.now() - hit.at < PRINCIPAL_TTL_MS) return hit.principal;
  const asked = generation;
  const c = await db.apiClient.findUnique({ where: { tokenHash } });
  if (!c || !isRole(c.role)) return undefined;
  const principal: ClientPrincipal = { kind: "client", clientId: c.id, name: c.name, role: c.role };
  if (asked === generation) {
    if (!known) principals.set(db, (known = new Map()));
    if (known.size >= PRINCIPALS_MAX) known.clear();
    known.set(tokenHash, { principal, at: Date.now(), generation });
  }
  return principal;
}
