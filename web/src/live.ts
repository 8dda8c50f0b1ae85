// One live connection per tab: an EventSource on GET /api/events/stream (server-sent events) while someone
// is logged in. The browser reconnects by itself after a drop and sends the last event id, so the service
// sends what was missed; when the service refuses a reconnect (e.g. restarted, answered an error) the
// connection is opened anew with the id as query parameter, after a growing pause. Pages subscribe to the
// event types they show (hooks.ts: useLoad's `live`, useLiveEvent); nothing in the app polls.
import type { LiveEventData, LiveEventType } from "../../services/shared/contract";
import { ENDPOINTS } from "./endpoints";
import { request } from "./api";

export type { LiveEventType };
type Listener = <T extends LiveEventType>(type: T, data: LiveEventData[T]) => void;

const TYPES: readonly LiveEventType[] = ["ready", "notification", "ledger", "step", "acknowledged", "resync"];

const listeners = new Set<Listener>();
let source: EventSource | undefined;
let users = 0;
let lastEventId: string | undefined;
let reopenTimer: number | undefined;
let failures = 0;
/** the first "ready" of a page is the start, any later one a reconnect after which pages read again */
let readyCount = 0;

function dispatch<T extends LiveEventType>(type: T, data: LiveEventData[T]): void {
  for (const l of listeners) l(type, data);
}

function open(): void {
  const base = ENDPOINTS.eventStream.path;
  const url = lastEventId ? `${base}?lastEventId=${encodeURIComponent(lastEventId)}` : base;
  const es = new EventSource(url, { withCredentials: false });
  source = es;
  for (const type of TYPES) {
    es.addEventListener(type, (ev) => {
      const m = ev as MessageEvent<string>;
      if (m.lastEventId) lastEventId = m.lastEventId;
      let data: unknown;
      try {
        data = JSON.parse(m.data);
      } catch {
        return;
      }
      if (type === "ready") {
        failures = 0;
        readyCount++;
        // The start of the page is no news; a reconnect is: pages read again what the stream cannot repeat.
        if (readyCount === 1) return;
      }
      dispatch(type, data as LiveEventData[typeof type]);
    });
  }
  es.onerror = () => {
    // CONNECTING: the browser retries by itself (with Last-Event-ID). CLOSED: it gave up; open anew later.
    if (es.readyState !== EventSource.CLOSED || source !== es) return;
    source = undefined;
    failures++;
    // Refused: perhaps the session ended (logout in another tab, expiry; the service ends such a stream).
    // Asking who is logged in lets a 401 take the app to its login page, which closes the stream for good.
    if (failures === 1) void request("whoAmI", {}).catch(() => undefined);
    const wait = Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5));
    reopenTimer = window.setTimeout(() => {
      reopenTimer = undefined;
      if (users > 0 && !source) open();
    }, wait);
  };
}

function shut(): void {
  source?.close();
  source = undefined;
  if (reopenTimer !== undefined) window.clearTimeout(reopenTimer);
  reopenTimer = undefined;
  lastEventId = undefined;
  readyCount = 0;
  failures = 0;
}

/** Keep the connection open while the returned function is not called (the logged-in shell holds it). */
export function connectLive(): () => void {
  users++;
  if (users === 1 && !source) open();
  return () => {
    users = Math.max(0, users - 1); // closeLive may have set it to 0 already
    if (users === 0) shut();
  };
}

/** Logging out: the stream closes before the session ends, whoever still holds it (nothing reopens it). */
export function closeLive(): void {
  users = 0;
  shut();
}

/** Be told of every live event; returns the unsubscribe. */
export function onLive(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
