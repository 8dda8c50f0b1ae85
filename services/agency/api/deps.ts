// What the route modules share.
import type { ServiceContext } from "../context";
import type { CodeListGuard } from "./code-list-guard";

export interface ApiOptions {
  /** how long an on-chain code-list hash is trusted before it is read again (default 5000 ms) */
  codeListCacheMs?: number;
  /** login attempts per minute and address (default 30) */
  loginAttemptsPerMinute?: number;
}

export interface ApiDeps {
  ctx: ServiceContext;
  guard: CodeListGuard;
  options: Required<ApiOptions>;
}
