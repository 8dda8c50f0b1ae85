// This agency's notifications (forwarded steps, alerts, stops, allocation and deadline notices): stop
// warnings first, then the newest; acknowledging one records who did it and when.
import type { Notification } from "../../generated/prisma/client";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { ListNotificationsQuery, NotificationList, Notification as NotificationSchema, NotificationParams, type NotificationKind as ContractKind, type NotificationPayload } from "../../../shared/contract";
import { actorOf } from "../../auth/roles";
import { notFound } from "../problem";
import { serialized } from "../../store/serialized";
import type { NotificationKind } from "../../notifications/rules";

// The contract lists the kinds for the query filter; the chain side must raise exactly these.
const KINDS_MATCH: [NotificationKind] extends [ContractKind] ? ([ContractKind] extends [NotificationKind] ? true : never) : never = true;
void KINDS_MATCH;

function view(n: Notification): NotificationSchema {
  let payload: NotificationPayload | null = null;
  try {
    payload = JSON.parse(n.payload) as NotificationPayload;
  } catch {
    payload = null;
  }
  return {
    id: n.id,
    kind: n.kind as ContractKind,
    priority: n.priority,
    caseRef: n.caseRef,
    eventId: n.eventId,
    payload,
    createdAt: n.createdAt.toISOString(),
    acknowledgedAt: n.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: n.acknowledgedBy,
    deliveryState: n.deliveryState,
  };
}

export function notificationRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/notifications",
      operationId: "listNotifications",
      tag: "Benachrichtigungen / Notifications",
      summary: "Benachrichtigungen dieser Behörde / This agency's notifications",
      description: "Stopp-Warnungen zuerst (Priorität aufsteigend), dann die neuesten. / Stop warnings first (priority ascending), then newest first.",
      access: { roles: ["clerk", "auditor"] },
      query: ListNotificationsQuery,
      responses: {
        200: { description: "Benachrichtigungen / notifications", schema: NotificationList },
      },
      handler: async ({ query }) => {
        const where = {
          ...(query.kind ? { kind: query.kind } : {}),
          ...(query.caseRef ? { caseRef: query.caseRef } : {}),
          ...(query.unacknowledged === true ? { acknowledgedAt: null } : query.unacknowledged === false ? { acknowledgedAt: { not: null } } : {}),
        };
        const [total, rows] = await Promise.all([
          ctx.db.notification.count({ where }),
          ctx.db.notification.findMany({ where, orderBy: [{ priority: "asc" }, { createdAt: "desc" }, { id: "desc" }], take: query.limit, skip: query.offset }),
        ]);
        return { total, notifications: rows.map(view) };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/notifications/:id/ack",
      operationId: "acknowledgeNotification",
      tag: "Benachrichtigungen / Notifications",
      summary: "Benachrichtigung quittieren / Acknowledge a notification",
      description: "Idempotent: eine bereits quittierte bleibt mit der ersten Quittung. / Idempotent: the first acknowledgement stays.",
      access: { roles: ["clerk"] },
      params: NotificationParams,
      responses: { 200: { description: "quittiert / acknowledged", schema: NotificationSchema }, 404: { description: "unbekannt / unknown" } },
      handler: async ({ params, principal }) => {
        const n = await serialized(ctx.db, async (tx) => {
          await tx.notification.updateMany({
            where: { id: params.id, acknowledgedAt: null },
            data: { acknowledgedAt: new Date(), acknowledgedBy: actorOf(principal) },
          });
          return tx.notification.findUnique({ where: { id: params.id } });
        });
        if (!n) throw notFound("Keine Benachrichtigung mit dieser Nummer / No notification with this id");
        return view(n);
      },
    }),
  ];
}
