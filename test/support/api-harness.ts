// A real agency API for tests: a fresh SQLite database in a temp dir (migrated with the committed
// migrations), buildApi listening on a free port, real fetch. The chain port is the real ChainAdapter
// against a throwaway anvil (test/support/chain.ts); outbox and listener are small in-test ports that
// only count wake-ups, since these tests are about the API, not the chain side.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../services/agency/config";
import { serviceContext, type ChainPort, type ListenerPort, type OutboxPort, type ServiceContext } from "../../services/agency/context";
import { openDb, type Db } from "../../services/agency/store/db";
import { migrateIfNeeded } from "../../services/agency/store/migrate-if-needed";
import { tuneSqlite } from "../../services/agency/store/sqlite-tuning";
import { buildApi } from "../../services/agency/api/server";
import type { ApiOptions } from "../../services/agency/api/deps";
import { ensureApiClient, ensureUser } from "../../services/agency/auth/bootstrap";
import { ChainAdapter } from "../../services/agency/chain/adapter";
import { CODE_LISTS, PILOT_AGENCIES, codeListHash, type AgencyKey } from "../../services/shared/codelists";
import type { TestChain } from "./chain";
import { freshPostgresUrl, onPostgres } from "./postgres";

export const ROLES = ["clerk", "auditor", "admin"] as const;
export type TestRole = (typeof ROLES)[number];

export interface CallOptions {
  token?: string;
  cookie?: string;
  csrf?: string;
  body?: unknown;
  /** sent as is (with `contentType`) instead of JSON */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export class CountingOutbox implements OutboxPort {
  wakes = 0;
  wake(): void {
    this.wakes++;
  }
}

export const quietListener: ListenerPort = { lagBlocks: () => 0, onStored: () => () => undefined };

export interface ApiHarness {
  agency: AgencyKey;
  url: string;
  db: Db;
  config: Config;
  app: FastifyInstance;
  ctx: ServiceContext;
  outbox: CountingOutbox;
  /** every log line the service wrote */
  logs: string[];
  /** API tokens per role */
  tokens: Record<TestRole, string>;
  /** passwords of the users `<agency>.<role>` */
  passwords: Record<TestRole, string>;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  /** log in as `<agency>.<role>`: the cookie header value and the CSRF token */
  login(role: TestRole): Promise<{ cookie: string; csrf: string }>;
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  agency: AgencyKey;
  chain: ChainPort;
  consortiumKey?: Buffer;
  config?: Partial<Config>;
  api?: ApiOptions;
  localCodeListHash?: string;
}

/** The ChainAdapter for `agency` on a test chain (the port main.ts passes in production). */
export function chainPortFor(chain: TestChain, agency: AgencyKey): ChainAdapter {
  return new ChainAdapter({
    rpcUrl: chain.rpcUrl,
    chainId: chain.deployment.chainId,
    ledgerAddress: chain.deployment.contracts.ProcedureLedger.address,
    deploymentBlock: chain.deployment.block,
    wallet: chain.wallets[agency as keyof TestChain["wallets"]]!,
    requestTimeoutMs: 2000,
  });
}

export const TEST_CONSORTIUM_KEY = Buffer.alloc(32, 7);

export async function startApi(o: HarnessOptions): Promise<ApiHarness> {
  const dir = mkdtempSync(join(tmpdir(), `anker-api-${o.agency.toLowerCase()}-`));
  // SQLite in the temp folder, or a fresh database on the test PostgreSQL (ANKER_TEST_DB=postgres).
  const databaseUrl = onPostgres() ? await freshPostgresUrl(`api_${o.agency}`) : `file:${join(dir, "agency.db")}`;
  await migrateIfNeeded(databaseUrl);
  const db = openDb(databaseUrl);
  await tuneSqlite(db, databaseUrl);
  const pilot = PILOT_AGENCIES.find((p) => p.key === o.agency);
  const config: Config = {
    agency: o.agency,
    agencyCode: pilot?.code ?? 3,
    agencyType: pilot?.type ?? "DISTRICT_AUTHORITY",
    agencyScope: pilot?.scope ?? 14625,
    identityFromSettings: { type: false, scope: false },
    host: "127.0.0.1",
    port: 0,
    dataDir: dir,
    databaseUrl,
    consortiumKey: o.consortiumKey ?? TEST_CONSORTIUM_KEY,
    outboxBatchSize: 100,
    outboxPollMs: 200,
    outboxMaxInFlight: 3,
    appealPeriodDays: 14,
    listenerPollMs: 250,
    logsMaxBlockRange: 5000,
    checkpointEveryBlocks: 50,
    rateLimitPerMinute: 100_000,
    bodyLimitBytes: 64 * 1024,
    sessionHours: 8,
    demoMode: false,
    logLevel: "info",
    // tests try many wrong passwords from one address; api-auth-throttle.test.ts sets its own limits
    loginThrottle: { accountFailures: 1000, sourceFailures: 1000, baseMs: 1000, maxMs: 1000 },
    ...o.config,
  };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      cb();
    },
  });
  const log = pino({ level: "info" }, sink);
  const outbox = new CountingOutbox();
  const ctx = serviceContext({
    config,
    db,
    log,
    chain: o.chain,
    outbox,
    listener: quietListener,
    localCodeListHash: o.localCodeListHash ?? codeListHash(CODE_LISTS),
  });
  const app = await buildApi(ctx, { loginAttemptsPerMinute: 1000, ...o.api });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;

  const a = o.agency.toLowerCase();
  const tokens = {} as Record<TestRole, string>;
  const passwords = {} as Record<TestRole, string>;
  for (const role of ROLES) {
    tokens[role] = `test-${a}-${role}-token-0123456789`;
    passwords[role] = `${a}-${role}-password-long`;
    await ensureApiClient(db, { name: `${a}-${role}-app`, token: tokens[role], role }, ctx.principals);
    await ensureUser(db, { username: `${a}.${role}`, password: passwords[role], role, displayName: `${o.agency} ${role}` });
  }

  const call = async (method: string, path: string, opts: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    if (opts.cookie !== undefined) headers.cookie = opts.cookie;
    if (opts.csrf !== undefined) headers["x-csrf-token"] = opts.csrf;
    let body: string | undefined;
    if (opts.rawBody !== undefined) {
      body = opts.rawBody;
      if (opts.contentType) headers["content-type"] = opts.contentType;
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] = opts.contentType ?? "application/json";
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  return {
    agency: o.agency,
    url,
    db,
    config,
    app,
    ctx,
    outbox,
    logs,
    tokens,
    passwords,
    call,
    async login(role) {
      const res = await call("POST", "/api/session", { body: { username: `${a}.${role}`, password: passwords[role] } });
      if (res.status !== 200) throw new Error(`login as ${role} failed: ${res.status} ${res.text}`);
      const setCookie = res.headers.get("set-cookie") ?? "";
      return { cookie: setCookie.split(";")[0], csrf: res.json.csrfToken };
    },
    async counts() {
      const [c, s, l, n, u, k, ss, le] = await Promise.all([
        db.case.count(),
        db.step.count(),
        db.accessLog.count(),
        db.notification.count({ where: { acknowledgedAt: { not: null } } }),
        db.user.count(),
        db.apiClient.count(),
        db.session.count(),
        db.ledgerEvent.count(),
      ]);
      return { cases: c, steps: s, accessLogs: l, acknowledged: n, users: u, apiClients: k, sessions: ss, ledgerEvents: le };
    },
    async close() {
      await app.close();
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
