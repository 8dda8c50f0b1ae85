// Login throttling (BSI IT-Grundschutz ORP.4: limit failed logins): after `accountFailures` failed password
// logins of one account, or `sourceFailures` from one address, every further attempt waits a delay that
// doubles with each further failure (429 with Retry-After). A success resets the account's counter, never
// the address's (else one valid account would unlock guessing at others).
//
// The counters live in this process, not in the store, on purpose: a refused request changes no table (the
// API's rule, which the fuzzing test checks), a failed login costs no write, and one service process
// answers for its agency. A restart forgets them; the per-address limit of login requests per minute
// (loginAttemptsPerMinute) still holds then.
import { DEFAULT_LOGIN_THROTTLE, type LoginThrottleConfig } from "./oidc-config";

/** A counter without a failure for this long starts again at zero. */
const FORGET_AFTER_MS = 24 * 3600_000;
/** Counters kept at most (usernames are typed in by anyone): the longest quiet go first. */
const COUNTERS_MAX = 100_000;

interface Counter {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly cfg: LoginThrottleConfig;
  /** in order of the last failure (re-inserted on each), so the first entries are the quietest */
  private readonly counters = new Map<string, Counter>();

  constructor(cfg: LoginThrottleConfig | undefined) {
    this.cfg = cfg ?? DEFAULT_LOGIN_THROTTLE;
  }

  /** Milliseconds until `username` may try again from `address`; 0 when it may now. */
  waitMs(username: string, address: string, now = Date.now()): number {
    const locked = [accountKey(username), sourceKey(address)].map((k) => this.current(k, now)?.lockedUntil ?? 0);
    return Math.max(0, ...locked.map((t) => t - now));
  }

  /** Count a failed login of `username` from `address`. */
  failed(username: string, address: string, now = Date.now()): void {
    this.count(accountKey(username), this.cfg.accountFailures, now);
    this.count(sourceKey(address), this.cfg.sourceFailures, now);
  }

  /** A successful login: the account starts afresh. */
  succeeded(username: string): void {
    this.counters.delete(accountKey(username));
  }

  private current(key: string, now: number): Counter | undefined {
    const c = this.counters.get(key);
    if (c && now - c.lastFailureAt > FORGET_AFTER_MS) {
      this.counters.delete(key);
      return undefined;
    }
    return c;
  }

  private count(key: string, limit: number, now: number): void {
    const failures = (this.current(key, now)?.failures ?? 0) + 1;
    this.counters.delete(key);
    if (this.counters.size >= COUNTERS_MAX) this.counters.delete(this.counters.keys().next().value as string);
    // base, 2 × base, 4 × base, … up to max
    const lockedUntil = failures >= limit ? now + Math.min(this.cfg.maxMs, this.cfg.baseMs * 2 ** Math.min(failures - limit, 30)) : 0;
    this.counters.set(key, { failures, lastFailureAt: now, lockedUntil });
  }
}

function accountKey(username: string): string {
  return `account:${username.normalize("NFC").toLowerCase()}`;
}

function sourceKey(address: string): string {
  return `source:${address}`;
}
