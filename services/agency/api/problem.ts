// Errors as RFC 9457 problem details (application/problem+json), in plain words, German first: the
// HTTP side of ../problems.ts (the refusal) and ../../shared/contract/problem.ts (the kinds and the body).
import type { FastifyReply, FastifyRequest } from "fastify";
import { PROBLEMS, PROBLEM_CONTENT_TYPE, problemTypeUri, type ProblemBody } from "../../shared/contract/problem";
import type { ProblemError } from "../problems";

export { PROBLEMS, PROBLEM_CONTENT_TYPE, problemTypeUri, type FieldError, type ProblemBody, type ProblemKind } from "../../shared/contract/problem";
export { ProblemError, invalidInput, notFound } from "../problems";

export function problemBody(p: ProblemError, instance?: string): ProblemBody {
  return {
    type: problemTypeUri(p.kind),
    title: PROBLEMS[p.kind].title,
    status: p.status,
    detail: p.detail,
    ...(instance ? { instance } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
    ...p.extensions,
  };
}

/** Longest path (without query) the service takes (protocol-errors.ts); its own paths are far shorter. */
export const MAX_PATH_LENGTH = 2048;

/** The request path without its query (the query may hold a file number); an overlong one is cut, not echoed. */
export function pathOf(req: FastifyRequest): string {
  const q = req.url.indexOf("?");
  const path = q === -1 ? req.url : req.url.slice(0, q);
  return path.length > MAX_PATH_LENGTH ? `${path.slice(0, MAX_PATH_LENGTH)}…` : path;
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, p: ProblemError): FastifyReply {
  for (const [k, v] of Object.entries(p.headers)) reply.header(k, v);
  return reply
    .code(p.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemBody(p, pathOf(req))));
}
