// Group commit of the API's plain step inserts: requests that arrive while one group is being written wait
// for the next group, which is written with one bulk INSERT ... RETURNING (store/bulk-writes.ts) in
// one interactive transaction (store/serialized.ts). Each request still gets its answer only after its row is committed.
// If a group fails (say, a duplicate event id), its rows are written one by one, each in its own
// transaction, so only the offending request sees the error (record-step.ts turns a unique violation
// into the idempotent repeat or the 409, exactly as for a single insert).
import type { Db } from "../store/db";
import type { Prisma, Step } from "../generated/prisma/client";
import { serialized } from "../store/serialized";
import { bulkInsert } from "../store/bulk-writes";

/** What the API answers with; only these columns are read back (less per-row work in Prisma). */
export type InsertedStep = Pick<Step, "id" | "eventId" | "caseId">;
const INSERTED = { id: true, eventId: true, caseId: true } as const;

export type StepInsert = Prisma.StepCreateManyInput & { eventId: string };

/** The columns the API writes; the rest take their defaults. */
export const STEP_COLUMNS = ["eventId", "caseId", "caseRef", "stepCode", "detail", "businessDate", "data", "salt", "commitment", "state", "createdAt"] as const;

interface Pending {
  data: StepInsert;
  resolve: (row: InsertedStep) => void;
  reject: (err: unknown) => void;
}

/** Rows per group: well below SQLite's bound-parameter limit (STEP_COLUMNS: 11 a row). */
const MAX_GROUP = 256;
/** At most this many event-loop turns of waiting for more rows (each well under a millisecond). */
const MAX_TURNS = 4;

export class StepInsertBatcher {
  private queue: Pending[] = [];
  private draining = false;

  constructor(private readonly db: Db) {}

  /** Insert one step row; resolves once it is committed. */
  insert(data: StepInsert): Promise<InsertedStep> {
    return new Promise<InsertedStep>((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /**
   * Let the requests that are already in the socket buffers reach the queue: one event-loop turn more
   * while the queue still grows (better-sqlite3 is synchronous, so without this a group is one row).
   */
  private async gather(): Promise<void> {
    for (let turns = 0, seen = -1; this.queue.length !== seen && this.queue.length < MAX_GROUP && turns < MAX_TURNS; turns++) {
      seen = this.queue.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        await this.gather();
        await this.flush(this.queue.splice(0, MAX_GROUP));
      }
    } finally {
      this.draining = false;
    }
  }

  private one(p: Pending): Promise<void> {
    return serialized(this.db, (tx) => tx.step.create({ data: p.data, select: INSERTED })).then(p.resolve, p.reject);
  }

  private async flush(group: Pending[]): Promise<void> {
    if (group.length === 1) return this.one(group[0]);
    let rows: InsertedStep[];
    try {
      const createdAt = new Date();
      const data = group.map((p) => ({ ...p.data, createdAt }));
      rows = await serialized(this.db, (tx) => bulkInsert(tx, "Step", [...STEP_COLUMNS], data, { returning: ["id", "eventId", "caseId"] }));
    } catch {
      // Nothing of the group was written: one by one, in order, so only the offending rows fail.
      for (const p of group) await this.one(p);
      return;
    }
    const byEventId = new Map(rows.map((r) => [r.eventId, r]));
    for (const p of group) {
      const row = byEventId.get(p.data.eventId);
      if (row) p.resolve(row);
      else p.reject(new Error(`group insert returned no row for event id ${p.data.eventId}`));
    }
  }
}

const batchers = new WeakMap<Db, StepInsertBatcher>();

export function stepInsertBatcher(db: Db): StepInsertBatcher {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = new StepInsertBatcher(db)));
  return b;
}

/** caseRef -> Case.id, only for committed rows (cases are never deleted, their id never changes). */
const caseIds = new WeakMap<Db, Map<string, number>>();
const CASE_CACHE_MAX = 100_000;

export function cachedCaseId(db: Db, caseRef: string): number | undefined {
  return caseIds.get(db)?.get(caseRef);
}

export function rememberCaseId(db: Db, caseRef: string, id: number): void {
  let m = caseIds.get(db);
  if (!m) caseIds.set(db, (m = new Map()));
  if (m.size >= CASE_CACHE_MAX) m.clear();
  m.set(caseRef, id);
}
