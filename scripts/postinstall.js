// After `npm install` / `npm ci`: generate the contract bindings (typechain) and the Prisma client, and
// build the web app, so that the type check and every command work on a fresh clone. Nothing is downloaded.
const { execSync } = require("node:child_process");
// Without a DATABASE_URL, prisma generate tries to download a query engine; the JS engine needs none.
const env = { DATABASE_URL: "file:./.data/prisma-generate.db", ...process.env, CHECKPOINT_DISABLE: "1", HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" };
// Two Prisma clients: SQLite and PostgreSQL (prisma.config.ts picks the schema by the URL; generate connects to nothing).
const postgres = { ...env, DATABASE_URL: "postgresql://localhost/prisma-generate" };
for (const [cmd, cmdEnv] of [["npx hardhat compile --quiet", env], ["npx prisma generate", env], ["npx prisma generate", postgres], ["npm run --silent build:web", env]]) {
  execSync(cmd, { stdio: "inherit", env: cmdEnv });
}
