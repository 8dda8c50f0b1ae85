// The API's own description: /api/openapi.json and the readable page /api/docs.
import { z } from "zod";
import { defineRoute, type AnyRouteSpec } from "../route";
import { buildOpenApi } from "../openapi";
import { docsPage } from "../docs-page";
import { TAG, ACCESS } from "../route-parts";

/** `routes` is read when first asked, so that the document includes these two routes as well. */
export function docsRoutes(routes: () => readonly AnyRouteSpec[], agency: string): AnyRouteSpec[] {
  let doc: Record<string, unknown> | undefined;
  let html: string | undefined;
  const document = () => (doc ??= buildOpenApi(routes(), agency));
  return [
    defineRoute({
      method: "GET",
      url: "/api/openapi.json",
      operationId: "openApi",
      tag: TAG.documentation,
      summary: "OpenAPI-3.1-Dokument / OpenAPI 3.1 document",
      access: ACCESS.public,
      responses: { 200: { description: "OpenAPI 3.1", schema: z.record(z.string(), z.unknown()) } },
      handler: async () => document(),
    }),
    defineRoute({
      method: "GET",
      url: "/api/docs",
      operationId: "docs",
      tag: TAG.documentation,
      summary: "Lesbare Schnittstellenbeschreibung / Human-readable API description",
      access: ACCESS.public,
      responses: { 200: { description: "HTML", contentType: "text/html; charset=utf-8" } },
      handler: async ({ reply }) =>
        reply
          .type("text/html; charset=utf-8")
          .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
          .send((html ??= docsPage(document()))),
    }),
  ];
}
