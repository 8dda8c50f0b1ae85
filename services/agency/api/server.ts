// The agency service's HTTP API (JSON; errors as RFC 9457 problem+json). buildApi assembles it without
// listening: main.ts listens. Order of every request: principal -> rate limit (per API client, session or
// address) -> route authorisation (401/403/CSRF) -> body parsing (JSON only, size limit) -> zod
// validation -> handler. What is refused before that (HTTP parser, router, Host) is protocol-errors.ts.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from "fastify";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import compress from "@fastify/compress";
import type { ServiceContext } from "../context";
import { CodeListGuard } from "./code-list-guard";
import type { ApiDeps, ApiOptions } from "./deps";
import { errorHandler, notFoundHandler } from "./errors";
import { httpMetrics } from "./http-metrics";
import { ProblemError } from "./problem";
import { checkRequestLine, clientErrorHandler, frameworkErrors } from "./protocol-errors";
import { onResponseLogger } from "./request-log";
import { registerRoute, type AnyRouteSpec } from "./route";
import { rateLimitKey, resolvePrincipal } from "./security";
import { adminRoutes } from "./routes/admin";
import { alertRoutes } from "./routes/alerts";
import { allocationRoutes } from "./routes/allocation";
import { auditRoutes } from "./routes/audit";
import { authRoutes } from "./routes/auth";
import { caseRoutes } from "./routes/cases";
import { deadlineRoutes } from "./routes/deadlines";
import { docsRoutes } from "./routes/docs";
import { eventRoutes } from "./routes/events";
import { exportRoutes } from "./routes/exports";
import { healthRoutes } from "./routes/health";
import { ledgerStatusRoutes } from "./routes/ledger-status";
import { metaRoutes } from "./routes/meta";
import { membershipRoutes } from "./routes/membership";
import { notificationRoutes } from "./routes/notifications";
import { sessionRoutes } from "./routes/session";
import { statsRoutes } from "./routes/stats";
import { stepRoutes } from "./routes/steps";
import { timelineRoutes } from "./routes/timeline";

const rateLimited = (_req: unknown, context: { after: string }) =>
  new ProblemError("rate-limited", `Zu viele Anfragen; erneut versuchen in ${context.after} / Too many requests; retry in ${context.after}`);

/** What the route modules get: the context, the code-list guard and the options with their defaults. */
export function apiDeps(ctx: ServiceContext, opts: ApiOptions = {}): ApiDeps {
  const options: Required<ApiOptions> = { codeListCacheMs: opts.codeListCacheMs ?? 5000, loginAttemptsPerMinute: opts.loginAttemptsPerMinute ?? 30 };
  return { ctx, guard: new CodeListGuard(ctx, options.codeListCacheMs), options };
}

/** Every route of the API, the documentation routes included (they describe this same list). */
export function apiRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const routes: AnyRouteSpec[] = [
    ...healthRoutes(deps),
    ...sessionRoutes(deps),
    ...authRoutes(deps),
    ...caseRoutes(deps),
    ...stepRoutes(deps),
    ...timelineRoutes(deps),
    ...alertRoutes(deps),
    ...notificationRoutes(deps),
    ...eventRoutes(deps),
    ...allocationRoutes(deps),
    ...deadlineRoutes(deps),
    ...exportRoutes(deps),
    ...auditRoutes(deps),
    ...adminRoutes(deps),
    ...membershipRoutes(deps),
    ...metaRoutes(deps),
    ...statsRoutes(deps),
    ...ledgerStatusRoutes(deps),
  ];
  routes.push(...docsRoutes(() => routes, deps.ctx.config.agency));
  return routes;
}

export async function buildApi(ctx: ServiceContext, opts: ApiOptions = {}): Promise<FastifyInstance> {
  const deps = apiDeps(ctx, opts);
  const { options } = deps;
  const log = ctx.log.child(
    { component: "api" },
    {
      // Belt and braces: nothing below logs requests whole, but if anything does, no secrets leave.
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]', "*.password", "*.token", "*.csrfToken"],
        censor: "[redacted]",
      },
      serializers: { req: (r: { method?: string; routeOptions?: { url?: string } }) => ({ method: r.method, route: r.routeOptions?.url }) },
    },
  );
  const app = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.bodyLimitBytes,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    trustProxy: false,
    // Everything refused before a handler answers problem+json too (protocol-errors.ts).
    clientErrorHandler,
    frameworkErrors,
    http: { requireHostHeader: false },
  });
  // JSON only. An empty body counts as no body (some clients send the header on every POST).
  const json = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) =>
    (body as string).length === 0 ? done(null, undefined) : json(req, body as string, done),
  );
  app.decorateRequest("principal", null);
  app.decorateRequest("credentialsInvalid", false);

  await app.register(cookie);
  // Answers (JSON, the web app's files) go out compressed when the client accepts it (br, then gzip);
  // request bodies stay as they are (no decompression: a compressed body is refused as before). The
  // event stream is written on the raw response and never compressed (it must flush each event).
  await app.register(compress, { global: true, threshold: 1024, encodings: ["br", "gzip"], globalDecompression: false });
  await app.register(rateLimit, { global: false });

  app.addHook("onRequest", checkRequestLine);
  app.addHook("onRequest", resolvePrincipal(ctx));
  // One limiter: per API client, session or address; login attempts counted apart, per address, stricter.
  const isLogin = (req: FastifyRequest) => req.method === "POST" && req.routeOptions.url === "/api/session";
  app.addHook(
    "onRequest",
    app.rateLimit({
      timeWindow: 60_000,
      keyGenerator: (req) => (isLogin(req) ? `login:${req.ip}` : rateLimitKey(req)),
      max: (_req, key) => (key.startsWith("login:") ? options.loginAttemptsPerMinute : ctx.config.rateLimitPerMinute),
      errorResponseBuilder: rateLimited,
    }),
  );

  app.addHook("onSend", async (_req, reply) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    reply.header("x-frame-options", "DENY");
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    if (!reply.hasHeader("content-security-policy")) reply.header("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
  });
  app.addHook("onResponse", onResponseLogger(httpMetrics()));
  app.setErrorHandler(errorHandler(ctx.config.bodyLimitBytes));
  app.setNotFoundHandler(notFoundHandler);

  // Open event streams never end by themselves: end them, or close() would wait for them.
  app.addHook("preClose", async () => ctx.live.close());
  const routes = apiRoutes(deps);
  for (const r of routes) registerRoute(app, ctx, r);
  return app;
}
