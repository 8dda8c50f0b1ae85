// This agency's notifications (forwarded steps, alerts, stops, allocation and deadline notices): stop
// warnings first, then the newest; acknowledging one records who did it and when.
import { z } from "zod";
import type { Notification } from "../../generated/prisma/client";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { CaseRef, QueryBool, limitQuery, offsetQuery } from "../schemas";
import { actorOf } from "../../auth/roles";
import { notFound } from "../problem";
import { serialized } from "../../store/serialized";
import { PRIORITY, type NotificationKind } from "../../notifications/rules";

/** The kinds the chain side raises (notifications/rules.ts), so that the filter stays in step with them. */
export const NOTIFICATION_KINDS = Object.keys(PRIORITY) as [NotificationKind, ...NotificationKind[]];

export const NotificationSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  priority: z.number().int().describe("0 = Stopp-Warnung (höchste) / 0 = stop warning (highest)"),
  caseRef: z.string(),
  eventId: z.string().nullable(),
  payload: z.unknown(),
  createdAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  deliveryState: z.string(),
});

export const ListNotificationsQuery = z.strictObject({
  kind: z.enum(NOTIFICATION_KINDS).optional(),
  unacknowledged: QueryBool.optional().describe("true: nur unquittierte / only unacknowledged"),
  caseRef: CaseRef.optional(),
  limit: limitQuery(100, 500),
  offset: offsetQuery,
});

function view(n: Notification): z.infer<typeof NotificationSchema> {
  let payload: unknown = null;
  try {
    payload = JSON.parse(n.payload);
  } catch {
    payload = null;
  }
  return {
    id: n.id,
    kind: n.kind,
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
        200: { description: "Benachrichtigungen / notifications", schema: z.object({ total: z.number().int(), notifications: z.array(NotificationSchema) }) },
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
      params: z.strictObject({
        id: z.coerce
          .number()
          .int()
          .min(1)
          .max(2 ** 31 - 1),
      }),
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
