// Operations: /healthz (the process is up), /readyz (database, chain and code lists as expected; 503 with
// the reasons otherwise), /metrics (prom-client default registry, Prometheus text format).
import { register } from "prom-client";
import { Prisma } from "../../generated/prisma/client";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { withTimeout } from "../timeout";
import { Health, Readiness, type Check } from "../../../shared/contract";

const CHECK_TIMEOUT_MS = 2000;

export function healthRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/healthz",
      operationId: "health",
      tag: "Betrieb / Operations",
      summary: "Prozess läuft / Process is up",
      access: { public: true },
      responses: { 200: { description: "läuft / up", schema: Health } },
      handler: async () => ({ status: "up" }),
    }),
    defineRoute({
      method: "GET",
      url: "/readyz",
      operationId: "ready",
      tag: "Betrieb / Operations",
      summary: "Bereit / Ready",
      description:
        "Datenbank erreichbar, Kette erreichbar, Code-Listen-Hash auf der Kette gleich dem lokalen; sonst 503 mit den Gründen. / Database and chain reachable, on-chain code-list hash equals the local one; else 503 with the reasons.",
      access: { public: true },
      responses: { 200: { description: "bereit / ready", schema: Readiness }, 503: { description: "nicht bereit / not ready", schema: Readiness } },
      handler: async ({ reply }) => {
        const reasons: string[] = [];
        const local = ctx.localCodeListHash.toLowerCase();
        const database: Check = { ok: true };
        try {
          await withTimeout(ctx.db.$queryRaw(Prisma.sql`SELECT 1`), CHECK_TIMEOUT_MS, "database");
        } catch (err) {
          database.ok = false;
          database.detail = (err as Error).message.split("\n")[0];
          reasons.push(`Datenbank nicht erreichbar / database unreachable: ${database.detail}`);
        }
        const chain: Check & { blockNumber?: number } = { ok: true };
        const codeLists: Check & { local: string; onChain?: string } = { ok: false, local };
        try {
          chain.blockNumber = await withTimeout(ctx.chain.blockNumber(), CHECK_TIMEOUT_MS, "chain");
          const onChain = (await withTimeout(ctx.chain.codeListHash(), CHECK_TIMEOUT_MS, "chain")).toLowerCase();
          codeLists.onChain = onChain;
          codeLists.ok = onChain === local;
          if (!codeLists.ok) {
            codeLists.detail = "Code-Listen weichen ab / code lists differ";
            reasons.push(
              `Code-Listen weichen von der Kette ab (lokal ${local}, Kette ${onChain}); es wird nicht geschrieben / code lists differ from the chain; nothing is written`,
            );
          }
        } catch (err) {
          chain.ok = false;
          chain.detail = (err as Error).message.split("\n")[0];
          codeLists.detail = "nicht prüfbar / not checkable";
          reasons.push(`Kette nicht erreichbar / chain unreachable: ${chain.detail}`);
        }
        const ready = database.ok && chain.ok && codeLists.ok;
        return reply.code(ready ? 200 : 503).send({
          status: ready ? "ready" : "not ready",
          agency: ctx.config.agency,
          checks: { database, chain, codeLists },
          listenerLagBlocks: ctx.listener.lagBlocks() ?? null,
          reasons,
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/metrics",
      operationId: "metrics",
      tag: "Betrieb / Operations",
      summary: "Metriken (Prometheus) / Metrics (Prometheus)",
      access: { public: true },
      responses: { 200: { description: "Prometheus-Textformat / Prometheus text format", contentType: "text/plain; version=0.0.4" } },
      handler: async ({ reply }) => reply.type(register.contentType).send(await register.metrics()),
    }),
  ];
}
