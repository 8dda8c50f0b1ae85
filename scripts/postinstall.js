// After `npm install` / `npm ci`: generate the contract bindings (typechain) and the Prisma client, and
// build the web app, so that the type check and every command work on a fresh clone. Nothing is downloaded.
const { execSync } = require("node:child_process");
// Without a DATABASE_URL, prisma generate tries to download a query engine; the JS engine needs none.
const env = { DATABASE_URL: "file:./.data/prisma-generate.db", ...process.env, CHECKPOINT_DISABLE: "1", HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" };
for (const cmd of ["npx hardhat compile --quiet", "npx prisma generate", "npm run --silent build:web"]) {
  execSync(cmd, { stdio: "inherit", env });
}
