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
 * never. A rotation through this cache (ensureApiClient with it) takes effect at once, one by another
 * process (a tool on the same store) within PRINCIPAL_TTL_MS. One instance per service
 * (ServiceContext.principals).
 */
const PRINCIPAL_TTL_MS = 1000;
const PRINCIPALS_MAX = 10_000;

export class ClientPrincipals {
  private readonly known = new Map<string, { principal: ClientPrincipal; at: number; generation: number }>();
  private generation = 0;

  constructor(private readonly db: Db) {}

  /** Forget every remembered token (call after changing ApiClient rows). */
  forget(): void {
    this.generation++;
  }

  async of(token: string): Promise<ClientPrincipal | undefined> {
    const tokenHash = sha256Hex(token);
    const hit = this.known.get(tokenHash);
    if (hit && hit.generation === this.generation && Date.now() - hit.at < PRINCIPAL_TTL_MS) return hit.principal;
    const asked = this.generation;
    const c = await this.db.apiClient.findUnique({ where: { tokenHash } });
    if (!c || !isRole(c.role)) return undefined;
    const principal: ClientPrincipal = { kind: "client", clientId: c.id, name: c.name, role: c.role };
    if (asked === this.generation) {
      if (this.known.size >= PRINCIPALS_MAX) this.known.clear();
      this.known.set(tokenHash, { principal, at: Date.now(), generation: this.generation });
    }
    return principal;
  }
}
