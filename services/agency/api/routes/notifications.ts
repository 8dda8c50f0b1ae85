// This agency's notifications (forwarded steps, alerts, stops, allocation and deadline notices): stop
// warnings first, then the newest; acknowledging one records who did it and when.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { ListNotificationsQuery, NotificationList, Notification, NotificationParams } from "../../../shared/contract";
import { listNotifications } from "../../reads/notifications";
import { acknowledgeNotification } from "../../inbox/acknowledge";

export function notificationRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/notifications",
      operationId: "listNotifications",
      tag: TAG.notifications,
      summary: "Benachrichtigungen dieser Behörde / This agency's notifications",
      description: "Stopp-Warnungen zuerst (Priorität aufsteigend), dann die neuesten. / Stop warnings first (priority ascending), then newest first.",
      access: ACCESS.caseReaders,
      query: ListNotificationsQuery,
      responses: {
        200: { description: "Benachrichtigungen / notifications", schema: NotificationList },
      },
      handler: async ({ query }) => listNotifications(ctx, query),
    }),
    defineRoute({
      method: "POST",
      url: "/api/notifications/:id/ack",
      operationId: "acknowledgeNotification",
      tag: TAG.notifications,
      summary: "Benachrichtigung quittieren / Acknowledge a notification",
      description: "Idempotent: eine bereits quittierte bleibt mit der ersten Quittung. / Idempotent: the first acknowledgement stays.",
      access: ACCESS.clerks,
      params: NotificationParams,
      responses: { 200: { description: "quittiert / acknowledged", schema: Notification }, 404: { description: "unbekannt / unknown" } },
      handler: async ({ params, principal }) => acknowledgeNotification(ctx, principal, params.id),
    }),
  ];
}
