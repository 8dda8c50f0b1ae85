// The problem details (RFC 9457, application/problem+json) every error answer of the API is: the kinds
// with their status and title (German first), and the body's shape, shared by the service and the web app.
export interface FieldError {
  field: string;
  message: string;
}

/** The problem types this API answers with; `type` resolves to their description on /api/docs. */
export const PROBLEMS = {
  "invalid-input": { status: 400, title: "Ungültige Eingabe / Invalid input" },
  "step-not-permitted": { status: 400, title: "Schritt einer anderen Behördenart / Step of another agency type" },
  "not-allocated-to-district": { status: 403, title: "Fall nicht diesem Kreis zugewiesen / Case not allocated to this district" },
  unauthenticated: { status: 401, title: "Anmeldung erforderlich / Authentication required" },
  forbidden: { status: 403, title: "Keine Berechtigung / Forbidden" },
  csrf: { status: 403, title: "CSRF-Token fehlt oder ist falsch / CSRF token missing or wrong" },
  "not-found": { status: 404, title: "Nicht gefunden / Not found" },
  "request-timeout": { status: 408, title: "Anfrage nicht rechtzeitig empfangen / Request timeout" },
  conflict: { status: 409, title: "Konflikt / Conflict" },
  "body-too-large": { status: 413, title: "Anfrage zu groß / Request body too large" },
  "uri-too-long": { status: 414, title: "Pfad zu lang / URI too long" },
  "unsupported-media-type": { status: 415, title: "Nur JSON wird angenommen / Only JSON is accepted" },
  "rate-limited": { status: 429, title: "Zu viele Anfragen / Too many requests" },
  "headers-too-large": { status: 431, title: "Kopfzeilen zu groß / Request header fields too large" },
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
