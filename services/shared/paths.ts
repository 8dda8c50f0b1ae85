// Where the system keeps its state: `.data/` at the repository root unless ANKER_DATA_DIR says otherwise.
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const DATA_DIR = resolve(process.env.ANKER_DATA_DIR ?? join(REPO_ROOT, ".data"));
export const KEYS_DIR = join(DATA_DIR, "keys");
export const CHAIN_DIR = join(DATA_DIR, "chain");
export const DEPLOYMENT_FILE = process.env.ANKER_DEPLOYMENT ?? join(DATA_DIR, "deployment.json");
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
export const CHAIN_ID = 4242; // fixed chain id of the local AnKER ledger
/**
 * The built web app (`npm run build:web`), which each agency service serves beside its API. Tests build
 * their own copy elsewhere (ANKER_WEB_DIST), so parallel test runs never serve each other's half-built files.
 */
export const WEB_DIST_DIR = resolve(process.env.ANKER_WEB_DIST ?? join(REPO_ROOT, "web", "dist"));
