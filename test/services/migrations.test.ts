// Both providers' committed migration histories give exactly services/agency/prisma/schema.prisma, and the
// PostgreSQL schema is the one generated from it (`npm run db:migration -- --check`: replays each history
// into a scratch database, SQLite in memory and a throw-away PostgreSQL server, and compares tables,
// columns, indexes and constraints with a database made from the schema). Fails after a schema edit
// without `npm run db:migration -- <name>`.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../services/shared/paths";

describe("migrations of both providers (npm run db:migration -- --check)", function () {
  this.timeout(300_000);

  it("give the edited schema on SQLite and on PostgreSQL", async () => {
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, ["--require", require.resolve("tsx/cjs"), join(REPO_ROOT, "scripts", "db", "migration.ts"), "--check"], { cwd: REPO_ROOT }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
    expect(out).to.include("SQLite: the committed migrations give schema.prisma");
    expect(out).to.include("PostgreSQL: the committed migrations give schema.prisma");
    expect(code, out).to.equal(0);
  });
});
