// The agency service's HTTP API as the web app uses it: same origin, session cookie (HttpOnly, set by the
// service), the CSRF token from the login echoed on every state-changing request. Errors come back as
// RFC 9457 problem details whose texts read "Deutsch / English"; the UI shows them in plain words.
import type { Lang, MsgKey } from "./i18n";
import { bilingual } from "./i18n";

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface FieldError {
  field: string;
  message: string;
}

/** An API failure, already reduced to what a person can read. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** the service's own explanation ("Deutsch / English"), if it gave one */
    readonly detail: string | undefined,
    readonly fieldErrors: FieldError[] = [],
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

export async function api<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
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
    throw new ApiError(res.status, detail, errors.filter((e) => plain(e.message)));
  }
  return json as T;
}

/** Never show something that looks like a stack trace or is too long to be a sentence. */
function plain(s: string): boolean {
  return s.length > 0 && s.length <= 400 && !/\n\s+at\s|Error:\s.*\n/.test(s);
}

/** The words for an error, in the current language: our own sentence for the status, plus the service's detail. */
export function errorText(err: unknown, lang: Lang, t: (k: MsgKey) => string): string {
  if (err instanceof ApiError) {
    const base = statusText(err.status, t);
    const parts = [base];
    if (err.detail) parts.push(bilingual(err.detail, lang));
    for (const f of err.fieldErrors) parts.push(`${f.field}: ${bilingual(f.message, lang)}`);
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

// ---- the shapes the web app reads (tolerant: the service may add fields) ----

export type Role = "clerk" | "auditor" | "admin";
export type Agency = "BAMF" | "ZAB";

export interface Me {
  username: string;
  displayName: string;
  role: Role;
  agency?: Agency;
  csrfToken?: string;
  expiresAt?: string;
}

export interface Meta {
  agency: Agency;
  agencyName: { de: string; en: string };
  demoMode: boolean;
  demoLogins?: { username: string; password: string; role: Role; displayName: string }[];
  codeListVersion: string;
  partnerAgency: Agency;
}

export interface Label {
  code?: number;
  key?: string;
  de: string;
  en: string;
}
