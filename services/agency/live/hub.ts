// The live hub: one per service. It watches what the browser must see without a reload — ledger events the
// listener stored, notifications raised for this agency, acknowledgements, and this agency's own steps on
// their way to the chain — and hands each change to every open stream (api/routes/events.ts). It reads the
// database, so it sees the same rows the pages read, whoever wrote them (listener, deadline scheduler,
// another service instance on the same store): woken at once when the listener stores something or a step
// is queued, otherwise every `idleMs` while anyone listens; it does not run while nobody listens.
//
// Every notification and ledger message carries the cursor `<ledger row>.<notification row>` as its id, so
// a stream that reconnects with Last-Event-ID gets what it missed (catchUp) from the same rows.
import type { Logger } from "pino";
import type { Db } from "../store/db";
import type { LiveEventData, LiveEventType, LiveStep } from "../../shared/contract";
import { Waker } from "../util/waker";

export interface LiveMessage<T extends LiveEventType = LiveEventType> {
  type: T;
  data: LiveEventData[T];
}

export interface Cursor {
  ledger: number;
  notification: number;
}

export interface LiveHubOptions {
  /** how often to look for changes nobody announced (deadline notices, acknowledgements) */
  idleMs?: number;
  /** how often to look while this agency's steps are on their way to the chain */
  stepMs?: number;
  /** most missed messages a reconnecting stream is sent; more: it is told to read everything again */
  catchUpLimit?: number;
}

/** What the hub needs of the listener (context.ts's ListenerPort has it): a call after each stored batch. */
export interface StoredSignal {
  onStored(fn: () => void): () => void;
}

interface Subscriber {
  message(m: LiveMessage): void;
  /** the service is closing: end the stream */
  end(): void;
}

export function formatCursor(c: Cursor): string {
  return `${c.ledger}.${c.notification}`;
}

export function parseCursor(s: string | undefined): Cursor | undefined {
  const m = s ? /^(\d{1,12})\.(\d{1,12})$/.exec(s.trim()) : null;
  return m ? { ledger: Number(m[1]), notification: Number(m[2]) } : undefined;
}

const FINAL: ReadonlySet<string> = new Set(["confirmed", "failed"]);

