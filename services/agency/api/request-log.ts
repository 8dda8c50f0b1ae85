// One log line per request, without personal data: method, route pattern (never the URL with its query,
// which may hold a file number), status, duration, the case reference if the path has a valid one, the
// caller. No bodies, no headers (so no Authorization, no cookies).
import type { FastifyReply, FastifyRequest } from "fastify";
import { actorOf } from "../auth/roles";
import type { HttpMetrics } from "./http-metrics";

const CASE_REF = /^0x[0-9a-fA-F]{64}$/;

export function routeOf(req: FastifyRequest): string {
  return req.routeOptions.url ?? "(unmatched)";
}

export function onResponseLogger(metrics: HttpMetrics) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const route = routeOf(req);
    const caseRef = (req.params as { caseRef?: unknown } | undefined)?.caseRef;
    metrics.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    req.log.info(
      {
        method: req.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(typeof caseRef === "string" && CASE_REF.test(caseRef) ? { caseRef: caseRef.toLowerCase() } : {}),
        ...(req.principal ? { actor: actorOf(req.principal) } : {}),
      },
      "request",
    );
  };
}
