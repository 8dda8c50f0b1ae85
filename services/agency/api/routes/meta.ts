// GET /api/meta: public facts about this service for the login screen.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { ServiceMeta } from "../../../shared/contract";
import { serviceMeta } from "../../reads/meta";

export function metaRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/meta",
      operationId: "getServiceMeta",
      tag: TAG.webApp,
      summary: "Behörde, Mitgliedsbehörden, Code-Liste, Demo-Modus / Agency, member agencies, code list, demo mode",
      description:
        "Öffentlich: was der Anmeldebildschirm zeigt. Demo-Zugänge nur, wenn der Dienst mit DEMO_MODE=true läuft. / Public: what the login screen shows; demo logins only in demo mode.",
      access: ACCESS.public,
      responses: { 200: { description: "Dienst / service", schema: ServiceMeta } },
      handler: async () => serviceMeta(ctx.config, ctx.db),
    }),
  ];
}
