// Errors answered before a route's handler, as problem+json like every other error: requests Node's HTTP
// parser refuses (clientError: header overflow, conflicting Content-Length and Transfer-Encoding, a
// negative Content-Length, a NUL in a header, an unknown method), URLs the router cannot decode or whose
// parameter is too long (Fastify's frameworkErrors), and HTTP/1.1 requests without Host (Node's own check
// answers those with an empty 400, so the service turns it off and checks here).
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { MAX_PATH_LENGTH, PROBLEMS, PROBLEM_CONTENT_TYPE, ProblemError, problemTypeUri, sendProblem, type ProblemKind } from "./problem";

/** The headers every answer carries (server.ts's onSend hook does not run for these). */
const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};

function clientErrorProblem(code: string | undefined): { kind: ProblemKind; detail: string } {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return {
        kind: "headers-too-large",
        detail: "Pfad, Abfrage und Kopfzeilen zusammen zu groß (höchstens 16 KiB) / Path, query and headers too large together (at most 16 KiB)",
      };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { kind: "request-timeout", detail: "Die Anfrage kam nicht rechtzeitig vollständig an / The request did not arrive in time" };
    default:
      return {
        kind: "invalid-input",
        detail: "Die Anfrage verletzt das HTTP-Protokoll / The request violates the HTTP protocol",
      };
  }
}

/** Fastify's clientErrorHandler: the socket is all there is, so the answer is written by hand, then closed. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  if (socket.writable) {
    const { kind, detail } = clientErrorProblem(err.code);
    const status = PROBLEMS[kind].status;
    const body = JSON.stringify({
      type: problemTypeUri(kind),
      title: PROBLEMS[kind].title,
      status,
      detail,
      ...(kind === "invalid-input" ? { errors: [{ field: "request", message: "kein gültiges HTTP/1.1 / not valid HTTP/1.1" }] } : {}),
    });
    const headers = { "content-type": PROBLEM_CONTENT_TYPE, "content-length": String(Buffer.byteLength(body)), connection: "close", ...SECURITY_HEADERS };
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
  }
  socket.destroy();
}

/** Fastify's frameworkErrors: a URL the router cannot take. */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
  switch (err.code) {
    case "FST_ERR_BAD_URL":
      return sendProblem(
        req,
        reply,
        new ProblemError("invalid-input", "Der Pfad ist nicht gültig kodiert / The path is not validly encoded", [
          { field: "path", message: "ungültige %-Kodierung / invalid percent-encoding" },
        ]),
      );
    case "FST_ERR_MAX_PARAM_LENGTH":
      return sendProblem(
        req,
        reply,
        new ProblemError("uri-too-long", "Ein Pfadbestandteil ist zu lang (höchstens 100 Zeichen) / A path segment is too long (at most 100 characters)", [
          { field: "path", message: "zu lang / too long" },
        ]),
      );
    default:
      req.log.error({ err: { code: err.code, message: err.message } }, "router failed");
      return sendProblem(req, reply, new ProblemError("internal", "Ein interner Fehler ist aufgetreten / An internal error occurred"));
  }
}

/**
 * onRequest, before anything else: HTTP/1.1 requires Host (RFC 9112 §3.2; Node's own check would answer
 * without a body), and a path longer than any of ours is refused as such instead of being echoed in a 404.
 */
export async function checkRequestLine(req: FastifyRequest): Promise<void> {
  if (req.raw.httpVersion === "1.1" && !req.headers.host) {
    throw new ProblemError("invalid-input", "Kopfzeile Host fehlt / Host header missing", [{ field: "Host", message: "Pflichtangabe fehlt / Required field missing" }]);
  }
  const q = req.url.indexOf("?");
  if ((q === -1 ? req.url.length : q) > MAX_PATH_LENGTH) {
    throw new ProblemError("uri-too-long", `Pfad zu lang (höchstens ${MAX_PATH_LENGTH} Zeichen) / Path too long (at most ${MAX_PATH_LENGTH} characters)`, [
      { field: "path", message: "zu lang / too long" },
    ]);
  }
}
