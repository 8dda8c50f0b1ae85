// Settings of one agency service, from the environment or a JSON file named by ANKER_CONFIG
// (the environment wins). Validated at start: a bad setting stops the service with a clear message.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { DATA_DIR } from "../shared/paths";
import { DEFAULT_MAX_BLOCK_RANGE } from "../shared/log-range";
import { AGENCY_KEY_PATTERN, type AgencyKey, type AgencyTypeKey } from "../shared/vocab/types";
import { CODE_LISTS, PILOT_AGENCIES } from "../shared/vocab/codelists";
import { DEFAULT_LOGIN_THROTTLE, parseRoleMap, type LoginThrottleConfig, type OidcConfig } from "./auth/oidc-config";

const bool = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every setting of the agency service; the descriptions are the README's settings table (`npm run docs:settings`). */
export const Settings = z.object({
  AGENCY: z
    .string({ message: "AGENCY is required: the key of the agency this service runs for (BAMF, ZAB, or e.g. ABH-14625)" })
    .regex(AGENCY_KEY_PATTERN, { message: "AGENCY must be an agency key: a capital letter, then 1 to 23 capitals, digits or hyphens (BAMF, ZAB, ABH-14625)" })
    .describe("key of the agency this service runs for: `BAMF`, `ZAB`, or for a later member the key every member derives from the chain (`ABH-<district key>` for a district authority, e.g. `ABH-14625`; see services/agency/directory/directory.ts); also the name of its keystore (`keys/<key lowercased>.json`) and state folder"),
  AGENCY_CODE: int(1, 255)
    .optional()
    .describe("the agency's number on the ledger (1..255, the top byte of its event ids); default 1 for BAMF, 2 for ZAB, required otherwise"),
  AGENCY_TYPE: z
    .string()
    .optional()
    .describe("the agency's type (code list `agencyTypes`: FEDERAL_OFFICE, CENTRAL_AUTHORITY, DISTRICT_AUTHORITY); read from the chain at start, where a set value is checked against it; needed only to start before the agency has joined"),
  AGENCY_SCOPE: int(1, 99_999)
    .optional()
    .describe("the agency's scope: Land key (14 = Saxony) or, for a district authority, the district key (AGS); read from the chain like AGENCY_TYPE"),
  HOST: z.string().default("127.0.0.1").describe("interface the HTTP API listens on"),
  PORT: int(1, 65535).optional().describe("HTTP port (default 3001 for BAMF, 3002 for ZAB, required otherwise)"),
  ANKER_DATA_DIR: z.string().optional().describe("state folder: keys, deployment record, each agency's database and log (default `.data/` in the repository)"),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|file:)/, "must be a postgresql:// URL")
    .optional()
    .describe("`postgresql://user:password@host:port/database`: the store on PostgreSQL (created and migrated at start); without it SQLite at `<state folder>/<agency>/agency.db`. A `file:` value (the Prisma CLI's) is ignored by the service"),
  ANKER_RPC_URL: z.string().url().optional().describe("JSON-RPC endpoint of this agency's chain node (default: the deployment record's)"),
  ANKER_CONSORTIUM_KEY: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "must be 32 bytes as hex").optional().describe("consortium key that derives case references, 32 bytes hex (default: `keys/consortium.key` in the state folder)"),
  ANKER_KEYSTORE_PASSWORD: z.string().min(1).optional().describe("password of the agency keystores (default: the development password, with a warning)"),
  WEBHOOK_URL: z.string().url().optional().describe("the specialist application's webhook for notifications"),
  WEBHOOK_SECRET: z.string().min(16, "must have at least 16 characters").optional().describe("HMAC secret of the webhook signature (required with WEBHOOK_URL)"),
  OUTBOX_BATCH_SIZE: int(1, 500).default(100).describe("steps per `recordBatch` transaction"),
  OUTBOX_MAX_IN_FLIGHT: int(1, 32).default(3).describe("batch transactions in flight at once (consecutive nonces)"),
  OUTBOX_POLL_MS: int(5, 60_000).default(200).describe("how often the outbox looks for queued steps"),
  LISTENER_POLL_MS: int(10, 60_000).default(250).describe("how often the listener asks the chain for new events"),
  LOGS_MAX_BLOCK_RANGE: int(1, 1_000_000).default(DEFAULT_MAX_BLOCK_RANGE).describe("most blocks one `eth_getLogs` request spans (Besu's `--rpc-max-logs-range`, default 5000); halved while the node refuses a range as too large"),
  ANKER_APPEAL_PERIOD_DAYS: int(1, 365).default(14).describe("days after service of a decision until the appeal-period notice"),
  CHECKPOINT_EVERY_BLOCKS: int(1, 1_000_000).default(50).describe("blocks between two signed checkpoints"),
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(6000).describe("requests per client and minute"),
  BODY_LIMIT_BYTES: int(1024, 10_000_000).default(64 * 1024).describe("largest request body"),
  SESSION_HOURS: int(1, 24 * 30).default(8).describe("lifetime of a login session"),
  OIDC_ISSUER: z.string().url().optional().describe("issuer URL of the agency's OpenID Connect identity provider; when set, staff sign on through it and passwords work only for break-glass accounts (and in demo mode)"),
  OIDC_CLIENT_ID: z.string().min(1).optional().describe("client id of this service at the identity provider (required with OIDC_ISSUER)"),
  OIDC_CLIENT_SECRET: z.string().min(1).optional().describe("client secret; unset: a public client that proves itself with PKCE only"),
  OIDC_REDIRECT_URL: z.string().url().optional().describe("address of `/api/auth/oidc/callback` as the browser reaches it, registered at the identity provider (required with OIDC_ISSUER)"),
  OIDC_SCOPES: z.string().default("openid profile").describe("scopes requested at sign-on"),
  OIDC_ROLES_CLAIM: z.string().min(1).default("roles").describe("claim (ID token or userinfo) holding the user's roles; dots walk into nested claims, e.g. `realm_access.roles`"),
  OIDC_ROLE_MAP: z.string().default("clerk=clerk,auditor=auditor,admin=admin").describe("identity provider role -> role here, as `value=role,…` (roles: clerk, auditor, admin); a user with none of the values is refused"),
  OIDC_USERNAME_CLAIM: z.string().min(1).default("preferred_username").describe("claim that names the user here (falls back to `sub`)"),
  LOGIN_THROTTLE_FAILURES: int(1, 1000).default(DEFAULT_LOGIN_THROTTLE.accountFailures).describe("failed password logins of one account before the login is delayed"),
  LOGIN_THROTTLE_SOURCE_FAILURES: int(1, 100_000).default(DEFAULT_LOGIN_THROTTLE.sourceFailures).describe("failed password logins from one address (any account) before logins from it are delayed"),
  LOGIN_THROTTLE_BASE_MS: int(1, 86_400_000).default(DEFAULT_LOGIN_THROTTLE.baseMs).describe("first delay after the limit (429 with Retry-After); doubles with every further failure"),
  LOGIN_THROTTLE_MAX_MS: int(1, 86_400_000).default(DEFAULT_LOGIN_THROTTLE.maxMs).describe("longest delay of the login throttle"),
  DEMO_MODE: bool.default(false).describe("create the demo logins and API tokens (never in production)"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("pino log level"),
  LOG_FILE: z.string().min(1).optional().describe("file the service appends its log to itself (JSON lines); standard error then gets warnings and errors only (`npm start`: `service.log` in the agency's state folder)"),
});

