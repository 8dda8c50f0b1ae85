// Prisma 6 offline: the JS engine with a driver adapter (no engine download). DATABASE_URL picks the provider:
// postgresql://… the PostgreSQL schema, migrations and adapter (services/agency/prisma/postgres/, generated
// from schema.prisma by `npm run db:migration`), anything else SQLite.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const url = process.env.DATABASE_URL ?? "file:./.data/prisma-cli.db";
const postgres = /^postgres(ql)?:\/\//.test(url);
const dir = postgres ? path.join("services", "agency", "prisma", "postgres") : path.join("services", "agency", "prisma");

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(dir, "schema.prisma"),
  migrations: { path: path.join(dir, "migrations") },
  async adapter() {
    return postgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
  },
});
