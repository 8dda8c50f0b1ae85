// Prisma 6 offline: the JS engine with the better-sqlite3 driver adapter (no engine download).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("services", "agency", "prisma", "schema.prisma"),
  migrations: { path: path.join("services", "agency", "prisma", "migrations") },
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./.data/prisma-cli.db" });
  },
});
