// The live stream (GET /api/events/stream, text/event-stream): what the service pushes to the browser so
// that open pages update without polling. Each message is an SSE event whose `event:` is the type below and
// whose `data:` is the JSON object. Ids only, never personal data: a page that needs file numbers or names
// reads them through the ordinary endpoints, where roles decide what is shown.
import { z } from "zod";
import { NotificationKind } from "./notifications";
import { StepState } from "./steps";

/**
 * The cursor a message stands for: `<last ledger event row>.<last notification row>`. The browser sends it
 * back as Last-Event-ID when it reconnects, and gets what it missed.
 */
export const LiveCursor = z.string().regex(/^\d{1,12}\.\d{1,12}$/);

export const LIVE_EVENT_TYPES = ["ready", "notification", "ledger", "step", "acknowledged", "resync"] as const;
export const LiveEventType = z.enum(LIVE_EVENT_TYPES);

/** A notification raised for this agency (stop, alert, forward, …). */
export const LiveNotification = z.object({ id: z.number().int(), kind: NotificationKind, caseRef: z.string(), priority: z.number().int() });
/** A ledger event stored by the listener (any agency's). */
export const LiveLedgerEvent = z.object({ id: z.number().int(), name: z.string(), caseRef: z.string().nullable(), blockNumber: z.number().int() });
/** A step of this agency moved on (queued → submitted → confirmed, or failed). No cursor: the browser asks again after a reconnect. */
export const LiveStep = z.object({ eventId: z.string(), caseRef: z.string(), state: StepState, blockNumber: z.number().int().nullable() });
/** Notifications were acknowledged (by anyone of this agency): lists and the stop banner read again. */
export const LiveAcknowledged = z.object({ at: z.string() });
/** The connection is open (`catchUp`: how many missed messages follow). */
export const LiveReady = z.object({ catchUp: z.number().int() });
/** Too much was missed (or the cursor is unknown): read everything again. */
export const LiveResync = z.object({});

export const LiveStreamQuery = z.strictObject({
  lastEventId: LiveCursor.optional().describe(
    "wie der Kopf Last-Event-ID, für Clients, die ihn nicht setzen können / as the Last-Event-ID header, for clients that cannot set it",
  ),
});

export type LiveEventType = z.infer<typeof LiveEventType>;
export type LiveNotification = z.infer<typeof LiveNotification>;
export type LiveLedgerEvent = z.infer<typeof LiveLedgerEvent>;
export type LiveStep = z.infer<typeof LiveStep>;
export type LiveAcknowledged = z.infer<typeof LiveAcknowledged>;
export type LiveReady = z.infer<typeof LiveReady>;

/** The data of each event type. */
export interface LiveEventData {
  ready: LiveReady;
  notification: LiveNotification;
  ledger: LiveLedgerEvent;
  step: LiveStep;
  acknowledged: LiveAcknowledged;
  resync: Record<string, never>;
}
