// One place that declares an endpoint: method, path, who may call it, the zod schemas of its inputs and
// outputs, and the handler. The same declaration registers the Fastify route and feeds the OpenAPI document.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Principal } from "../auth/roles";
import type { ServiceContext } from "../context";
import { invalidInput, type FieldError } from "./problem";
import { parseWith } from "./validation";
import { authorize, type Access } from "./security";

export type { Access } from "./security";

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** the caller; always set on routes that are not public */
  principal: Principal;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
> {
  method: "GET" | "POST" | "DELETE";
  /** Fastify path, parameters as `:name` */
  url: string;
  operationId: string;
  tag: string;
  /** German / English */
  summary: string;
  description?: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** checks on the raw body that must answer before the schema does (e.g. the agency boundary) */
  precheck?: (rawBody: unknown) => void;
  responses: Record<number, ResponseSpec>;
  handler: (input: HandlerInput<P, Q, B>) => Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any>;

export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}

/** A body that counts as "no body": absent, or an empty JSON object. */
function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || (typeof body === "object" && !Array.isArray(body) && Object.keys(body as object).length === 0);
}

/**
 * Whether the request carries a body, from its headers: Fastify does not read the body of a GET, so without
 * this a GET with a body would be answered as if it had none.
 */
function announcesBody(req: FastifyRequest): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

// What a route without a params, query or body schema accepts. Built once: zod builds (and on its first parse
// compiles) a schema when it is created, which cost a tenth of the service's CPU when done per request.
const NO_PARAMS = z.object({});
const NO_QUERY = z.strictObject({});
const NO_BODY = z.undefined();

/** Parse params, query and body together, so that one answer names every invalid field. */
function parseInputs(spec: AnyRouteSpec, req: FastifyRequest): { params: unknown; query: unknown; body: unknown } {
  const errors: FieldError[] = [];
  const take = (schema: z.ZodType | undefined, raw: unknown, fallback: z.ZodType): unknown => {
    const r = parseWith(schema ?? fallback, raw);
    if (!r.ok) errors.push(...r.errors);
    return r.ok ? r.value : undefined;
  };
  const params = take(spec.params, req.params ?? {}, NO_PARAMS);
  // An empty query value (`?kind=`) means "not given", as forms and UIs send it.
  const rawQuery = Object.fromEntries(Object.entries((req.query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ""));
  const query = take(spec.query, rawQuery, NO_QUERY);
  let body: unknown;
  if (spec.body) {
    if (req.body === undefined) {
      errors.push({ field: "body", message: "JSON-Inhalt fehlt / JSON body missing" });
    } else {
      spec.precheck?.(req.body);
      body = take(spec.body, req.body, NO_BODY);
    }
  } else if (!isEmptyBody(req.body) || (req.method === "GET" && announcesBody(req))) {
    errors.push({ field: "body", message: "Diese Anfrage hat keinen Inhalt / This request takes no body" });
  }
  if (errors.length) throw invalidInput(errors);
  return { params, query, body };
}

export function registerRoute(app: FastifyInstance, ctx: ServiceContext, spec: AnyRouteSpec): void {
  app.route({
    method: spec.method,
    url: spec.url,
    onRequest: [authorize(ctx, spec.access)],
    handler: async (req, reply) => {
      const { params, query, body } = parseInputs(spec, req);
      return spec.handler({ params, query, body, principal: req.principal as Principal, req, reply });
    },
  });
}
