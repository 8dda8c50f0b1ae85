// The one queued-step writer: every step the agency records (one, a bulk of up to 250, the ERASED marker,
// and the steps the chain-side tests queue) becomes its row here, in state "queued" with its commitment;
// the outbox later submits it. Nothing here checks a request or talks to the chain (see record-steps.ts).
//
// Group commit: writes that arrive while one group is being written wait for the next group, which runs in
// one interactive transaction (store/serialized.ts) with one prepared INSERT ... RETURNING per row
// (store/bulk-writes.ts). A write is all or none; each caller gets its answer only after its rows are
// committed. If a group fails (say, a duplicate event id), its writes run again one by one, each in its own
// transaction, so only the offending write sees the error (record-steps.ts turns a unique violation into
// the idempotent repeat or the 409).
//
// One instance per service (ServiceContext.steps): it holds the queue and the caseRef -> Case.id cache.
import { isPostgres, type Db } from "../store/db";
import type { Step } from "../generated/prisma/client";
import { commit } from "../../shared/commitment";
import { placeholderFileNumber } from "../store/partner-case";
import { serialized, type Tx } from "../store/serialized";
import { bulkInsert } from "../store/bulk-writes";
import type { ResolvedStep } from "./step-input";

/** What a write answers with; only these columns are read back (less per-row work). */
export type InsertedStep = Pick<Step, "id" | "eventId" | "caseId">;

/** One step to queue. */
export interface NewStep {
  eventId: string;
  caseRef: string;
  /** the case's row id; absent for a partner's case known only from the ledger: its row is created */
  caseId?: number;
  step: ResolvedStep;
}

/** Steps committed together or not at all. */
export interface StepWrite {
  steps: NewStep[];
  /**
   * ERASED (one step): the person data and every other step's data and salt of the case are deleted in the
   * same transaction. The on-chain commitments then point at nothing; the audit reports the case as
   * erased, not missing. The marker's own data (the reason) is kept.
   */
  erase?: boolean;
}

/** What the commitment covers; its canonical JSON is stored as Step.data. */
export function committedData(caseRef: string, s: ResolvedStep): Record<string, unknown> {
  return { caseRef, step: s.step.code, detail: s.detail.toString(), businessDate: s.businessDate, data: s.data };
}

/** The columns written; the rest take their defaults. */
const STEP_COLUMNS = ["eventId", "caseId", "caseRef", "stepCode", "detail", "businessDate", "data", "salt", "commitment", "state", "createdAt"] as const;

// A type, not an interface: bulkInsert takes rows as records of column values.
type StepRow = {
  /** assigned by the database; read back */
  id?: number;
  eventId: string;
  caseId: number;
  caseRef: string;
  stepCode: number;
  detail: string;
  businessDate: number;
  data: string;
  salt: string;
  commitment: string;
  state: string;
  createdAt: Date;
};

/** The new row of a step without its case id: its data, salt and commitment, state queued. */
function rowOf(s: NewStep): Omit<StepRow, "caseId" | "createdAt"> {
  const c = commit(committedData(s.caseRef, s.step));
  return {
    eventId: s.eventId,
    caseRef: s.caseRef,
    stepCode: s.step.step.code,
    detail: s.step.detail.toString(),
    businessDate: s.step.businessDate,
    data: c.canonical,
    salt: c.salt,
    commitment: c.commitment,
    state: "queued",
  };
}

