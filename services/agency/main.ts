// One agency service (BAMF, ZAB or any member that joined by vote): settings, store, key, chain, the chain side (outbox, listener,
// notifications, deadlines, checkpoints) and the HTTP API. `AGENCY=BAMF npx tsx services/agency/main.ts`.
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import type { FastifyInstance } from "fastify";
import { loadConfig, ConfigError, type Config } from "./config";
import { serviceContext } from "./context";
import { isPostgresUrl, openDb, type Db } from "./store/db";
import { migrateIfNeeded } from "./store/migrate-if-needed";
import { tuneSqlite } from "./store/sqlite-tuning";
import { initFastKeccak } from "../shared/keccak";
import { ChainAdapter } from "./chain/adapter";
import { startChainSide, type ChainSide } from "./chain-side";
import { loadKey, DEV_KEYSTORE_PASSWORD } from "../shared/keystore";
import { requireDeployment } from "../shared/deployment";
import { CODE_LISTS, codeListHash } from "../shared/codelists";
import { WEB_DIST_DIR } from "../shared/paths";
import { buildApi } from "./api/server";
import { registerWebApp } from "./api/web-app";
import { ensureDemoAccounts } from "./demo-bootstrap";
import { serviceLogger } from "./logger";
import { currentWebhook } from "./admin/webhook-setting";
import { MembershipReads } from "./directory/chain-reads";
import { resolveIdentity } from "./directory/identity";
import { refreshAgencyDirectory } from "./directory/directory";

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** start the HTTP API (services/agency/api/server.ts); the chain-side fault tests run without it */
  withApi?: boolean;
}

export interface RunningService {
  config: Config;
  db: Db;
  log: Logger;
  chain: ChainAdapter;
  side: ChainSide;
  api?: FastifyInstance;
  stop(): Promise<void>;
}

export async function runService(opts: RunOptions = {}): Promise<RunningService> {
  const env = opts.env ?? process.env;
  const config = loadConfig(env);
  const log = serviceLogger(config);

  // commitments and batch transactions are hashed with the WebAssembly keccak from here on (shared/keccak.ts)
  if (!(await initFastKeccak())) log.warn("WebAssembly keccak unavailable: hashing in JavaScript (same results, slower)");
  const applied = await migrateIfNeeded(config.databaseUrl);
  if (applied.length) log.info({ migrations: applied }, "database migrated");
  const db = openDb(config.databaseUrl);
  await tuneSqlite(db, config.databaseUrl, log);
  log.info({ store: isPostgresUrl(config.databaseUrl) ? "postgresql" : "sqlite" }, "store opened");
  if (config.demoMode) {
    await ensureDemoAccounts(db, config.agency);
    log.warn("DEMO_MODE: demo logins and API tokens are active; never use this outside a demonstration");
  }

  // The agency directories live under ANKER_DATA_DIR, beside keys/ and deployment.json.
  const dataRoot = dirname(config.dataDir);
  let password = config.keystorePassword;
  if (!password) {
    log.warn("ANKER_KEYSTORE_PASSWORD is not set: opening the agency keystore with the development default password");
    password = DEV_KEYSTORE_PASSWORD;
  }
  const wallet = await loadKey(config.agency.toLowerCase(), password, join(dataRoot, "keys"));
  const deployment = requireDeployment(env.ANKER_DEPLOYMENT ?? join(dataRoot, "deployment.json"));
  // The deployment names the first members' accounts; an agency that joined later is checked on chain.
  const deployed = deployment.accounts[config.agency];
  if (deployed && deployed.toLowerCase() !== wallet.address.toLowerCase()) {
    throw new Error(`the ${config.agency} keystore holds ${wallet.address}, but the deployment names ${deployed} for ${config.agency}`);
  }

  const chain = new ChainAdapter({
    rpcUrl: config.rpcUrl ?? deployment.rpcUrl,
    chainId: deployment.chainId,
    ledgerAddress: deployment.contracts.ProcedureLedger.address,
    deploymentBlock: deployment.block,
    wallet,
    maxBlockRange: config.logsMaxBlockRange,
  });
  // Type and scope from the chain (the settings' are checked); the directory as stored so far.
  try {
    await resolveIdentity(config, new MembershipReads(chain.provider, chain.ledgerAddress), wallet.address, log);
  } catch (err) {
    // A chain that does not answer yet must not keep a known agency from starting (the writer waits for it).
    if (err instanceof ConfigError || !config.agencyType || !config.agencyScope) throw err;
    log.warn({ err: (err as Error).message.split("\n")[0], agencyType: config.agencyType }, "agency type not readable from the chain; using the settings' until it is");
  }
  await refreshAgencyDirectory(db, config);
  const localCodeListHash = codeListHash(CODE_LISTS);
  // The writer checks the code lists against the chain before it reconciles or sends anything, and
  // refuses to write (with the reason in the log) when they differ; the rest of the service still runs.
  // A webhook set in the admin area (database) counts as configured from the start.
  const webhookAtStart = await currentWebhook(db, config.webhook);
  const side = startChainSide({
    config: { ...config, webhook: webhookAtStart },
    db,
    log,
    chain,
    deployment,
    localCodeListHash,
    appealPeriodDays: config.appealPeriodDays,
    maxInFlight: config.outboxMaxInFlight,
    self: config,
  });

  let api: FastifyInstance | undefined;
  if (opts.withApi !== false) {
    const ctx = serviceContext({ config, db, log, chain, outbox: side.writer, listener: side.listener, localCodeListHash });
    api = await buildApi(ctx);
    await registerWebApp(api, WEB_DIST_DIR);
    await api.listen({ host: config.host, port: config.port });
    log.info({ url: `http://${config.host}:${config.port}` }, "API listening");
  }
  log.info({ account: wallet.address, agencyCode: config.agencyCode, agencyType: config.agencyType, ledger: chain.ledgerAddress, chainId: chain.chainId }, "agency service started");

  let stopping: Promise<void> | undefined;
  return {
    config,
    db,
    log,
    chain,
    side,
    api,
    stop() {
      stopping ??= (async () => {
        await api?.close(); // no new steps
        await side.stop(); // polling stops, batches in flight land
        chain.destroy();
        await db.$disconnect();
        log.info("agency service stopped");
      })();
      return stopping;
    },
  };
}

/** The command line: exit 2 on a bad setting, 1 on any other start failure; SIGINT/SIGTERM stop cleanly. */
export function main(opts: RunOptions = {}): void {
  runService(opts).then(
    (service) => {
      for (const sig of ["SIGINT", "SIGTERM"] as const) {
        process.once(sig, () => {
          service.log.info({ signal: sig }, "shutting down");
          service.stop().then(
            () => process.exit(0),
            (err) => {
              console.error(err);
              process.exit(1);
            },
          );
        });
      }
    },
    (err) => {
      if (err instanceof ConfigError) {
        console.error(err.message);
        process.exit(2);
      }
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

if (require.main === module) main();
