// The agency service's HTTP API as the web app uses it: same origin, session cookie (HttpOnly, set by the
// service), the CSRF token from the login echoed on every state-changing request. Errors come back as
// RFC 9457 problem details whose texts read "Deutsch / English"; the UI shows them in plain words.
// Pages call `request(operationId, …)`: only the endpoints in endpoints.ts, typed by the API contract.
import type { Lang, MsgKey } from "./i18n";
import { bilingual } from "./i18n";
import type { FieldError } from "../../services/shared/contract/problem";
import { ENDPOINTS, urlOf, type OperationId, type RequestOf, type ResponseOf } from "./endpoints";

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export type { FieldError };

/** An API failure, already reduced to what a person can read. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** the service's own explanation ("Deutsch / English"), if it gave one */
    readonly detail: string | undefined,
    readonly fieldErrors: FieldError[] = [],
    /** 429: the seconds the service asks to wait (Retry-After) */
    readonly retryAfterSeconds?: number,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Listeners told when the service answers 401 (session expired): the app goes back to the login. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

const SAFE = new Set(["GET", "HEAD"]);

/** Call endpoint `op`; `quiet401`: a 401 is the caller's business (login, session probe), not an expired session. */
export function request<K extends OperationId>(op: K, req: RequestOf<K>, opts: { quiet401?: boolean } = {}): Promise<ResponseOf<K>> {
  const body = (req as { body?: unknown }).body;
  return send(ENDPOINTS[op].method, urlOf(op, req), body, opts) as Promise<ResponseOf<K>>;
}

async function send(method: "GET" | "POST" | "DELETE", path: string, body: unknown, opts: { quiet401?: boolean }): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (!SAFE.has(method) && csrfToken) headers["x-csrf-token"] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new ApiError(0, undefined);
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const p = (json ?? {}) as { detail?: unknown; errors?: unknown };
    const detail = typeof p.detail === "string" && plain(p.detail) ? p.detail : undefined;
    const errors = Array.isArray(p.errors)
      ? (p.errors as unknown[]).filter((e): e is FieldError => typeof e === "object" && e !== null && typeof (e as FieldError).field === "string" && typeof (e as FieldError).message === "string")
      : [];
    if (res.status === 401 && !opts.quiet401) for (const fn of unauthorizedListeners) fn();
    const retryAfter = Number(res.headers.get("retry-after"));
    throw new ApiError(res.status, detail, errors.filter((e) => plain(e.message)), Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
  return json;
}

/** Never show something that looks like a stack trace or is too long to be a sentence. */
function plain(s: string): boolean {
  // bilingual details naming a rule run to some 500 characters; the bound only keeps out dumps
  return s.length > 0 && s.length <= 1000 && !/\n\s+at\s|Error:\s.*\n/.test(s);
}

/** The words for an error, in the current language: our own sentence for the status, plus the service's detail. */
export function errorText(err: unknown, lang: Lang, t: (k: MsgKey) => string): string {
  if (err instanceof ApiError) {
    const base = statusText(err.status, t);
    const parts = [base];
    if (err.detail) parts.push(bilingual(err.detail, lang));
    // the fields matter for invalid input; a refusal's detail already says it all (no raw field names)
    if (!err.detail || err.status === 400) for (const f of err.fieldErrors) parts.push(`${f.field}: ${bilingual(f.message, lang)}`);
    return [...new Set(parts)].join(" ");
  }
  return t("err_generic");
}

function statusText(status: number, t: (k: MsgKey) => string): string {
  if (status === 0) return t("err_network");
  const known: Record<number, MsgKey> = { 400: "err_400", 401: "err_401", 403: "err_403", 404: "err_404", 409: "err_409", 413: "err_413", 429: "err_429", 503: "err_503" };
  if (known[status]) return t(known[status]);
  if (status >= 500) return t("err_500");
  return t("err_generic");
}
