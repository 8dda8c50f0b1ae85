// One DB transaction per page of ledger events: the events (deduplicated by tx hash + log index), the
// notifications they raise for this agency, and the listener checkpoint. Either all of it or none.
import type { Db } from "../store/db";
import type { AgencyKey } from "../../shared/codelists";
import type { LedgerLog } from "../chain/ledger-logs";
import { notificationFor, type NotificationDraft } from "../notifications/rules";
import { serialized } from "../store/serialized";
import { bulkInsert } from "../store/bulk-writes";

const EVENT_COLUMNS = ["txHash", "logIndex", "blockNumber", "blockHash", "name", "caseRef", "eventId", "agency", "stepCode", "detail", "businessDate", "commitment", "args", "blockTime", "receivedAt"] as const;
const NOTIFICATION_COLUMNS = ["sourceKey", "kind", "priority", "caseRef", "eventId", "payload", "createdAt", "deliveryState", "nextDeliveryAt"] as const;

export interface ListenerPosition {
  blockNumber: number;
  /** last log index stored in blockNumber, -1 when none */
  logIndex: number;
  blockHash: string;
}

export interface StoreResult {
  stored: LedgerLog[];
  notifications: NotificationDraft[];
}

export async function loadPosition(db: Db): Promise<ListenerPosition | undefined> {
  const cp = await db.listenerCheckpoint.findUnique({ where: { id: 1 } });
  return cp ? { blockNumber: cp.blockNumber, logIndex: cp.logIndex, blockHash: cp.blockHash } : undefined;
}

export async function storeEvents(
  db: Db,
  logs: LedgerLog[],
  blockTimes: Map<number, number>,
  position: ListenerPosition,
  me: AgencyKey,
  deliverByWebhook: boolean,
): Promise<StoreResult> {
  return serialized(db, async (tx) => {
    // Dedupe by tx hash + log index in the insert itself: only the rows really inserted come back.
    const now = new Date();
    const inserted = await bulkInsert(
      tx,
      "LedgerEvent",
      [...EVENT_COLUMNS],
      logs.map((l) => ({
        txHash: l.txHash,
        logIndex: l.logIndex,
        blockNumber: l.blockNumber,
        blockHash: l.blockHash,
        name: l.name,
        caseRef: l.caseRef ?? null,
        eventId: l.eventId?.toString() ?? null,
        agency: l.agency ?? null,
        stepCode: l.stepCode ?? null,
        detail: l.detail?.toString() ?? null,
        businessDate: l.businessDate ?? null,
        commitment: l.commitment ?? null,
        args: JSON.stringify(l.args),
        blockTime: blockTimes.get(l.blockNumber) ?? 0,
        receivedAt: now,
      })),
      { skipConflictsOn: ["txHash", "logIndex"], returning: ["txHash", "logIndex"] },
    );
    const isNew = new Set(inserted.map((k) => `${k.txHash}:${k.logIndex}`));
    const fresh = inserted.length === logs.length ? logs : logs.filter((l) => isNew.has(`${l.txHash}:${l.logIndex}`));

    // Rule events name the step's event id; its step code is in this page or was stored before.
    const steps = new Map<bigint, number>();
    for (const l of fresh) if (l.name === "StepRecorded" && l.eventId !== undefined) steps.set(l.eventId, l.stepCode!);
    const unknownIds = [...new Set(fresh.filter((l) => l.name !== "StepRecorded" && l.eventId !== undefined && !steps.has(l.eventId)).map((l) => l.eventId!.toString()))];
    if (unknownIds.length) {
      const rows = await tx.ledgerEvent.findMany({ where: { name: "StepRecorded", eventId: { in: unknownIds } }, select: { eventId: true, stepCode: true } });
      for (const r of rows) if (r.eventId && r.stepCode !== null) steps.set(BigInt(r.eventId), r.stepCode);
    }
    const notifications = fresh.map((l) => notificationFor(l, me, (id) => steps.get(id))).filter((n): n is NotificationDraft => n !== undefined);
    if (notifications.length) {
      await bulkInsert(
        tx,
        "Notification",
        [...NOTIFICATION_COLUMNS],
        notifications.map((n) => ({ ...n, createdAt: now, deliveryState: deliverByWebhook ? "pending" : "none", nextDeliveryAt: deliverByWebhook ? now : null })),
      );
    }

    await tx.listenerCheckpoint.upsert({ where: { id: 1 }, create: { id: 1, ...position }, update: position });
    return { stored: fresh, notifications };
  });
}
