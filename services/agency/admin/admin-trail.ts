// The admin trail: every action of the admin area, written in the same transaction as the change itself,
// so that no change happens without its entry. Who (user:<staff username> or client:<name>), what (an
// action code), when, on which id, and at most a role or a code as detail: no personal data.
import type { AdminActionKind, AdminLog } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { Tx } from "../store/serialized";
import { actorOf, type Principal } from "../auth/roles";

export interface AdminActionEntry {
  action: AdminActionKind;
  targetType: "user" | "client" | "webhook";
  targetId: number | null;
  detail?: string;
}

export async function recordAdminAction(tx: Tx, by: Principal, entry: AdminActionEntry): Promise<void> {
  await tx.adminAction.create({
    data: { actor: actorOf(by), action: entry.action, targetType: entry.targetType, targetId: entry.targetId, detail: entry.detail ?? null },
  });
}

/** Newest first, a page at a time. */
export async function listAdminActions(ctx: ServiceContext, page: { offset: number; limit: number }): Promise<AdminLog> {
  const [rows, total] = await Promise.all([
    ctx.db.adminAction.findMany({ orderBy: { id: "desc" }, skip: page.offset, take: page.limit }),
    ctx.db.adminAction.count(),
  ]);
  return {
    actions: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action as AdminActionKind,
      targetType: r.targetType as AdminActionEntry["targetType"],
      targetId: r.targetId,
      detail: r.detail,
    })),
    total,
    offset: page.offset,
    limit: page.limit,
  };
}
