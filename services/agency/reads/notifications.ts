// This agency's notifications (GET /api/notifications): stop warnings first (priority ascending), then the
// newest, one page at a time, each naming its case by file number and name where this agency holds it;
// the open counts for the navigation (GET /api/notifications/counts); and the one shape a stored
// notification takes in every answer.
import type { z } from "zod";
import type { Prisma } from "../generated/prisma/client";
import type { Notification as NotificationRow } from "../generated/prisma/client";
import type {
  ListNotificationsQuery,
  Notification,
  NotificationList,
  NotificationCounts,
  NotificationKind as ContractKind,
  NotificationPayload,
} from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { NotificationKind } from "../notifications/rules";
import type { Principal } from "../auth/roles";
import { serialized, type Tx } from "../store/serialized";
import { casePersons } from "./case-persons";
import { matchingCaseRefs } from "./case-search";

/** The kinds that are repatriation stop warnings: shown apart and first. */
export const STOP_KINDS = ["STOP", "STOP_IGNORED"];

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

export async function listNotifications(ctx: ServiceContext, principal: Principal, query: z.output<typeof ListNotificationsQuery>): Promise<NotificationList> {
  return serialized(ctx.db, async (tx) => {
    const and: Prisma.NotificationWhereInput[] = [];
    if (query.kind) and.push({ kind: query.kind });
    if (query.caseRef) and.push({ caseRef: query.caseRef });
    if (query.unacknowledged === true) and.push({ acknowledgedAt: null });
    if (query.unacknowledged === false) and.push({ acknowledgedAt: { not: null } });
    if (query.group === "stops") and.push({ kind: { in: STOP_KINDS } });
    if (query.group === "others") and.push({ NOT: { kind: { in: STOP_KINDS }, acknowledgedAt: null } });
    if (query.q !== undefined) and.push({ caseRef: { in: [...(await matchingCaseRefs(tx, ctx, principal, query.q))] } });
    const where: Prisma.NotificationWhereInput = and.length ? { AND: and } : {};
    const total = await tx.notification.count({ where });
    const rows = await tx.notification.findMany({ where, orderBy: [{ priority: "asc" }, { createdAt: "desc" }, { id: "desc" }], take: query.limit, skip: query.offset });
    return { total, limit: query.limit, offset: query.offset, notifications: await withCases(tx, principal, rows.map(notificationView)) };
  });
}

/** The notifications with their case named as every list names it. */
export async function withCases(tx: Tx, principal: Principal, list: Notification[]): Promise<Notification[]> {
  const persons = await casePersons(
    tx,
    principal,
    list.map((n) => n.caseRef),
  );
  return list.map((n) => ({ ...n, case: persons.get(n.caseRef) ?? { held: false } }));
}

/** Open notifications by kind, for the counts in the navigation (and for whatever pushes them live). */
export async function notificationCounts(db: Tx): Promise<NotificationCounts> {
  const groups = await db.notification.groupBy({ by: ["kind"], where: { acknowledgedAt: null }, _count: { _all: true } });
  const byKind: Record<string, number> = {};
  for (const g of groups) byKind[g.kind] = g._count._all;
  const sum = (kinds: string[]) => kinds.reduce((s, k) => s + (byKind[k] ?? 0), 0);
  return {
    unacknowledged: Object.values(byKind).reduce((s, n) => s + n, 0),
    openStops: sum(STOP_KINDS),
    allocationDue: sum(["ALLOCATION_DUE"]),
    deadlines: sum(["DEADLINE"]),
    byKind,
  };
}
