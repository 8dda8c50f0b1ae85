// Operations: /healthz (the process is up), /readyz (database, chain and code lists as expected; 503 with
// the reasons otherwise), /metrics (prom-client default registry, Prometheus text format).
import { register } from "prom-client";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { Health, Readiness } from "../../../shared/contract";
import { readiness } from "../../reads/readiness";

export function healthRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/healthz",
      operationId: "health",
      tag: TAG.operations,
      summary: "Prozess läuft / Process is up",
      access: ACCESS.public,
      responses: { 200: { description: "läuft / up", schema: Health } },
      handler: async () => ({ status: "up" }),
    }),
    defineRoute({
      method: "GET",
      url: "/readyz",
      operationId: "ready",
      tag: TAG.operations,
      summary: "Bereit / Ready",
      description:
        "Datenbank erreichbar, Kette erreichbar, Code-Listen-Hash auf der Kette gleich dem lokalen; sonst 503 mit den Gründen. / Database and chain reachable, on-chain code-list hash equals the local one; else 503 with the reasons.",
      access: ACCESS.public,
      responses: { 200: { description: "bereit / ready", schema: Readiness }, 503: { description: "nicht bereit / not ready", schema: Readiness } },
      handler: async ({ reply }) => {
        const r = await readiness(ctx);
        return reply.code(r.status === "ready" ? 200 : 503).send(r);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/metrics",
      operationId: "metrics",
      tag: TAG.operations,
      summary: "Metriken (Prometheus) / Metrics (Prometheus)",
      access: ACCESS.public,
      responses: { 200: { description: "Prometheus-Textformat / Prometheus text format", contentType: "text/plain; version=0.0.4" } },
      handler: async ({ reply }) => reply.type(register.contentType).send(await register.metrics()),
    }),
  ];
}
