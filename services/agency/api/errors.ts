// Every error leaves as problem+json: our own ProblemErrors, Fastify's body-parsing errors (415, 413,
// invalid JSON), unknown routes (404), anything unexpected (500, without internals).
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ProblemError, sendProblem } from "./problem";

function fromFastify(err: FastifyError, bodyLimit: number): ProblemError | undefined {
  switch (err.code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ProblemError(
        "unsupported-media-type",
        "Der Inhalt muss JSON sein (Content-Type: application/json) / The body must be JSON (Content-Type: application/json)",
        [{ field: "Content-Type", message: "application/json erwartet / application/json expected" }],
      );
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ProblemError("body-too-large", `Höchstens ${bodyLimit} Bytes / At most ${bodyLimit} bytes`, [
        { field: "body", message: `Größer als ${bodyLimit} Bytes / Larger than ${bodyLimit} bytes` },
      ]);
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ProblemError("invalid-input", "Leerer JSON-Inhalt / Empty JSON body", [{ field: "body", message: "JSON-Inhalt fehlt / JSON body missing" }]);
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new ProblemError("invalid-input", "Der Inhalt ist kein gültiges JSON / The body is not valid JSON", [
        { field: "body", message: "Kein gültiges JSON / Not valid JSON" },
      ]);
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new ProblemError("invalid-input", "Content-Length passt nicht zum Inhalt / Content-Length does not match the body", [
        { field: "Content-Length", message: "passt nicht / does not match" },
      ]);
    default:
      return undefined;
  }
}

/** Only the error's name, code and first line: Prisma's messages can quote the query's arguments. */
export function safeError(err: unknown): Record<string, unknown> {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown };
  const firstLine = typeof e.message === "string" ? e.message.split("\n")[0].slice(0, 200) : undefined;
  const frames =
    typeof e.stack === "string"
      ? e.stack
          .split("\n")
          .filter((l) => l.trimStart().startsWith("at "))
          .slice(0, 8)
      : undefined;
  return { name: e.name, code: e.code, message: firstLine, stack: frames };
}

export function errorHandler(bodyLimit: number) {
  return (err: FastifyError | ProblemError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ProblemError) return sendProblem(req, reply, err);
    const known = fromFastify(err as FastifyError, bodyLimit);
    if (known) return sendProblem(req, reply, known);
    const status = (err as FastifyError).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      if (status === 404) return sendProblem(req, reply, new ProblemError("not-found", "Nicht gefunden / Not found"));
      return sendProblem(
        req,
        reply,
        new ProblemError("invalid-input", "Die Anfrage ist fehlerhaft / The request is malformed", [{ field: "request", message: "fehlerhaft / malformed" }]),
      );
    }
    req.log.error({ err: safeError(err) }, "request failed");
    return sendProblem(
      req,
      reply,
      new ProblemError("internal", "Ein interner Fehler ist aufgetreten; nichts Unvollständiges wurde gespeichert / An internal error occurred"),
    );
  };
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(req, reply, new ProblemError("not-found", `Keine Schnittstelle ${req.method} unter diesem Pfad / No endpoint ${req.method} at this path`));
}
