// Acknowledging a notification (POST /api/notifications/{id}/ack) records who did it and when. Idempotent:
// one already acknowledged keeps its first acknowledgement.
import type { Notification } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { actorOf, type Principal } from "../auth/roles";
import { serialized } from "../store/serialized";
import { notFound } from "../problems";
import { notificationView } from "../reads/notifications";

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
