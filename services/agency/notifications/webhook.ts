// Delivery of notifications to the specialist application's webhook: POST of signed JSON, retried with
// exponential backoff; the state (pending / delivered / failed), attempts and last error stay visible in
// the Notification row. At-least-once: a receiver deduplicates by the notification id in the body.
import type { Logger } from "pino";
import type { Db } from "../store/db";
import type { Notification } from "../generated/prisma/client";
import { metrics } from "../metrics";
import { ServiceLoop } from "../util/service-loop";
import { serialized } from "../store/serialized";
import { signBody, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./signature";

export interface WebhookOptions {
  url: string;
  secret: string;
  agency: string;
  /** attempts before a notification is marked failed */
  maxAttempts?: number;
  timeoutMs?: number;
  /** first retry delay; doubles per attempt up to maxDelayMs */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** how often to look for due deliveries without a wake() */
  pollMs?: number;
  /** the endpoint as it is now (the admin area may change it while the service runs); default url and secret */
  endpoint?: () => Promise<{ url: string; secret: string } | undefined>;
}

const BATCH = 20;

export function retryDelayMs(attempts: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

export class WebhookDelivery extends ServiceLoop {

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: WebhookOptions,
  ) {
    super();
  }

  protected async run(): Promise<void> {
    while (this.running) {
      let delivered = 0;
      try {
        delivered = await this.deliverDue();
      } catch (err) {
        this.log.error({ err: (err as Error).message }, "webhook delivery loop failed");
      }
      if (delivered < BATCH) await this.waker.sleep(await this.untilNextDue());
    }
  }

  private async untilNextDue(): Promise<number> {
    const poll = this.opts.pollMs ?? 1000;
    const next = await this.db.notification.findFirst({
      where: { deliveryState: "pending" },
      orderBy: { nextDeliveryAt: "asc" },
      select: { nextDeliveryAt: true },
    });
    if (!next?.nextDeliveryAt) return poll;
    return Math.max(0, Math.min(poll, next.nextDeliveryAt.getTime() - Date.now()));
  }

  /** Deliver what is due now, highest priority first; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    const due = await this.db.notification.findMany({
      where: { deliveryState: "pending", nextDeliveryAt: { lte: new Date() } },
      orderBy: [{ priority: "asc" }, { id: "asc" }],
      take: BATCH,
    });
    if (due.length === 0) return 0;
    const endpoint = this.opts.endpoint ? await this.opts.endpoint() : { url: this.opts.url, secret: this.opts.secret };
    if (!endpoint) return 0;
    await Promise.all(due.map((n) => this.deliver(n, endpoint)));
    return due.length;
  }

  private async deliver(n: Notification, endpoint: { url: string; secret: string }): Promise<void> {
    const timestamp = Math.floor(Date.now() / 1000);
    const attempt = n.deliveryAttempts + 1;
    const body = JSON.stringify({
      id: n.id,
      sourceKey: n.sourceKey,
      agency: this.opts.agency,
      kind: n.kind,
      priority: n.priority,
      caseRef: n.caseRef,
      ledgerEventId: n.eventId,
      payload: JSON.parse(n.payload),
      createdAt: n.createdAt.toISOString(),
      attempt,
      timestamp,
    });
    let error: string | undefined;
    try {
      const res = await fetch(endpoint.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: signBody(endpoint.secret, body),
          [TIMESTAMP_HEADER]: String(timestamp),
        },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      const e = err as { name?: string; message?: string; cause?: { code?: string } };
      error = e.cause?.code ?? (e.name === "TimeoutError" ? "timeout" : (e.message ?? String(err)));
    }

    if (!error) {
      metrics.webhookDeliveries.inc({ result: "delivered" });
      await serialized(this.db, (tx) => tx.notification.update({
        where: { id: n.id },
        data: { deliveryState: "delivered", deliveryAttempts: attempt, nextDeliveryAt: null, lastDeliveryError: null },
      }));
      return;
    }
    const maxAttempts = this.opts.maxAttempts ?? 10;
    const giveUp = attempt >= maxAttempts;
    metrics.webhookDeliveries.inc({ result: giveUp ? "failed" : "retry" });
    const retryAt = new Date(Date.now() + retryDelayMs(attempt, this.opts.baseDelayMs ?? 1000, this.opts.maxDelayMs ?? 300_000));
    await serialized(this.db, (tx) => tx.notification.update({
      where: { id: n.id },
      data: {
        deliveryState: giveUp ? "failed" : "pending",
        deliveryAttempts: attempt,
        nextDeliveryAt: giveUp ? null : retryAt,
        lastDeliveryError: error.slice(0, 200),
      },
    }));
    this.log.warn({ notification: n.id, kind: n.kind, attempt, error, gaveUp: giveUp }, "webhook delivery failed");
  }
}
