// `npm start -- --postgres` (issue 12): the demo on a local PostgreSQL server from Debian's packages, its
// cluster in <state folder>/postgres/, each agency in a database of its own; Ctrl-C stops the server too.
// Real processes: the start script, anvil, the services, PostgreSQL (installed with apt-get as root when missing).
import { expect } from "chai";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { ensurePostgres } from "../../scripts/lib/local-postgres";
import { freeStartPorts, killProcessesOf, processesOf, runStart, type StartRun } from "../support/start-script";

describe("npm start -- --postgres (real processes)", function () {
  this.timeout(300_000);
  let dataDir: string;
  let run: StartRun | undefined;

  before(() => {
    ensurePostgres();
    dataDir = mkdtempSync(join(tmpdir(), "anker-startpg-"));
    chmodSync(dataDir, 0o755); // as root the cluster belongs to the postgres user, who must reach the folder
  });

  after(() => {
    if (run && run.child.exitCode === null) run.interrupt();
    killProcessesOf(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs every agency service on its own PostgreSQL database and stops the server with Ctrl-C", async () => {
    run = runStart(dataDir, await freeStartPorts(), ["--no-compile", "--no-seed", "--no-idp", "--postgres"]);
    await run.waitFor(/anker-ledger is ready in/);
    const m = await run.waitFor(/Databases: PostgreSQL (postgresql:\/\/\S+\/anker_bamf), (postgresql:\/\/\S+\/anker_zab), (postgresql:\/\/\S+\/anker_abh_14625)/);
    for (const url of [m[1], m[2], m[3]]) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        // the service migrated its database and created the demo accounts there
        const tables = await client.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'LedgerEvent'");
        expect(tables.rows[0].n, url).to.equal(1);
      } finally {
        await client.end();
      }
    }
    expect(existsSync(join(dataDir, "bamf", "agency.db")), "no SQLite store").to.equal(false);
    const pidFile = join(dataDir, "postgres", "data", "postmaster.pid");
    expect(existsSync(pidFile)).to.equal(true);

    run.interrupt();
    const { code } = await run.exited;
    expect(run.output()).to.include("Stopped. The next `npm start` continues with the same data.");
    expect(code).to.equal(0);
    expect(existsSync(pidFile), "the PostgreSQL server stopped").to.equal(false);
    expect(processesOf(dataDir)).to.deep.equal([]);
  });
});
