// This agency's notifications (forwarded steps, alerts, stops, allocation and deadline notices): stop
// warnings first, then the newest; acknowledging one records who did it and when.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { AcknowledgedMany, AcknowledgeManyBody, ListNotificationsQuery, NotificationCounts, NotificationList, Notification, NotificationParams } from "../../../shared/contract";
import { listNotifications, notificationCounts } from "../../reads/notifications";
import { acknowledgeMany, acknowledgeNotification } from "../../inbox/acknowledge";

export function notificationRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/notifications",
      operationId: "listNotifications",
      tag: TAG.notifications,
      summary: "Benachrichtigungen dieser Behörde / This agency's notifications",
      description:
        "Stopp-Warnungen zuerst (Priorität aufsteigend), dann die neuesten; seitenweise (`limit`, `offset`, `total`). Jede nennt ihren Fall wie die Fallliste (`case`: Aktenzeichen und Name nur für die Sachbearbeitung dieser Behörde). / Stop warnings first, then newest first; paged; each names its case as the case list does.",
      access: ACCESS.caseReaders,
      query: ListNotificationsQuery,
      responses: {
        200: { description: "Benachrichtigungen / notifications", schema: NotificationList },
      },
      handler: async ({ query, principal }) => listNotifications(ctx, principal, query),
    }),
    defineRoute({
      method: "GET",
      url: "/api/notifications/counts",
      operationId: "getNotificationCounts",
      tag: TAG.notifications,
      summary: "Offene Benachrichtigungen zählen / Count open notifications",
      description: "Für die Zahlen in der Navigation: offene je Art, offene Stopp-Warnungen, fällige Zuweisungen, Fristhinweise. Keine Fallreferenzen. / For the counts in the navigation; no case references.",
      access: ACCESS.caseReaders,
      responses: { 200: { description: "Anzahlen / counts", schema: NotificationCounts } },
      handler: async () => notificationCounts(ctx.db),
    }),
    defineRoute({
      method: "POST",
      url: "/api/notifications/ack",
      operationId: "acknowledgeNotifications",
      tag: TAG.notifications,
      summary: "Mehrere Benachrichtigungen quittieren / Acknowledge several notifications",
      description:
        "Quittiert alle genannten noch offenen in einem Schritt (höchstens 500); bereits quittierte behalten ihre erste Quittung, unbekannte Nummern fehlen in der Antwort. / Acknowledges every named open notification at once (at most 500); unknown ids are left out of the answer.",
      access: ACCESS.clerks,
      body: AcknowledgeManyBody,
      responses: { 200: { description: "quittiert / acknowledged", schema: AcknowledgedMany } },
      handler: async ({ body, principal }) => acknowledgeMany(ctx, principal, body.ids),
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
