// Acknowledging notifications (POST /api/notifications/{id}/ack, and several at once with
// POST /api/notifications/ack) records who did it and when. Idempotent: one already acknowledged keeps its
// first acknowledgement.
import type { Notification } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { actorOf, type Principal } from "../auth/roles";
import { serialized } from "../store/serialized";
import { notFound } from "../problems";
import { notificationView, withCases } from "../reads/notifications";

export async function acknowledgeNotification(ctx: ServiceContext, principal: Principal, id: number): Promise<Notification> {
  const n = await serialized(ctx.db, async (tx) => {
    await tx.notification.updateMany({
      where: { id, acknowledgedAt: null },
      data: { acknowledgedAt: new Date(), acknowledgedBy: actorOf(principal) },
    });
    return tx.notification.findUnique({ where: { id } });
  });
  if (!n) throw notFound("Keine Benachrichtigung mit dieser Nummer / No notification with this id");
  return notificationView(n);
}

/** Acknowledge every named notification that is still open, in one transaction; unknown ids are left out. */
export async function acknowledgeMany(ctx: ServiceContext, principal: Principal, ids: readonly number[]): Promise<{ acknowledged: number; notifications: Notification[] }> {
  const unique = [...new Set(ids)];
  return serialized(ctx.db, async (tx) => {
    const { count } = await tx.notification.updateMany({
      where: { id: { in: unique }, acknowledgedAt: null },
      data: { acknowledgedAt: new Date(), acknowledgedBy: actorOf(principal) },
    });
    const rows = await tx.notification.findMany({ where: { id: { in: unique } }, orderBy: { id: "asc" } });
    return { acknowledged: count, notifications: await withCases(tx, principal, rows.map(notificationView)) };
  });
}
