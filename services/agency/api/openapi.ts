// The OpenAPI 3.1 document, generated from the same route declarations and zod schemas that validate
// the requests (z.toJSONSchema; JSON Schema 2020-12 is OpenAPI 3.1's dialect).
import { z } from "zod";
import type { AnyRouteSpec } from "./route";
import { PROBLEMS, problemTypeUri } from "./problem";
import { Problem } from "./schemas";
import { sessionCookieName } from "../auth/sessions";
import { CSRF_HEADER } from "./security";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const s = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  delete s.$schema;
  return s;
}

function parametersOf(schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const s = jsonSchema(schema, "input");
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    ...(typeof p.description === "string" ? { description: p.description } : {}),
    schema: p,
  }));
}

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

/** What each group of endpoints is for (German / English); a tag without an entry is listed by name only. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  "Betrieb / Operations": "Lebenszeichen, Bereitschaft, Metriken / liveness, readiness, metrics",
  "Anmeldung / Session": "Anmelden, abmelden, wer angemeldet ist / log in, log out, who is logged in",
  "Fälle / Cases": "Fälle anlegen, finden, Verlauf, Stopps und Warnungen / register and find cases, timeline, stops and alerts",
  "Schritte / Steps": "Verfahrensschritte erfassen und verfolgen / record steps and follow them to the chain",
  "Benachrichtigungen / Notifications": "Weitergeleitete Schritte, Warnungen, Stopps, Fristen / forwarded steps, alerts, stops, deadlines",
  "Zuweisung / Allocation": "Zuweisung an die Kreise (ZAB) / allocation to the districts (ZAB)",
  "Prüfung / Audit": "Prüfexport, signierte Checkpoints, Prüfbericht / audit export, signed checkpoints, audit report",
  "Verwaltung / Administration": "Benutzer und API-Clients / users and API clients",
  "Web-Anwendung / Web app": "Was die Bedienoberfläche zusätzlich liest: Dienst, Kennzahlen, Stand der Kette / what the user interface reads besides: service, figures, ledger status",
  "Dokumentation / Documentation": "Diese Beschreibung / this description",
};

export function buildOpenApi(routes: readonly AnyRouteSpec[], agency: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, "{$1}");
    const isPublic = "public" in r.access;
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      const isError = Number(status) >= 400;
      responses[status] = res.schema
        ? { description: res.description, content: { [res.contentType ?? "application/json"]: { schema: jsonSchema(res.schema, "output") } } }
        : isError
          ? problemResponse(res.description)
          : res.contentType
            ? { description: res.description, content: { [res.contentType]: { schema: { type: "string" } } } }
            : { description: res.description };
    }
    const hasInput = !!(r.params || r.body || (r.query && Object.keys(jsonSchema(r.query, "input").properties ?? {}).length));
    responses["400"] ??= problemResponse(`${PROBLEMS["invalid-input"].title}${hasInput ? "" : " (unbekannte Parameter / unknown parameters)"}`);
    if (r.body) {
      responses["413"] ??= problemResponse(PROBLEMS["body-too-large"].title);
      responses["415"] ??= problemResponse(PROBLEMS["unsupported-media-type"].title);
    }
    if (!isPublic) {
      responses["401"] ??= problemResponse(PROBLEMS.unauthenticated.title);
      responses["403"] ??= problemResponse(`${PROBLEMS.forbidden.title}; ${PROBLEMS.csrf.title}`);
    }
    responses["429"] ??= problemResponse(PROBLEMS["rate-limited"].title);
    responses["500"] ??= problemResponse(PROBLEMS.internal.title);

    const op: Record<string, unknown> = {
      operationId: r.operationId,
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      parameters: [...parametersOf(r.params, "path"), ...parametersOf(r.query, "query")],
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(r.body, "input") } } } } : {}),
      responses,
      security: isPublic ? [] : [{ bearerAuth: [] }, { sessionCookie: [] }],
      ...("roles" in r.access ? { "x-roles": r.access.roles, ...(r.access.agencies ? { "x-agencies": r.access.agencies } : {}) } : {}),
    };
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: op };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: `AnKER Status-Ledger – Schnittstelle ${agency} / Status ledger API (${agency})`,
      version: "1.0.0",
      license: { name: "UNLICENSED" },
      description:
        "Schnittstelle für die Fachanwendung und die Bedienoberfläche. Alle Eingaben werden geprüft; Fehler als application/problem+json (RFC 9457) mit `errors: [{field, message}]`. " +
        `Anmeldung: API-Token (Authorization: Bearer) oder Sitzungs-Cookie ${sessionCookieName(agency)}; ändernde Anfragen mit Sitzung brauchen den Header X-CSRF-Token. ` +
        "/ API for the specialist application and the user interface. Errors as RFC 9457 problem details.",
    },
    servers: [{ url: "/" }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) })),
    paths,
    components: {
      schemas: { Problem: jsonSchema(Problem, "output") },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "API-Token der Fachanwendung / specialist application's API token" },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: sessionCookieName(agency),
          description: `Sitzung; ändernde Anfragen zusätzlich mit Header ${CSRF_HEADER} / session; state-changing requests also need the ${CSRF_HEADER} header`,
        },
      },
    },
    "x-problem-types": Object.fromEntries(Object.entries(PROBLEMS).map(([kind, p]) => [problemTypeUri(kind as keyof typeof PROBLEMS), p])),
  };
}
