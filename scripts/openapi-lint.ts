// `npm run lint:openapi`: write both agencies' OpenAPI documents from the route declarations, without a
// chain or a running service, and lint them with Redocly's recommended rules (redocly.yaml). Exit 1 on
// any error. The documents land in tmp/openapi/ for a look.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../services/agency/config";
import { serviceContext, type ChainPort } from "../services/agency/context";
import { openDb } from "../services/agency/store/db";
import { apiDeps, apiRoutes } from "../services/agency/api/server";
import { buildOpenApi } from "../services/agency/api/openapi";
import { CODE_LISTS, codeListHash } from "../services/shared/codelists";
import { REPO_ROOT } from "../services/shared/paths";

const OUT_DIR = join(REPO_ROOT, "tmp", "openapi");

/** Declaring routes reads no chain: a call here would mean a route asks the chain while being declared. */
const noChain: ChainPort = {
  blockNumber: () => Promise.reject(new Error("no chain while writing the OpenAPI document")),
  codeListHash: () => Promise.reject(new Error("no chain while writing the OpenAPI document")),
  openStops: () => Promise.reject(new Error("no chain while writing the OpenAPI document")),
};

/** The OpenAPI document of `agency`'s service, as GET /api/openapi.json serves it. */
async function documentOf(agency: string, settings: Record<string, string> = {}): Promise<Record<string, unknown>> {
  mkdirSync(OUT_DIR, { recursive: true });
  const config = loadConfig({ AGENCY: agency, ANKER_DATA_DIR: OUT_DIR, ANKER_CONSORTIUM_KEY: "00".repeat(32), LOG_LEVEL: "silent", ...settings });
  // never opened: Prisma connects on the first query, and declaring routes makes none
  const db = openDb(`file:${join(OUT_DIR, "unused.db")}`);
  try {
    const ctx = serviceContext({
      config,
      db,
      log: pino({ level: "silent" }),
      chain: noChain,
      outbox: { wake: () => undefined },
      listener: { lagBlocks: () => undefined, onStored: () => () => undefined },
      localCodeListHash: codeListHash(CODE_LISTS),
    });
    return buildOpenApi(apiRoutes(apiDeps(ctx)), agency);
  } finally {
    await db.$disconnect();
  }
}

async function main(): Promise<void> {
  const files: string[] = [];
  // one agency of each type: the routes a service offers depend on its type
  const agencies: [string, Record<string, string>][] = [
    ["BAMF", {}],
    ["ZAB", {}],
    ["ABH-14625", { AGENCY_CODE: "3", PORT: "3003", AGENCY_TYPE: "DISTRICT_AUTHORITY", AGENCY_SCOPE: "14625" }],
  ];
  for (const [agency, settings] of agencies) {
    const file = join(OUT_DIR, `openapi-${agency}.json`);
    writeFileSync(file, JSON.stringify(await documentOf(agency, settings), null, 2) + "\n");
    files.push(file);
  }
  const redocly = join(REPO_ROOT, "node_modules", "@redocly", "cli", "bin", "cli.js");
  // offline: no usage telemetry, no update check against the registry
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", REDOCLY_SUPPRESS_NOTIFICATIONS: "true" };
  execFileSync(process.execPath, [redocly, "lint", ...files, "--config", join(REPO_ROOT, "redocly.yaml")], { cwd: REPO_ROOT, stdio: "inherit", env });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
