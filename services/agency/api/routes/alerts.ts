// GET /api/cases/{caseRef}/alerts: the open repatriation stops (live from the chain, else from the mirror),
// the history of stop changes, and the out-of-order alerts of a case.
import { z } from "zod";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { CaseRef, CodeLabel } from "../schemas";
import { caseEvents, foldStops, numArg } from "../ledger-view";
import { missingFlags, stepLabel, stopReasons } from "../code-labels";
import { logAccess } from "../access-log";
import { notFound } from "../problem";
import { serialized } from "../../store/serialized";
import { withTimeout } from "../timeout";

const label = ({ code, key, de, en }: { code: number; key: string; de: string; en: string }) => ({ code, key, de, en });
const Flag = z.object({ key: z.string(), de: z.string(), en: z.string() });

export const AlertsSchema = z.object({
  caseRef: z.string(),
  openStops: z.object({
    bits: z.number().int(),
    reasons: z.array(CodeLabel),
    source: z
      .enum(["chain", "ledger-mirror"])
      .describe("live von der Kette oder, wenn nicht erreichbar, aus dem Spiegel / live from the chain or, if unreachable, from the mirror"),
  }),
  stopHistory: z.array(
    z.object({
      name: z.enum(["StopChanged", "StopIgnored"]),
      ledgerEventId: z.string().nullable().describe("der auslösende Schritt / the triggering step"),
      previousReasons: z.array(CodeLabel),
      reasons: z.array(CodeLabel),
      blockNumber: z.number().int(),
      blockTime: z.string(),
    }),
  ),
  alerts: z.array(
    z.object({
      ledgerEventId: z.string().nullable(),
      step: z.object({ code: z.number().int(), key: z.string() }),
      missing: z.array(Flag),
      blockNumber: z.number().int(),
      blockTime: z.string(),
    }),
  ),
});

export function alertRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/cases/:caseRef/alerts",
      operationId: "getCaseAlerts",
      tag: "Fälle / Cases",
      summary: "Stopps und Warnungen eines Falls / Stops and alerts of a case",
      access: { roles: ["clerk", "auditor"] },
      params: z.strictObject({ caseRef: CaseRef }),
      responses: {
        200: { description: "Stopps und Warnungen / stops and alerts", schema: AlertsSchema },
        404: { description: "Fall unbekannt / unknown case" },
      },
      handler: async ({ params, principal }) => {
        const { caseRef } = params;
        // The chain is asked first, outside the database transaction (no lock held during a network call).
        let live: number | undefined;
        try {
          live = await withTimeout(ctx.chain.openStops(caseRef), 2000, "open stops");
        } catch {
          live = undefined;
        }
        const events = await serialized(ctx.db, async (tx) => {
          const evs = await caseEvents(tx, caseRef);
          const known = evs.length > 0 || (await tx.case.findUnique({ where: { caseRef }, select: { id: true } })) !== null;
          if (known) await logAccess(tx, principal, [caseRef], "alerts");
          return known ? evs : undefined;
        });
        if (!events) throw notFound("Fall weder hier angelegt noch aus dem Ledger bekannt / Case neither registered here nor known from the ledger");
        const bits = live ?? foldStops(events);
        const source: "chain" | "ledger-mirror" = live === undefined ? "ledger-mirror" : "chain";
        const time = (t: number) => new Date(t * 1000).toISOString();
        return {
          caseRef,
          openStops: { bits, reasons: stopReasons(bits).map(label), source },
          stopHistory: events
            .filter((e) => e.name === "StopChanged" || e.name === "StopIgnored")
            .map((e) => ({
              name: e.name as "StopChanged" | "StopIgnored",
              ledgerEventId: e.eventId,
              previousReasons: stopReasons(numArg(e, e.name === "StopChanged" ? "previousReasons" : "reasons") ?? 0).map(label),
              reasons: e.name === "StopChanged" ? stopReasons(numArg(e, "reasons") ?? 0).map(label) : [],
              blockNumber: e.blockNumber,
              blockTime: time(e.blockTime),
            })),
          alerts: events
            .filter((e) => e.name === "OutOfOrder")
            .map((e) => {
              const s = stepLabel(numArg(e, "step") ?? e.stepCode ?? 0);
              return {
                ledgerEventId: e.eventId,
                step: { code: s.code, key: s.key },
                missing: missingFlags(numArg(e, "missing") ?? 0),
                blockNumber: e.blockNumber,
                blockTime: time(e.blockTime),
              };
            }),
        };
      },
    }),
  ];
}
