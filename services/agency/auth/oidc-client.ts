// The relying-party side of OpenID Connect sign-on (authorization code flow with PKCE, openid-client): the
// identity provider's metadata (discovered once, again after a failure), the address a browser is sent to,
// and the code exchange with every check openid-client makes (state, nonce, PKCE, ID token signature,
// issuer, audience, expiry). What a started sign-on must remember stays in this process (PendingSignOns):
// a restart in the middle of a sign-on only means signing on again, and no key is needed to protect it.
import * as oidc from "openid-client";
import type { OidcConfig } from "./oidc-config";

/** How long a browser may take at the identity provider. */
export const SIGN_ON_TTL_MS = 10 * 60_000;
/** Started sign-ons kept at most (unauthenticated callers start them; the oldest go first). */
const PENDING_MAX = 10_000;

export interface PendingSignOn {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  startedAt: number;
}

/** Started sign-ons by their state value; each can be completed once. */
export class PendingSignOns {
  private readonly byState = new Map<string, PendingSignOn>();

  add(state: string, p: PendingSignOn): void {
    this.prune(p.startedAt);
    if (this.byState.size >= PENDING_MAX) this.byState.delete(this.byState.keys().next().value as string);
    this.byState.set(state, p);
  }

  /** The sign-on started with `state`, removed; undefined when unknown or too old. */
  take(state: string, now = Date.now()): PendingSignOn | undefined {
    const p = this.byState.get(state);
    this.byState.delete(state);
    return p && now - p.startedAt <= SIGN_ON_TTL_MS ? p : undefined;
  }

  private prune(now: number): void {
    for (const [state, p] of this.byState) {
      if (now - p.startedAt <= SIGN_ON_TTL_MS) break; // insertion order is age order
      this.byState.delete(state);
    }
  }
}

/** Plain http only to this machine (the development identity provider); anything else must be https. */
function isLoopback(url: URL): boolean {
  return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

export type Claims = Record<string, unknown>;

export class OidcRelyingParty {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(readonly cfg: OidcConfig) {}

  private discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.cfg.issuer);
    const insecure = isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : {};
    this.configuration ??= oidc
      .discovery(issuer, this.cfg.clientId, this.cfg.clientSecret, this.cfg.clientSecret ? oidc.ClientSecretBasic(this.cfg.clientSecret) : oidc.None(), { ...insecure, timeout: 10 })
      .catch((err: unknown) => {
        this.configuration = undefined; // the next sign-on tries again
        throw err;
      });
    return this.configuration;
  }

  /** Where to send the browser, and what the callback needs to check the answer. */
  async start(returnTo: string): Promise<{ url: string; state: string; pending: PendingSignOn }> {
    const config = await this.discover();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.cfg.redirectUrl,
      scope: this.cfg.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    return { url: url.href, state, pending: { codeVerifier, nonce, returnTo, startedAt: Date.now() } };
  }

  /**
   * Exchange the code of the callback (its query string `search`) and return the ID token's claims, with
   * the userinfo answer merged in when the ID token lacks the roles claim. Throws on any failed check.
   */
  async finish(search: string, state: string, pending: PendingSignOn): Promise<Claims> {
    const config = await this.discover();
    const current = new URL(this.cfg.redirectUrl);
    current.search = search;
    const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.codeVerifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true });
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error("no ID token");
    let claims: Claims = { ...idClaims };
    if (claimAt(claims, this.cfg.rolesClaim) === undefined && config.serverMetadata().userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...info, ...claims };
    }
    return claims;
  }
}

/** The claim at a dotted path ("realm_access.roles"); a claim whose own name has dots is found first. */
export function claimAt(claims: Claims, path: string): unknown {
  if (path in claims) return claims[path];
  let at: unknown = claims;
  for (const part of path.split(".")) {
    if (typeof at !== "object" || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
