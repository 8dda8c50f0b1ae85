// The agency's off-chain store: Prisma (JS engine + better-sqlite3 adapter) on .data/<agency>/agency.db.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client";
import { REPO_ROOT } from "../../shared/paths";

export type Db = PrismaClient;

/** Apply the committed migrations (`prisma migrate deploy`); creates the database file if needed. */
export function migrate(databaseUrl: string): void {
  mkdirSync(dirname(databaseUrl.replace(/^file:/, "")), { recursive: true });
  execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy"], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" },
    stdio: "pipe",
  });
}

export function openDb(databaseUrl: string): Db {
  const adapter = new PrismaBetterSQLite3({ url: databaseUrl });
  return new PrismaClient({ adapter });
}
