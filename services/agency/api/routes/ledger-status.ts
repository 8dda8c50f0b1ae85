// GET /api/ledger/status: chain, listener, checkpoints, code lists and rule history for the auditor view.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { LedgerStatus, LedgerStatusQuery } from "../../../shared/contract";
import { ledgerStatus } from "../../reads/ledger-status";

export function ledgerStatusRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/ledger/status",
      operationId: "getLedgerStatus",
      tag: TAG.webApp,
      summary: "Stand der Kette und Regelhistorie / Ledger status and rule history",
      description:
        "Kopfblock der Kette, Stand des Listeners, letzter eigener signierter Checkpoint, Code-Listen-Hash lokal und auf der Kette, Zähler und die neuesten Hinweise und Stopps (ausgelöst, aufgehoben, missachtet). Ohne Personendaten. / Head block, listener checkpoint, last signed checkpoint, code-list hash, rule history; no personal data.",
      access: ACCESS.anyRole,
      query: LedgerStatusQuery,
      responses: { 200: { description: "Stand / status", schema: LedgerStatus } },
      handler: async ({ query }) => ledgerStatus(ctx, query.limit),
    }),
  ];
}
