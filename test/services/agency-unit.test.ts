// The systemd unit of the agency service that the Besu kit writes (docs/operations/supervision.md): restart
// on failure with backoff, not on a bad setting (exit 2), SIGTERM to node itself; and systemd accepts it.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agencyServiceUnit } from "../../scripts/network/agency-unit";

const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";

describe("agency service systemd unit", () => {
  it("restarts on failure with a growing delay, never for a bad setting, and stops node with SIGTERM", () => {
    const unit = agencyServiceUnit();
    expect(unit).to.match(/^Restart=on-failure$/m);
    expect(unit).to.match(/^RestartSec=1s$/m);
    expect(unit).to.match(/^RestartMaxDelaySec=30s$/m);
    expect(unit).to.match(/^RestartPreventExitStatus=2$/m);
    expect(unit).to.match(/^StartLimitIntervalSec=0$/m);
    expect(unit).to.match(/^ExecStart=\/usr\/bin\/node --import tsx services\/agency\/main\.ts$/m);
    expect(unit).to.match(/^KillSignal=SIGTERM$/m);
    expect(unit).to.match(/^EnvironmentFile=\/etc\/anker-ledger\/agency-%i\.env$/m);
  });

  it("is accepted by systemd-analyze verify (only the keys of systemd 254+ may be unknown)", function () {
    if (!existsSync(SYSTEMD_ANALYZE)) throw new Error(`${SYSTEMD_ANALYZE} is missing: apt-get install -y systemd`);
    const dir = mkdtempSync(join(tmpdir(), "anker-unit-"));
    try {
      writeFileSync(join(dir, "anker-agency@.service"), agencyServiceUnit({ appDir: dir, dataDir: dir, envDir: dir, nodeBinary: process.execPath, serviceUser: "root" }));
      writeFileSync(join(dir, "agency-bamf.env"), "AGENCY=BAMF\n");
      const r = spawnSync(SYSTEMD_ANALYZE, ["verify", join(dir, "anker-agency@bamf.service")], { cwd: dir, encoding: "utf8" });
      const complaints = r.stderr.split("\n").filter((l) => l.trim() && !/Unknown key '(RestartSteps|RestartMaxDelaySec)'/.test(l));
      expect(complaints).to.deep.equal([]);
      expect(r.status).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
