// Errors as RFC 9457 problem details (application/problem+json), in plain words, German first.
import type { FastifyReply, FastifyRequest } from "fastify";

export interface FieldError {
  field: string;
  message: string;
}

/** The problem types this API answers with; `type` resolves to their description on /api/docs. */
export const PROBLEMS = {
  "invalid-input": { status: 400, title: "Ungültige Eingabe / Invalid input" },
  "step-not-permitted": { status: 400, title: "Schritt der anderen Behörde / Step of the other agency" },
  unauthenticated: { status: 401, title: "Anmeldung erforderlich / Authentication required" },
  forbidden: { status: 403, title: "Keine Berechtigung / Forbidden" },
  csrf: { status: 403, title: "CSRF-Token fehlt oder ist falsch / CSRF token missing or wrong" },
  "not-found": { status: 404, title: "Nicht gefunden / Not found" },
  conflict: { status: 409, title: "Konflikt / Conflict" },
  "body-too-large": { status: 413, title: "Anfrage zu groß / Request body too large" },
  "unsupported-media-type": { status: 415, title: "Nur JSON wird angenommen / Only JSON is accepted" },
  "rate-limited": { status: 429, title: "Zu viele Anfragen / Too many requests" },
  internal: { status: 500, title: "Interner Fehler / Internal error" },
  "code-list-mismatch": { status: 503, title: "Code-Listen weichen ab / Code lists differ" },
} as const;

export type ProblemKind = keyof typeof PROBLEMS;

export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

export function problemTypeUri(kind: ProblemKind): string {
  return `/api/docs#problem-${kind}`;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Thrown anywhere in a handler or hook; the error handler turns it into the response. */
export class ProblemError extends Error {
  readonly status: number;
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(`${kind}: ${detail}`);
    this.status = PROBLEMS[kind].status;
  }
}

export function invalidInput(errors: FieldError[]): ProblemError {
  const fields = [...new Set(errors.map((e) => e.field))].join(", ");
  const n = errors.length;
  return new ProblemError(
    "invalid-input",
    n === 1
      ? `Ein Feld ist ungültig: ${fields} / One field is invalid: ${fields}`
      : `${n} Angaben sind ungültig: ${fields} / ${n} entries are invalid: ${fields}`,
    errors,
  );
}

export function notFound(what: string): ProblemError {
  return new ProblemError("not-found", what);
}

export function problemBody(p: ProblemError, instance?: string): ProblemBody {
  return {
    type: problemTypeUri(p.kind),
    title: PROBLEMS[p.kind].title,
    status: p.status,
    detail: p.detail,
    ...(instance ? { instance } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
    ...p.extensions,
  };
}

/** The request path without its query (the query may hold a file number). */
export function pathOf(req: FastifyRequest): string {
  const q = req.url.indexOf("?");
  return q === -1 ? req.url : req.url.slice(0, q);
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, p: ProblemError): FastifyReply {
  for (const [k, v] of Object.entries(p.headers)) reply.header(k, v);
  return reply
    .code(p.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemBody(p, pathOf(req))));
}
