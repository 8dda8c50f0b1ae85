// One DB transaction per page of ledger events: the events (each (tx hash, log index) stored once), the
// notifications they raise for this agency, and the listener checkpoint. Either all of it or none.
import type { Db } from "../store/db";
import type { LedgerLog } from "../chain/ledger-logs";
import { notificationFor, type NotificationDraft } from "../notifications/rules";
import { serialized } from "../store/serialized";
import { isUniqueViolation } from "../store/unique-violation";
import { bulkInsert, executeEach } from "../store/bulk-writes";
import { Prisma } from "../generated/prisma/client";
import { closeAllocatedDueNotices } from "../inbox/auto-close";
import { stepCodesOf } from "../reads/ledger-events";
import { EVENT_COLUMNS, eventRow, type EventRow } from "./event-row";
import { applyFollowersAndDirectory, followerOf, type Follower, type PageOutcome } from "./followers";
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
  /** membership events were stored, or this agency joined (followers.ts) */
  directory: Pick<PageOutcome, "directoryChanged" | "joined">;
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
  agency: Follower | string,
  deliverByWebhook: boolean,
): Promise<StoreResult> {
  // The listener hands over only the events past its checkpoint, so a page is new as a rule and goes in as a
  // plain INSERT: ON CONFLICT ... DO NOTHING RETURNING cost the PostgreSQL server about 4 µs more a row
  // (2026-12-05, 36,000 ledger events in inserts of 287 rows, four runs each: 20.0-21.1 µs against
  // 23.9-25.6), and every agency stores every event. A page that holds an event stored before (the
  // checkpoint set back, blocks read again, another process on the same store) fails on the unique key
  // and is stored again skipping what exists.
  const page: PageArgs = [db, logs, blockTimes, position, agency, deliverByWebhook];
  try {
    return await storePage(page, false);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return storePage(page, true);
  }
}

type PageArgs = Parameters<typeof storeEvents>;

function storePage([db, logs, blockTimes, position, agency, deliverByWebhook]: PageArgs, skipStored: boolean): Promise<StoreResult> {
  const me = followerOf(agency);
  return serialized(db, async (tx) => {
    const now = new Date();
    const rows = logs.map((l) => eventRow(l, blockTimes.get(l.blockNumber) ?? 0, now));
    let fresh = logs;
    let freshRows: EventRow[] = rows;
    if (skipStored) {
      // only the rows really inserted come back
      const inserted = await bulkInsert(tx, "LedgerEvent", [...EVENT_COLUMNS], rows, { skipConflictsOn: ["txHash", "logIndex"], returning: ["txHash", "logIndex"] });
      const isNew = new Set(inserted.map((k) => `${k.txHash}:${k.logIndex}`));
      fresh = logs.filter((l) => isNew.has(`${l.txHash}:${l.logIndex}`));
      freshRows = rows.filter((r) => isNew.has(`${r.txHash}:${r.logIndex}`));
    } else {
      await bulkInsert(tx, "LedgerEvent", [...EVENT_COLUMNS], rows);
    }

    // Rule events name the step's event id; its step code is in this page or was stored before.
    const steps = new Map<string, number>();
    for (const r of freshRows) if (r.name === "StepRecorded" && r.eventId !== null && r.stepCode !== null) steps.set(r.eventId, r.stepCode);
    const unknownIds = [...new Set(freshRows.filter((r) => r.name !== "StepRecorded" && r.eventId !== null && !steps.has(r.eventId)).map((r) => r.eventId!))];
    if (unknownIds.length) {
      for (const [id, code] of await stepCodesOf(tx, unknownIds)) steps.set(id, code);
    }
    const page = await applyFollowersAndDirectory(tx, fresh, freshRows, me);
    const notifications = freshRows.map((r) => notificationFor(r, me, page.follows, (id) => steps.get(id))).filter((n): n is NotificationDraft => n !== undefined);
    if (notifications.length) {
      await bulkInsert(
        tx,
        "Notification",
        [...NOTIFICATION_COLUMNS],
        notifications.map((n) => ({ ...n, createdAt: now, deliveryState: deliverByWebhook ? "pending" : "none", nextDeliveryAt: deliverByWebhook ? now : null })),
      );
    }
    await closeAllocatedDueNotices(tx, freshRows, now);

    // plain SQL, as a cached prepared statement on SQLite: Prisma compiles an upsert anew on every page (store/hot-reads.ts)
    await executeEach(tx, [
      Prisma.sql`INSERT INTO "ListenerCheckpoint" ("id", "blockNumber", "logIndex", "blockHash") VALUES (1, CAST(${position.blockNumber} AS INTEGER), CAST(${position.logIndex} AS INTEGER), ${position.blockHash}) ON CONFLICT ("id") DO UPDATE SET "blockNumber" = excluded."blockNumber", "logIndex" = excluded."logIndex", "blockHash" = excluded."blockHash"`,
    ]);
    return { stored: fresh, notifications, directory: { directoryChanged: page.directoryChanged, joined: page.joined } };
  });
}