export interface Config {
  agency: AgencyKey;
  /** the agency's number on the ledger (top byte of its event ids) */
  agencyCode: number;
  /**
   * the agency's type (code list key); from the settings or the pilot default at load, then from the chain
   * (agencyInfo) at start: main.ts resolves it (directory/identity.ts). "" until known.
   */
  agencyType: AgencyTypeKey;
  /** its scope: Land key, or the district key (AGS) of a district authority; 0 until known */
  agencyScope: number;
  /** whether AGENCY_TYPE / AGENCY_SCOPE were set (then checked against the chain) */
  identityFromSettings: { type: boolean; scope: boolean };
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  rpcUrl?: string;
  consortiumKey: Buffer;
  keystorePassword?: string;
  webhook?: { url: string; secret: string };
  outboxBatchSize: number;
  outboxPollMs: number;
  outboxMaxInFlight: number;
  appealPeriodDays: number;
  listenerPollMs: number;
  logsMaxBlockRange: number;
  checkpointEveryBlocks: number;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  sessionHours: number;
  demoMode: boolean;
  logLevel: string;
  /** the service writes its log here itself (npm start), so nothing is lost when its parent goes away */
  logFile?: string;
  /** OpenID Connect sign-on; unset: passwords only */
  oidc?: OidcConfig;
  /** unset: DEFAULT_LOGIN_THROTTLE */
  loginThrottle?: LoginThrottleConfig;
}