interface Pending {
  steps: NewStep[];
  rows: Omit<StepRow, "caseId" | "createdAt">[];
  erase: boolean;
  resolve: (rows: InsertedStep[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Rows per group; a larger write goes alone. On PostgreSQL every group is a transaction of round trips in
 * the store's one-at-a-time write queue (store/serialized.ts), so fewer, larger groups are cheaper there;
 * on SQLite a group holds the event loop while its rows are written, one prepared statement each.
 */
const MAX_GROUP = { sqlite: 256, postgres: 1024 };
/** At most this many event-loop turns of waiting for more writes (each well under a millisecond). */
const MAX_TURNS = 4;
/** caseRef -> Case.id entries kept at most (then the cache starts afresh). */
const CASE_CACHE_MAX = 100_000;

export class StepWriter {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private draining = false;
  /** caseRef -> Case.id, only for committed rows (cases are never deleted, their id never changes). */
  private readonly caseIds = new Map<string, number>();

  private readonly maxGroup: number;

  constructor(private readonly db: Db) {
    this.maxGroup = isPostgres(db) ? MAX_GROUP.postgres : MAX_GROUP.sqlite;
  }

  /** The id of a case this writer has written a step for, without a query. */
  knownCaseId(caseRef: string): number | undefined {
    return this.caseIds.get(caseRef);
  }

  /** Queue the steps of `w` (all or none); resolves with their rows, in order, once they are committed. */
  write(w: StepWrite): Promise<InsertedStep[]> {
    if (w.erase && w.steps.length !== 1) throw new Error("an erasing write carries exactly its ERASED step");
    const rows = w.steps.map(rowOf);
    return new Promise<InsertedStep[]>((resolve, reject) => {
      this.queue.push({ steps: w.steps, rows, erase: w.erase ?? false, resolve, reject });
      this.queuedRows += rows.length;
      if (!this.draining) void this.drain();
    });
  }

  /**
   * Let the requests that are already in the socket buffers reach the queue: one event-loop turn more
   * while the queue still grows (better-sqlite3 is synchronous, so without this a group is one write).
   */
  private async gather(): Promise<void> {
    for (let turns = 0, seen = -1; this.queue.length !== seen && this.queuedRows < this.maxGroup && turns < MAX_TURNS; turns++) {
      seen = this.queue.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The next group: writes in arrival order while they fit (the first always). */
  private takeGroup(): Pending[] {
    let n = 0;
    let rows = 0;
    while (n < this.queue.length && (n === 0 || rows + this.queue[n].rows.length <= this.maxGroup)) rows += this.queue[n++].rows.length;
    this.queuedRows -= rows;
    return this.queue.splice(0, n);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        await this.gather();
        await this.flush();
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Write the next group. It is taken once the transaction has its turn, not before: on PostgreSQL a
   * transaction may wait tens of milliseconds behind others (store/serialized.ts), and the writes that
   * arrive meanwhile join this group instead of waiting for a transaction of their own.
   */
  private async flush(): Promise<void> {
    let group: Pending[] = [];
    let written: InsertedStep[][];
    try {
      written = await serialized(this.db, async (tx) => {
        group = this.takeGroup();
        const createdAt = new Date();
        if (!group.some((p) => p.erase)) {
          // One insert for the whole group, split again in order: on PostgreSQL each statement is a round
          // trip inside the store's one-at-a-time write queue (one a request cost more than the rest together).
          const all = await this.insert(tx, { steps: group.flatMap((p) => p.steps), rows: group.flatMap((p) => p.rows), erase: false, resolve: () => undefined, reject: () => undefined }, createdAt);
          let at = 0;
          return group.map((p) => all.slice(at, (at += p.rows.length)));
        }
        const out: InsertedStep[][] = [];
        for (const p of group) out.push(await this.insert(tx, p, createdAt));
        return out;
      });
    } catch (err) {
      // Nothing of the group was written. A write tried alone gets the error; the others run again one
      // write a transaction, in order, so only the offending writes fail (all of them when the transaction
      // could not even begin and took no group).
      if (group.length === 1) group[0].reject(err);
      else for (const p of group.length ? group : this.takeGroup()) await this.alone(p);
      return;
    }
    group.forEach((p, i) => this.settle(p, written[i]));
  }

  private alone(p: Pending): Promise<void> {
    return serialized(this.db, (tx) => this.insert(tx, p, new Date())).then(
      (rows) => this.settle(p, rows),
      (err: unknown) => p.reject(err),
    );
  }

  private settle(p: Pending, rows: InsertedStep[]): void {
    rows.forEach((r, i) => {
      if (this.caseIds.size >= CASE_CACHE_MAX) this.caseIds.clear();
      this.caseIds.set(p.steps[i].caseRef, r.caseId);
    });
    p.resolve(rows);
  }

  /** One write inside the group's transaction: partner cases' rows, the steps, and for ERASED the erasure. */
  private async insert(tx: Tx, p: Pending, createdAt: Date): Promise<InsertedStep[]> {
    const caseIds: number[] = [];
    for (const s of p.steps) {
      // A partner's case known only from the ledger gets its row now (no personal data, placeholder file number).
      caseIds.push(
        s.caseId ??
          (await tx.case.upsert({ where: { caseRef: s.caseRef }, create: { caseRef: s.caseRef, fileNumber: placeholderFileNumber(s.caseRef) }, update: {}, select: { id: true } }))
            .id,
      );
    }
    const inserted = await bulkInsert(
      tx,
      "Step",
      [...STEP_COLUMNS],
      p.rows.map((r, i): StepRow => ({ ...r, caseId: caseIds[i], createdAt })),
      { returning: ["id", "eventId", "caseId"] },
    );
    const byEventId = new Map(inserted.map((r) => [r.eventId, r]));
    const rows = p.rows.map((r): InsertedStep => {
      const row = byEventId.get(r.eventId);
      if (!row) throw new Error(`the insert returned no row for event id ${r.eventId}`);
      return row;
    });
    if (p.erase) await eraseOffChainData(tx, rows[0].caseId, p.steps[0].caseRef, rows[0].id);
    return rows;
  }
}

async function eraseOffChainData(tx: Tx, caseId: number, caseRef: string, markerId: number): Promise<void> {
  await tx.step.updateMany({ where: { caseId, id: { not: markerId } }, data: { data: null, salt: null } });
  await tx.case.update({
    where: { id: caseId },
    data: { fileNumber: placeholderFileNumber(caseRef), familyName: null, givenNames: null, dateOfBirth: null, nationality: null, erasedAt: new Date() },
  });
}
