// Ctrl-C on `npm start` is clean every time, also under load (issue 12): 20 start/stop cycles while another
// process keeps a core busy, each one printing "Stopping" and "Stopped", exiting 0, with both services'
// own log files ending in their shutdown line and no process left. The first cycle deploys; the others reuse
// the chain and its deployment and skip compiling and seeding (--no-compile --no-seed), to keep the run short.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeStartPorts, killProcessesOf, lastLogMessage, processesOf, recordedPids, runStart } from "../support/start-script";

const CYCLES = 20;

describe("npm start: Ctrl-C under load (real processes)", function () {
  this.timeout(CYCLES * 90_000);
  let dataDir: string;
  let busy: ChildProcess;

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), "anker-cycles-"));
    busy = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  });

  after(() => {
    busy.kill("SIGKILL");
    killProcessesOf(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`stops cleanly in ${CYCLES} of ${CYCLES} start/stop cycles while a second core is busy`, async () => {
    const ports = await freeStartPorts();
    const unclean: string[] = [];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const run = runStart(dataDir, ports);
      await run.waitFor(/anker-ledger is ready in/);
      expect(Object.keys(recordedPids(dataDir)).sort()).to.deep.equal(["ABH-14625 service", "BAMF service", "Chain", "ZAB service", "identity provider", "start"]);
      run.interrupt();
      const { code, signal } = await run.exited;
      const out = run.output();
      const problems = [
        out.includes("Stopping the services and the chain ...") ? "" : 'no "Stopping"',
        out.includes("Stopped. The next `npm start` continues with the same data.") ? "" : 'no "Stopped"',
        code === 0 ? "" : `exit ${signal ?? code}`,
        ...(["bamf", "zab"] as const).map((a) => {
          const last = lastLogMessage(join(dataDir, a, "service.log"));
          return last === "agency service stopped" ? "" : `${a}/service.log ends with "${last}"`;
        }),
        ...processesOf(dataDir).map((p) => `left running: ${p.pid} ${p.command}`),
      ].filter(Boolean);
      if (problems.length) {
        unclean.push(`cycle ${cycle}: ${problems.join("; ")}`);
        killProcessesOf(dataDir);
      }
    }
    expect(unclean).to.deep.equal([]);
  });
});
