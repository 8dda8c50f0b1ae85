// This agency's notifications (GET /api/notifications): stop warnings first (priority ascending), then the
// newest; and the one shape a stored notification takes in every answer.
import type { z } from "zod";
import type { Notification as NotificationRow } from "../generated/prisma/client";
import type {
  ListNotificationsQuery,
  Notification,
  NotificationList,
  NotificationKind as ContractKind,
  NotificationPayload,
} from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { NotificationKind } from "../notifications/rules";

// The contract lists the kinds for the query filter; the chain side must raise exactly these.
const KINDS_MATCH: [NotificationKind] extends [ContractKind] ? ([ContractKind] extends [NotificationKind] ? true : never) : never = true;
void KINDS_MATCH;

export function notificationView(n: NotificationRow): Notification {
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

export async function listNotifications(ctx: ServiceContext, query: z.output<typeof ListNotificationsQuery>): Promise<NotificationList> {
  const where = {
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.caseRef ? { caseRef: query.caseRef } : {}),
    ...(query.unacknowledged === true ? { acknowledgedAt: null } : query.unacknowledged === false ? { acknowledgedAt: { not: null } } : {}),
  };
  const [total, rows] = await Promise.all([
    ctx.db.notification.count({ where }),
    ctx.db.notification.findMany({ where, orderBy: [{ priority: "asc" }, { createdAt: "desc" }, { id: "desc" }], take: query.limit, skip: query.offset }),
  ]);
  return { total, notifications: rows.map(notificationView) };
}
