// One open event stream (text/event-stream, https://html.spec.whatwg.org/multipage/server-sent-events.html):
// the messages missed since the browser's Last-Event-ID first, then every change the hub sees, and a comment
// line as heartbeat so that proxies and the browser keep the connection. Written by hand on the raw response
// (Fastify's reply is hijacked): the format is four kinds of line.
import type { ServerResponse } from "node:http";
import type { LiveEventData } from "../../shared/contract";
import { formatCursor, parseCursor, type Cursor, type LiveHub, type LiveMessage } from "./hub";

/** Security headers the API's onSend hook would add (a hijacked reply skips the hooks). */
const HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store",
  connection: "keep-alive",
  "x-accel-buffering": "no",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};

export interface StreamOptions {
  /** the Last-Event-ID header or query value, as sent */
  lastEventId: string | undefined;
  heartbeatMs: number;
  /** how long the browser waits before reconnecting after the connection drops */
  retryMs: number;
}

/** Serve the stream on `res` until the browser goes or the service closes. */
export async function serveStream(hub: LiveHub, res: ServerResponse, opts: StreamOptions): Promise<void> {
  res.writeHead(200, HEADERS);
  res.flushHeaders();
  let closed = false;
  const write = (text: string) => {
    if (!closed) res.write(text);
  };
  // Until the catch-up is written, live messages wait; afterwards anything already sent is skipped.
  const pending: LiveMessage[] = [];
  let caughtUp = false;
  let sent: Cursor = { ledger: 0, notification: 0 };
  const send = (m: LiveMessage) => {
    if (m.type === "ledger") {
      const id = (m.data as LiveEventData["ledger"]).id;
      if (id <= sent.ledger) return;
      sent = { ...sent, ledger: id };
    } else if (m.type === "notification") {
      const id = (m.data as LiveEventData["notification"]).id;
      if (id <= sent.notification) return;
      sent = { ...sent, notification: id };
    }
    // Only messages that move the cursor carry an id: the browser's Last-Event-ID stays the last cursor.
    const carriesCursor = m.type === "ledger" || m.type === "notification" || m.type === "ready" || m.type === "resync";
    write(`event: ${m.type}\n${carriesCursor ? `id: ${formatCursor(sent)}\n` : ""}data: ${JSON.stringify(m.data)}\n\n`);
  };

  const heartbeat = setInterval(() => write(": heartbeat\n\n"), opts.heartbeatMs);
  heartbeat.unref();
  let unsubscribe = (): void => undefined;
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  res.on("close", finish);
  unsubscribe = hub.subscribe(
    (m) => {
      if (caughtUp) send(m);
      else pending.push(m);
    },
    finish,
  );

  write(`retry: ${opts.retryMs}\n\n`);
  try {
    const from = parseCursor(opts.lastEventId);
    const head = await hub.head();
    // A cursor past the newest rows is from another store (reset, restored backup): start afresh.
    const unknown = (opts.lastEventId !== undefined && !from) || (from && (from.ledger > head.ledger || from.notification > head.notification));
    const missed = from && !unknown ? await hub.since(from) : [];
    if (unknown || missed === "resync") {
      sent = head;
      send({ type: "resync", data: {} });
    } else {
      sent = from ?? head;
      send({ type: "ready", data: { catchUp: missed.length } });
      for (const m of missed) send(m);
    }
  } catch {
    finish();
    return;
  }
  caughtUp = true;
  for (const m of pending.splice(0)) send(m);
}