export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly waker = new Waker();
  private readonly opts: Required<LiveHubOptions>;
  private running = false;
  /** one loop at a time: a loop left over from before a stop ends when it sees a newer generation */
  private generation = 0;
  private offStored?: () => void;
  private cursor?: Cursor;
  private lastAck?: number;
  /** this agency's steps not yet final: id -> last state sent */
  private readonly steps = new Map<number, string>();
  private watchSteps = true;
  /** the newest step row seen: a step queued and confirmed between two looks is still reported */
  private stepsSeen?: number;

  constructor(
    private readonly db: Db,
    private readonly listener: StoredSignal,
    private readonly log: Logger,
    opts: LiveHubOptions = {},
  ) {
    this.opts = { idleMs: opts.idleMs ?? 1000, stepMs: opts.stepMs ?? 100, catchUpLimit: opts.catchUpLimit ?? 500 };
  }

  /** Receive every change from now on; the hub runs while anyone is subscribed. */
  subscribe(message: (m: LiveMessage) => void, end: () => void): () => void {
    const sub: Subscriber = { message, end };
    this.subscribers.add(sub);
    if (!this.running) this.start();
    return () => {
      this.subscribers.delete(sub);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** A step was queued: follow the steps closely until they are final. */
  stepsQueued(): void {
    this.watchSteps = true;
    this.waker.wake();
  }

  /** The newest rows now. */
  async head(): Promise<Cursor> {
    const [l, n] = await Promise.all([this.db.ledgerEvent.aggregate({ _max: { id: true } }), this.db.notification.aggregate({ _max: { id: true } })]);
    return { ledger: l._max.id ?? 0, notification: n._max.id ?? 0 };
  }

  /** What was stored after `from`, in order; "resync" when that is more than a stream should be sent. */
  async since(from: Cursor): Promise<LiveMessage[] | "resync"> {
    const take = this.opts.catchUpLimit + 1;
    const [ledger, notifications] = await Promise.all([
      this.db.ledgerEvent.findMany({ where: { id: { gt: from.ledger } }, orderBy: { id: "asc" }, take, select: { id: true, name: true, caseRef: true, blockNumber: true } }),
      this.db.notification.findMany({ where: { id: { gt: from.notification } }, orderBy: { id: "asc" }, take, select: { id: true, kind: true, caseRef: true, priority: true } }),
    ]);
    if (ledger.length + notifications.length > this.opts.catchUpLimit) return "resync";
    return [
      ...ledger.map((r): LiveMessage<"ledger"> => ({ type: "ledger", data: r })),
      ...notifications.map((r): LiveMessage<"notification"> => ({ type: "notification", data: { ...r, kind: r.kind as LiveEventData["notification"]["kind"] } })),
    ];
  }

  /** The service is closing: end every stream and the loop. */
  close(): void {
    const subs = [...this.subscribers];
    this.subscribers.clear();
    for (const s of subs) s.end();
    this.stop();
  }

  private start(): void {
    this.running = true;
    const gen = ++this.generation;
    this.offStored = this.listener.onStored(() => this.waker.wake());
    void this.run(gen);
  }

  private stop(): void {
    this.running = false;
    this.offStored?.();
    this.offStored = undefined;
    this.cursor = undefined;
    this.lastAck = undefined;
    this.stepsSeen = undefined;
    this.steps.clear();
    this.waker.wake();
  }

  private async run(gen: number): Promise<void> {
    const mine = () => this.running && this.generation === gen;
    while (mine()) {
      try {
        await this.tick();
      } catch (err) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, "live hub: reading changes failed; trying again");
      }
      if (!mine()) break;
      await this.waker.sleep(this.watchSteps ? this.opts.stepMs : this.opts.idleMs);
    }
  }

  private publish(m: LiveMessage): void {
    for (const s of this.subscribers) s.message(m);
  }

  private async tick(): Promise<void> {
    if (!this.cursor) {
      this.cursor = await this.head();
    } else {
      const fresh = await this.since(this.cursor);
      if (fresh === "resync") {
        this.cursor = await this.head();
        this.publish({ type: "resync", data: {} });
      } else {
        for (const m of fresh) {
          if (m.type === "ledger") this.cursor.ledger = Math.max(this.cursor.ledger, (m.data as LiveEventData["ledger"]).id);
          if (m.type === "notification") this.cursor.notification = Math.max(this.cursor.notification, (m.data as LiveEventData["notification"]).id);
          this.publish(m);
        }
      }
    }
    await this.checkAcknowledgements();
    if (this.watchSteps || this.steps.size) await this.checkSteps();
  }

  private async checkAcknowledgements(): Promise<void> {
    const r = await this.db.notification.aggregate({ _max: { acknowledgedAt: true } });
    const at = r._max.acknowledgedAt?.getTime() ?? 0;
    if (this.lastAck !== undefined && at > this.lastAck) this.publish({ type: "acknowledged", data: { at: new Date(at).toISOString() } });
    this.lastAck = at;
  }

  private async checkSteps(): Promise<void> {
    if (this.stepsSeen === undefined) this.stepsSeen = (await this.db.step.aggregate({ _max: { id: true } }))._max.id ?? 0;
    const ids = [...this.steps.keys()];
    const rows = await this.db.step.findMany({
      where: { OR: [{ state: { in: ["queued", "submitted"] } }, { id: { gt: this.stepsSeen } }, ...(ids.length ? [{ id: { in: ids } }] : [])] },
      orderBy: { id: "asc" },
      take: 1000,
      select: { id: true, eventId: true, caseRef: true, state: true, blockNumber: true },
    });
    for (const r of rows) {
      if (this.steps.get(r.id) !== r.state) {
        this.publish({ type: "step", data: { eventId: r.eventId, caseRef: r.caseRef, state: r.state as LiveStep["state"], blockNumber: r.blockNumber } });
      }
      this.stepsSeen = Math.max(this.stepsSeen, r.id);
      if (FINAL.has(r.state)) this.steps.delete(r.id);
      else this.steps.set(r.id, r.state);
    }
    this.watchSteps = this.steps.size > 0;
  }
}
