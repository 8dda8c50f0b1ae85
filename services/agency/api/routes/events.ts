// GET /api/events/stream: the live stream the web app keeps open (server-sent events) instead of polling.
// HTTP only: the stream is services/agency/live/stream.ts, the changes come from the hub in the context.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { LiveStreamQuery, LIVE_EVENT_TYPES } from "../../../shared/contract";
import { serveStream } from "../../live/stream";

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 1_000;
const SESSION_CHECK_MS = HEARTBEAT_MS;

export function eventRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/events/stream",
      operationId: "eventStream",
      tag: TAG.notifications,
      summary: "Live-Ereignisse (Server-Sent Events) / Live events (server-sent events)",
      description:
        `Bleibt offen und sendet Ereignisse (${LIVE_EVENT_TYPES.join(", ")}) mit JSON-Daten: neue Benachrichtigungen (auch Stopps), gespeicherte Ledger-Ereignisse, Fortschritt eigener Schritte, Quittierungen. ` +
        "Nur Kennungen, keine personenbezogenen Daten. Jede Benachrichtigung und jedes Ledger-Ereignis trägt eine id; nach einer Unterbrechung sendet der Browser sie als Last-Event-ID und erhält das Versäumte (bei zu vielem: resync). " +
        `Herzschlag als Kommentarzeile alle ${HEARTBEAT_MS / 1000} s. / ` +
        `Stays open and sends events (${LIVE_EVENT_TYPES.join(", ")}) with JSON data: new notifications (stops included), stored ledger events, progress of this agency's steps, acknowledgements. ` +
        "Ids only, no personal data. Every notification and ledger event carries an id; after a drop the browser sends it as Last-Event-ID and receives what it missed (resync when too much). " +
        `Heartbeat comment line every ${HEARTBEAT_MS / 1000} s.`,
      access: ACCESS.caseReaders,
      query: LiveStreamQuery,
      responses: {
        200: { description: "Ereignisstrom / event stream (text/event-stream)", contentType: "text/event-stream" },
      },
      handler: async ({ query, req, reply, principal }) => {
        const header = req.headers["last-event-id"];
        reply.hijack();
        // A person's stream ends with their session (logout, expiry): checked as often as the heartbeat;
        // the browser's reconnect is then refused (401) and the app goes to its login page.
        if (principal.kind === "user") {
          const { sessionId, expiresAt } = principal;
          const check = setInterval(() => {
            void ctx.db.session
              .findUnique({ where: { id: sessionId }, select: { id: true } })
              .then((s) => {
                if (!s || expiresAt.getTime() <= Date.now()) reply.raw.destroy(); // destroy, not end: a write after end would throw
              })
              .catch(() => undefined);
          }, SESSION_CHECK_MS);
          check.unref();
          reply.raw.on("close", () => clearInterval(check));
        }
        await serveStream(ctx.live, reply.raw, {
          lastEventId: (Array.isArray(header) ? header[0] : header) ?? query.lastEventId,
          heartbeatMs: HEARTBEAT_MS,
          retryMs: RETRY_MS,
        });
        return reply;
      },
    }),
  ];
}
