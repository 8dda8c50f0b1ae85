// Where an agency's store is, found exactly as the service finds it (services/agency/config.ts: the
// environment, ANKER_CONFIG, ANKER_DATA_DIR, DATABASE_URL), plus the chain it mirrors and where its HTTP API
// would answer if it were running.
import { join, dirname } from "node:path";
import { loadConfig, type Config } from "../../services/agency/config";
import { requireDeployment, type Deployment } from "../../services/shared/deployment";

export type Engine = "sqlite" | "postgres";

export interface AgencyStore {
  /** the agency key (config AGENCY) and its number on chain */
  agency: string;
  agencyCode: number;
  engine: Engine;
  /** SQLite: the database file; PostgreSQL: the connection URL */
  location: string;
  config: Config;
}

export function engineOf(databaseUrl: string): Engine {
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? "postgres" : "sqlite";
}

export function locateStore(agency: string, env: NodeJS.ProcessEnv = process.env): AgencyStore {
  const config = loadConfig({ ...env, AGENCY: agency });
  const engine = engineOf(config.databaseUrl);
  return {
    agency: config.agency,
    agencyCode: config.agencyCode,
    engine,
    location: engine === "sqlite" ? config.databaseUrl.replace(/^file:/, "") : config.databaseUrl,
    config,
  };
}

/** The deployment record the service reads (ANKER_DEPLOYMENT, else deployment.json in the state folder). */
export function deploymentOf(store: AgencyStore, env: NodeJS.ProcessEnv = process.env): Deployment {
  return requireDeployment(env.ANKER_DEPLOYMENT ?? join(dirname(store.config.dataDir), "deployment.json"));
}

/** A connection URL without its password, for messages and the manifest. */
export function redacted(location: string): string {
  return location.replace(/(\/\/[^:/@]+):[^@]*@/, "$1:***@");
}
