// `npm start` supervises what it starts (issue 15): an agency service or the chain killed with SIGKILL comes
// back after a growing delay, the console says so, and the others never stop. Real processes: the start
// script with a temporary state folder and free ports, its anvil and both agency services.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeStartPorts, isAlive, killProcessesOf, lastLogMessage, processesOf, recordedPids, runStart, type StartPorts, type StartRun } from "../support/start-script";

async function status(url: string): Promise<number | string> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3000) })).status;
  } catch (err) {
    return (err as Error).message;
  }
}

async function untilStatus(url: string, want: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: number | string = "none";
  while (Date.now() < deadline) {
    last = await status(url);
    if (last === want) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} answered ${last}, not ${want}, for ${timeoutMs / 1000} s`);
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await res.json()) as { result: string }).result;
}

describe("npm start: supervision (real processes)", function () {
  this.timeout(300_000);
  let dataDir: string;
  let ports: StartPorts;
  let run: StartRun;
  const url = (agency: "BAMF" | "ZAB" | "bautzen") => `http://127.0.0.1:${ports[agency]}`;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "anker-start-"));
    ports = await freeStartPorts();
    run = runStart(dataDir, ports);
    await run.waitFor(/anker-ledger is ready in/);
  });

  after(() => {
    killProcessesOf(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs three agency services: Landkreis Bautzen (ABH-14625) joined by a vote of BAMF and ZAB", async () => {
    expect(run.output()).to.match(/BAMF proposed ABH-14625 \(agency 3, DISTRICT_AUTHORITY, scope 14625\) as a member: proposal \d+/);
    expect(run.output()).to.match(/ZAB approved proposal \d+: carried out, ABH-14625 is a member/);
    expect(run.output()).to.match(/ABH-14625 opened it \(fingerprint [0-9a-f]{32}, same key as on file\)/);
    for (const agency of ["BAMF", "ZAB", "bautzen"] as const) await untilStatus(`${url(agency)}/readyz`, 200);
    expect(Object.keys(recordedPids(dataDir))).to.include.members(["BAMF service", "ZAB service", "ABH-14625 service"]);
  });

  it("restarts a killed agency service with a growing delay; the other services and the chain keep running", async () => {
    const before = recordedPids(dataDir);
    // The ZAB service is asked throughout; every answer must be 200.
    const zabAnswers: (number | string)[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        zabAnswers.push(await status(`${url("ZAB")}/healthz`));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    const from0 = run.output().length;
    process.kill(before["BAMF service"], "SIGKILL");
    await run.waitFor(/BAMF service stopped unexpectedly \(signal SIGKILL\); restart 1 in 1 s; log: \S+bamf\/service\.log/, { from: from0 });
    const first = await run.waitFor(/BAMF service is running again \(pid (\d+)\)/, { from: from0 });
    expect(Number(first[1])).to.not.equal(before["BAMF service"]);
    await untilStatus(`${url("BAMF")}/readyz`, 200);

    // Killed again before it ran stably: the delay doubles.
    const from = run.output().length;
    process.kill(Number(first[1]), "SIGKILL");
    await run.waitFor(/BAMF service stopped unexpectedly \(signal SIGKILL\); restart 2 in 2 s/, { from });
    const second = await run.waitFor(/BAMF service is running again \(pid (\d+)\)/, { from });
    const secondPid = Number(second[1]);
    expect(secondPid).to.not.equal(Number(first[1]));
    await untilStatus(`${url("BAMF")}/readyz`, 200);
    polling = false;
    await poller;

    const after = recordedPids(dataDir);
    expect(after["BAMF service"]).to.equal(secondPid);
    expect(after["ZAB service"], "the ZAB service was not restarted").to.equal(before["ZAB service"]);
    expect(after["ABH-14625 service"], "the ABH-14625 service was not restarted").to.equal(before["ABH-14625 service"]);
    expect(after.Chain, "the chain was not restarted").to.equal(before.Chain);
    expect(isAlive(before["ZAB service"])).to.equal(true);
    expect(zabAnswers.length).to.be.greaterThan(0);
    expect(zabAnswers.filter((a) => a !== 200), "ZAB answers other than 200 while BAMF restarted").to.deep.equal([]);
    // The restarted service logged its start into the same file it writes itself.
    const starts = readFileSync(join(dataDir, "bamf", "service.log"), "utf8").split("\n").filter((l) => l.includes('"msg":"agency service started"'));
    expect(starts).to.have.length(3);
  });

  it("restarts a killed chain from its state; the services keep running and reach it again", async () => {
    const before = recordedPids(dataDir);
    const chainUrl = `http://127.0.0.1:${ports.chain}`;
    const deployment = JSON.parse(readFileSync(join(dataDir, "deployment.json"), "utf8")) as { contracts: { ProcedureLedger: { address: string } } };
    const ledger = deployment.contracts.ProcedureLedger.address;
    const code = await rpc(chainUrl, "eth_getCode", [ledger, "latest"]);
    expect(code.length).to.be.greaterThan(100);

    const from = run.output().length;
    process.kill(before.Chain, "SIGKILL");
    await run.waitFor(/Chain stopped unexpectedly \(signal SIGKILL\); restart 1 in 1 s; log: \S+chain\/anvil\.log/, { from });
    await run.waitFor(/Chain is running again \(pid (\d+)\)/, { from });
    expect(await rpc(chainUrl, "eth_getCode", [ledger, "latest"]), "the ledger survived the chain's crash").to.equal(code);

    const after = recordedPids(dataDir);
    expect(after.Chain).to.not.equal(before.Chain);
    expect(after["BAMF service"]).to.equal(before["BAMF service"]);
    expect(after["ZAB service"]).to.equal(before["ZAB service"]);
    expect(after["ABH-14625 service"]).to.equal(before["ABH-14625 service"]);
    for (const agency of ["BAMF", "ZAB", "bautzen"] as const) await untilStatus(`${url(agency)}/readyz`, 200);
  });

  it("restarts a killed identity provider; it serves its discovery document again", async () => {
    const before = recordedPids(dataDir);
    const from = run.output().length;
    process.kill(before["identity provider"], "SIGKILL");
    await run.waitFor(/identity provider stopped unexpectedly \(signal SIGKILL\); restart 1 in 1 s; log: \S+idp\/idp\.log/, { from });
    await run.waitFor(/identity provider is running again \(pid (\d+)\)/, { from });
    await untilStatus(`http://127.0.0.1:${ports.idp}/.well-known/openid-configuration`, 200);
    const after = recordedPids(dataDir);
    expect(after["BAMF service"]).to.equal(before["BAMF service"]);
    expect(after["ZAB service"]).to.equal(before["ZAB service"]);
  });

  it("a start after the start script was killed outright stops what it left running, then runs as usual", async () => {
    const left = recordedPids(dataDir);
    process.kill(left.start, "SIGKILL");
    await run.exited;
    // Its children run on in their own process groups.
    for (const name of ["Chain", "BAMF service", "ZAB service", "ABH-14625 service", "identity provider"]) expect(isAlive(left[name]), name).to.equal(true);
    run = runStart(dataDir, ports);
    for (const name of ["Chain", "BAMF service", "ZAB service", "ABH-14625 service", "identity provider"]) {
      await run.waitFor(new RegExp(`An earlier npm start did not stop cleanly: stopping what it left running, the ${name} \\(pid ${left[name]}\\)`));
    }
    await run.waitFor(/anker-ledger is ready in/);
    for (const name of ["Chain", "BAMF service", "ZAB service", "ABH-14625 service", "identity provider"]) expect(isAlive(left[name]), name).to.equal(false);
    await untilStatus(`${url("BAMF")}/readyz`, 200);
  });

  it("Ctrl-C then stops everything cleanly: every service writes its shutdown line, nothing is left running", async () => {
    run.interrupt();
    const { code } = await run.exited;
    expect(run.output()).to.include("Stopping the services and the chain ...");
    expect(run.output()).to.include("Stopped. The next `npm start` continues with the same data.");
    expect(code).to.equal(0);
    expect(lastLogMessage(join(dataDir, "bamf", "service.log"))).to.equal("agency service stopped");
    expect(lastLogMessage(join(dataDir, "zab", "service.log"))).to.equal("agency service stopped");
    expect(lastLogMessage(join(dataDir, "abh-14625", "service.log"))).to.equal("agency service stopped");
    expect(processesOf(dataDir)).to.deep.equal([]);
    expect(recordedPids(dataDir), "pid files removed").to.deep.equal({});
  });
});
