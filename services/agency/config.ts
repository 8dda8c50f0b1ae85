// Settings of one agency service, from the environment or a JSON file named by ANKER_CONFIG
// (the environment wins). Validated at start: a bad setting stops the service with a clear message.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { DATA_DIR } from "../shared/paths";

const bool = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const Settings = z.object({
  AGENCY: z.enum(["BAMF", "ZAB"], { message: "AGENCY must be BAMF or ZAB" }),
  HOST: z.string().default("127.0.0.1"),
  PORT: int(1, 65535).optional(),
  ANKER_DATA_DIR: z.string().default(DATA_DIR),
  ANKER_RPC_URL: z.string().url().optional(),
  ANKER_CONSORTIUM_KEY: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "must be 32 bytes as hex").optional(),
  ANKER_KEYSTORE_PASSWORD: z.string().min(1).optional(),
  WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_SECRET: z.string().min(16, "must have at least 16 characters").optional(),
  OUTBOX_BATCH_SIZE: int(1, 500).default(100),
  OUTBOX_POLL_MS: int(5, 60_000).default(200),
  LISTENER_POLL_MS: int(10, 60_000).default(250),
  CHECKPOINT_EVERY_BLOCKS: int(1, 1_000_000).default(50),
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(6000),
  BODY_LIMIT_BYTES: int(1024, 10_000_000).default(64 * 1024),
  SESSION_HOURS: int(1, 24 * 30).default(8),
  DEMO_MODE: bool.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  agency: "BAMF" | "ZAB";
  agencyCode: 1 | 2;
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
  listenerPollMs: number;
  checkpointEveryBlocks: number;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  sessionHours: number;
  demoMode: boolean;
  logLevel: string;
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
  const agencyDir = join(s.ANKER_DATA_DIR, s.AGENCY.toLowerCase());
  return {
    agency: s.AGENCY,
    agencyCode: s.AGENCY === "BAMF" ? 1 : 2,
    host: s.HOST,
    port: s.PORT ?? (s.AGENCY === "BAMF" ? 3001 : 3002),
    dataDir: agencyDir,
    databaseUrl: `file:${join(agencyDir, "agency.db")}`,
    rpcUrl: s.ANKER_RPC_URL,
    consortiumKey: consortiumKey(s.ANKER_CONSORTIUM_KEY, s.ANKER_DATA_DIR),
    keystorePassword: s.ANKER_KEYSTORE_PASSWORD,
    webhook: s.WEBHOOK_URL ? { url: s.WEBHOOK_URL, secret: s.WEBHOOK_SECRET! } : undefined,
    outboxBatchSize: s.OUTBOX_BATCH_SIZE,
    outboxPollMs: s.OUTBOX_POLL_MS,
    listenerPollMs: s.LISTENER_POLL_MS,
    checkpointEveryBlocks: s.CHECKPOINT_EVERY_BLOCKS,
    rateLimitPerMinute: s.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: s.BODY_LIMIT_BYTES,
    sessionHours: s.SESSION_HOURS,
    demoMode: s.DEMO_MODE,
    logLevel: s.LOG_LEVEL,
  };
}

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
}
