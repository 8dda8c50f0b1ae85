// The OpenAPI 3.1 document, generated from the same route declarations and zod schemas that validate
// the requests (z.toJSONSchema; JSON Schema 2020-12 is OpenAPI 3.1's dialect).
import { z } from "zod";
import type { AnyRouteSpec } from "./route";
import { MAX_PATH_LENGTH, PROBLEMS, problemTypeUri } from "./problem";
import { Problem } from "./schemas";
import { sessionCookieName } from "../auth/sessions";
import { CSRF_HEADER } from "./security";
import { TAG_DESCRIPTIONS } from "./route-parts";

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

/** Statuses any request can get before its route runs (services/agency/api/protocol-errors.ts), by component name. */
const PROTOCOL_RESPONSES: Record<string, string> = { "408": "RequestTimeout", "414": "UriTooLong", "431": "HeadersTooLarge" };

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
    // Answered before the route is known (HTTP parser, router): possible on every operation.
    for (const [status, name] of Object.entries(PROTOCOL_RESPONSES)) responses[status] ??= { $ref: `#/components/responses/${name}` };

    const op: Record<string, unknown> = {
      operationId: r.operationId,
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      parameters: [...parametersOf(r.params, "path"), ...parametersOf(r.query, "query")],
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(r.body, "input") } } } } : {}),
      responses,
      security: isPublic ? [] : [{ bearerAuth: [] }, { sessionCookie: [] }],
      ...("roles" in r.access ? { "x-roles": r.access.roles, ...(r.access.agencyTypes ? { "x-agency-types": r.access.agencyTypes } : {}) } : {}),
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
      responses: {
        RequestTimeout: problemResponse(`${PROBLEMS["request-timeout"].title}`),
        UriTooLong: problemResponse(
          `${PROBLEMS["uri-too-long"].title}: Pfad über ${MAX_PATH_LENGTH} Zeichen oder Pfadbestandteil über 100 / path over ${MAX_PATH_LENGTH} characters or a path segment over 100`,
        ),
        HeadersTooLarge: problemResponse(`${PROBLEMS["headers-too-large"].title}: Pfad, Abfrage und Kopfzeilen über 16 KiB / path, query and headers over 16 KiB`),
      },
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