export class ConfigError extends Error {}

/** The consortium key: from the setting, else from the file `npm run deploy` wrote. */
function consortiumKey(hex: string | undefined, dataDir: string): Buffer {
  if (hex) return Buffer.from(hex.replace(/^0x/, ""), "hex");
  const file = join(dataDir, "keys", "consortium.key");
  if (!existsSync(file)) throw new ConfigError(`ANKER_CONSORTIUM_KEY is not set and ${file} does not exist (run "npm run deploy")`);
  return Buffer.from(readFileSync(file, "utf8").trim().replace(/^0x/, ""), "hex");
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let fromFile: Record<string, unknown> = {};
  if (env.ANKER_CONFIG) {
    try {
      fromFile = JSON.parse(readFileSync(env.ANKER_CONFIG, "utf8"));
    } catch (err) {
      throw new ConfigError(`ANKER_CONFIG ${env.ANKER_CONFIG} cannot be read as JSON: ${(err as Error).message}`);
    }
  }
  const parsed = Settings.safeParse({ ...fromFile, ...stripEmpty(env) });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid settings:\n${lines.join("\n")}`);
  }
  const s = parsed.data;
  if (s.WEBHOOK_URL && !s.WEBHOOK_SECRET) throw new ConfigError("WEBHOOK_SECRET is required when WEBHOOK_URL is set");
  const oidc = oidcConfig(s);
  const dataRoot = s.ANKER_DATA_DIR ?? DATA_DIR;
  const agencyDir = join(dataRoot, s.AGENCY.toLowerCase());
  const identity = agencyIdentity(s);
  return {
    agency: s.AGENCY,
    ...identity,
    host: s.HOST,
    port: s.PORT ?? PILOT_PORTS[s.AGENCY] ?? 0,
    dataDir: agencyDir,
    databaseUrl: s.DATABASE_URL && !s.DATABASE_URL.startsWith("file:") ? s.DATABASE_URL : `file:${join(agencyDir, "agency.db")}`,
    rpcUrl: s.ANKER_RPC_URL,
    consortiumKey: consortiumKey(s.ANKER_CONSORTIUM_KEY, dataRoot),
    keystorePassword: s.ANKER_KEYSTORE_PASSWORD,
    webhook: s.WEBHOOK_URL ? { url: s.WEBHOOK_URL, secret: s.WEBHOOK_SECRET! } : undefined,
    outboxBatchSize: s.OUTBOX_BATCH_SIZE,
    outboxPollMs: s.OUTBOX_POLL_MS,
    outboxMaxInFlight: s.OUTBOX_MAX_IN_FLIGHT,
    appealPeriodDays: s.ANKER_APPEAL_PERIOD_DAYS,
    listenerPollMs: s.LISTENER_POLL_MS,
    logsMaxBlockRange: s.LOGS_MAX_BLOCK_RANGE,
    checkpointEveryBlocks: s.CHECKPOINT_EVERY_BLOCKS,
    rateLimitPerMinute: s.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: s.BODY_LIMIT_BYTES,
    sessionHours: s.SESSION_HOURS,
    demoMode: s.DEMO_MODE,
    logLevel: s.LOG_LEVEL,
    logFile: s.LOG_FILE,
    oidc,
    loginThrottle: { accountFailures: s.LOGIN_THROTTLE_FAILURES, sourceFailures: s.LOGIN_THROTTLE_SOURCE_FAILURES, baseMs: s.LOGIN_THROTTLE_BASE_MS, maxMs: Math.max(s.LOGIN_THROTTLE_MAX_MS, s.LOGIN_THROTTLE_BASE_MS) },
  };
}

/** The pilots' defaults: the two services the pilot ran before any agency could join. */
const PILOT_PORTS: Record<string, number> = { BAMF: 3001, ZAB: 3002 };

/** Number, type and scope of the agency as the settings give them (the chain has the last word at start). */
function agencyIdentity(s: z.output<typeof Settings>): Pick<Config, "agencyCode" | "agencyType" | "agencyScope" | "identityFromSettings"> {
  const pilot = PILOT_AGENCIES.find((a) => a.key === s.AGENCY);
  const code = s.AGENCY_CODE ?? pilot?.code;
  if (code === undefined) throw new ConfigError(`AGENCY_CODE is required for agency ${s.AGENCY}: its number on the ledger (1..255), as its membership proposal named it`);
  if (pilot && s.AGENCY_CODE !== undefined && s.AGENCY_CODE !== pilot.code) {
    throw new ConfigError(`AGENCY_CODE ${s.AGENCY_CODE} does not fit AGENCY ${s.AGENCY}: the pilot agency ${s.AGENCY} is number ${pilot.code}`);
  }
  if (s.AGENCY_TYPE !== undefined && !CODE_LISTS.agencyTypes.some((t) => t.key === s.AGENCY_TYPE)) {
    const known = CODE_LISTS.agencyTypes.map((t) => t.key).join(", ");
    throw new ConfigError(`AGENCY_TYPE ${s.AGENCY_TYPE} is not an agency type of the code lists ${CODE_LISTS.version}; known: ${known}`);
  }
  if (s.PORT === undefined && PILOT_PORTS[s.AGENCY] === undefined) throw new ConfigError(`PORT is required for agency ${s.AGENCY} (only BAMF and ZAB have default ports, 3001 and 3002)`);
  // The pilots' defaults apply only to the pilots' own numbers.
  const pilotOfCode = PILOT_AGENCIES.find((a) => a.code === code && a.key === s.AGENCY);
  return {
    agencyCode: code,
    agencyType: s.AGENCY_TYPE ?? pilotOfCode?.type ?? "",
    agencyScope: s.AGENCY_SCOPE ?? pilotOfCode?.scope ?? 0,
    identityFromSettings: { type: s.AGENCY_TYPE !== undefined, scope: s.AGENCY_SCOPE !== undefined },
  };
}

function oidcConfig(s: z.output<typeof Settings>): OidcConfig | undefined {
  if (!s.OIDC_ISSUER) return undefined;
  if (!s.OIDC_CLIENT_ID || !s.OIDC_REDIRECT_URL) throw new ConfigError("OIDC_CLIENT_ID and OIDC_REDIRECT_URL are required when OIDC_ISSUER is set");
  let roleMap: OidcConfig["roleMap"];
  try {
    roleMap = parseRoleMap(s.OIDC_ROLE_MAP);
  } catch (err) {
    throw new ConfigError(`OIDC_ROLE_MAP: ${(err as Error).message}`);
  }
  return {
    issuer: s.OIDC_ISSUER,
    clientId: s.OIDC_CLIENT_ID,
    clientSecret: s.OIDC_CLIENT_SECRET,
    redirectUrl: s.OIDC_REDIRECT_URL,
    scopes: s.OIDC_SCOPES,
    rolesClaim: s.OIDC_ROLES_CLAIM,
    usernameClaim: s.OIDC_USERNAME_CLAIM,
    roleMap,
  };
}

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
}
