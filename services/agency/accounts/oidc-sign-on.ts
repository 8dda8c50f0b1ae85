// Staff sign-on through the agency's identity provider: start (where to send the browser) and finish (the
// identity provider's answer -> a session, the same kind a password login opens). The identity provider
// says who the person is and, in a configurable claim, which role they have here (OIDC_ROLE_MAP). The
// person's user row is found by issuer and subject; on the first sign-on a row with the same username that
// no identity-provider account owns yet is taken over (accounts an administrator prepared, the demo
// logins), never a break-glass account. Refusals name a reason the login page explains (SignOnError).
import type { ServiceContext } from "../context";
import type { SignOnError } from "../../shared/contract/auth";
import { OidcRelyingParty, PendingSignOns, claimAt, type Claims } from "../auth/oidc-client";
import { openSession } from "../auth/sessions";
import type { Role } from "../auth/roles";
import type { OidcConfig } from "../auth/oidc-config";
import { serialized } from "../store/serialized";
import type { LoggedIn } from "./sessions";
import { userSessionInfo } from "./sessions";

/** A refusal of the sign-on, with the reason the login page shows. */
export class SignOnRefused extends Error {
  constructor(
    readonly reason: SignOnError,
    /** where the person wanted to go (kept for the next attempt) */
    readonly returnTo: string,
  ) {
    super(`sign-on refused: ${reason}`);
  }
}

/** Stored instead of a password hash: matches no password (not the scrypt format). */
const NO_PASSWORD = "oidc:no-password";

/** The roles the claim grants here: a string or a list of strings, mapped through OIDC_ROLE_MAP. */
export function mappedRoles(cfg: OidcConfig, claims: Claims): Role[] {
  const raw = claimAt(claims, cfg.rolesClaim);
  const values = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.filter((v): v is string => typeof v === "string") : [];
  return [...new Set(values.map((v) => cfg.roleMap.get(v)).filter((r): r is Role => r !== undefined))];
}

export class OidcSignOn {
  private readonly rp: OidcRelyingParty;
  private readonly pending = new PendingSignOns();

  constructor(
    private readonly ctx: ServiceContext,
    readonly cfg: OidcConfig,
  ) {
    this.rp = new OidcRelyingParty(cfg);
  }

  /** The identity provider's authorization address and the state value the browser's cookie binds. */
  async start(returnTo: string): Promise<{ url: string; state: string }> {
    let started;
    try {
      started = await this.rp.start(returnTo);
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message }, "identity provider not reachable");
      throw new SignOnRefused("unavailable", returnTo);
    }
    this.pending.add(started.state, started.pending);
    return { url: started.url, state: started.state };
  }

  /**
   * Finish the sign-on of the callback: `search` is its query string, `state` its state parameter,
   * `cookieState` what the browser's sign-on cookie holds (the flow must have started in this browser).
   */
  async finish(search: string, state: string | undefined, cookieState: string | undefined): Promise<LoggedIn & { returnTo: string }> {
    const pending = state && cookieState === state ? this.pending.take(state) : undefined;
    if (!state || !pending) throw new SignOnRefused("expired", "/");
    let claims: Claims;
    try {
      claims = await this.rp.finish(search, state, pending);
    } catch (err) {
      const e = err as { error?: string; message?: string };
      // The identity provider's own refusal (access_denied, …) or a failed check; no claims are logged.
      this.ctx.log.warn({ error: e.error, reason: e.message }, "sign-on failed");
      throw new SignOnRefused("failed", pending.returnTo);
    }
    const roles = mappedRoles(this.cfg, claims);
    const sub = String(claims.sub);
    const nameClaim = claimAt(claims, this.cfg.usernameClaim);
    const username = (typeof nameClaim === "string" && nameClaim.length > 0 && nameClaim.length <= 200 ? nameClaim : sub).slice(0, 200);
    if (roles.length !== 1) {
      this.ctx.log.warn({ user: username, mappedRoles: roles.length }, "sign-on refused: no single role");
      throw new SignOnRefused(roles.length === 0 ? "no-role" : "several-roles", pending.returnTo);
    }
    const displayName = typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 200) : username;
    const user = await this.userFor(`${this.cfg.issuer} ${sub}`, username, displayName, roles[0], pending.returnTo);
    const s = await openSession(this.ctx.db, user, this.ctx.config.sessionHours);
    this.ctx.log.info({ user: user.username, role: user.role }, "signed on through the identity provider");
    return { token: s.token, maxAgeSeconds: this.ctx.config.sessionHours * 3600, info: userSessionInfo(this.ctx.config.agency, s.principal), returnTo: pending.returnTo };
  }

  /** The user row of the identity provider's account, created or brought up to date (role, name). */
  private userFor(subject: string, username: string, displayName: string, role: Role, returnTo: string) {
    return serialized(this.ctx.db, async (tx) => {
      const mine = await tx.user.findUnique({ where: { oidcSubject: subject } });
      const existing = mine ?? (await tx.user.findUnique({ where: { username } }));
      if (existing && !mine && (existing.oidcSubject || existing.breakGlass)) throw new SignOnRefused("account-conflict", returnTo);
      if (existing?.disabledAt) throw new SignOnRefused("disabled", returnTo);
      if (!existing) return tx.user.create({ data: { username, displayName, role, passwordHash: NO_PASSWORD, oidcSubject: subject } });
      // A changed role ends the person's other sessions, as an administrator's change does.
      if (existing.role !== role) await tx.session.deleteMany({ where: { userId: existing.id } });
      return tx.user.update({ where: { id: existing.id }, data: { role, displayName, oidcSubject: subject } });
    });
  }
}
