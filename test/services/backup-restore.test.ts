// Backup and restore of one agency's store on a real chain with the real service (a child process on a
// free port): steps recorded, an online backup taken while more are being recorded, more recorded after
// it, the service stopped, the backup restored, the service started again. The service catches up from
// the backup's listener checkpoint (the ledger mirror holds every event the chain holds), new steps get
// ids clear of those the chain already has, and the internal audit finds nothing but the steps recorded
// after the backup, as commitments without data (not as deleted rows). The CLIs run as an operator runs
// them (`npm run backup` / `npm run restore`: tsx scripts/backup.ts, scripts/restore.ts).
import { expect } from "chai";
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { startTestChain, freePort, type TestChain } from "../support/chain";
import { agencyEnv } from "../support/agency";
import { runCli } from "../audit/support/cli";
import { startService, stopService, waitReady, type ServiceProcess } from "../../scripts/lib/services";
import { loadConfig } from "../../services/agency/config";
import { openDb, type Db } from "../../services/agency/store/db";
import { demoApiClient } from "../../services/agency/demo-accounts";
import { STEP_RECORDED_TOPIC } from "../../services/agency/chain/ledger-logs";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { REPO_ROOT } from "../../services/shared/paths";
import { Manifest } from "../../scripts/backup/manifest";
import { freshPostgresUrl, testDatabases } from "../support/postgres";

const TSX_CJS = require.resolve("tsx/cjs");
const person = { familyName: "Backup (fiktiv)", givenNames: "Ada", dateOfBirth: "1991-05-06", nationality: "GHA" };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run backup|restore -- ARGS` with the service's environment. */
function tool(script: "backup" | "restore", args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--require", TSX_CJS, join(REPO_ROOT, "scripts", `${script}.ts`), ...args], { cwd: REPO_ROOT, env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

for (const database of testDatabases()) {
  describe(`backup and restore of an agency store (real chain, real service; ${database})`, function () {
    this.timeout(300_000); // two service starts, four tool runs and two audits, on a loaded machine
    let chain: TestChain;
    let env: NodeJS.ProcessEnv;
    let port: number;
    let svc: ServiceProcess | undefined;
    let logs: string[] = [];
    const token = demoApiClient("BAMF").token;
    let fileNo = 0;

    const databaseUrl = () => loadConfig(env).databaseUrl;
    /** the store, opened only for the duration of `fn` (a restore refuses while anything holds it open) */
    async function withStore<T>(fn: (db: Db) => Promise<T>): Promise<T> {
      const db = openDb(databaseUrl());
      try {
        return await fn(db);
      } finally {
        await db.$disconnect();
      }
    }

    async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const res = await fetch(svc!.url + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
      return { status: res.status, json: await res.json() };
    }

    /** A new case with its first BAMF step, queued; the step's API event id. */
    async function recordOne(): Promise<string> {
      const fileNumber = `${9_300_000 + ++fileNo}-423`;
      const c = await call("POST", "/api/cases", { fileNumber, person });
      expect(c.status, JSON.stringify(c.json)).to.be.oneOf([200, 201]);
      const s = await call("POST", `/api/cases/${c.json.caseRef}/steps`, { eventId: randomUUID(), step: "APPLICATION_FILED" });
      expect(s.status, JSON.stringify(s.json)).to.equal(202);
      return s.json.eventId as string;
    }

    const recordMany = async (n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(await recordOne());
      return ids;
    };

    const allConfirmed = (ids: string[]) =>
      waitFor(`${ids.length} steps confirmed`, async () => {
        for (const id of ids) {
          const s = await call("GET", `/api/steps/${id}`);
          if (s.json.state === "failed") throw new Error(`step ${id} failed: ${s.json.failureReason}`);
          if (s.json.state !== "confirmed") return false;
        }
        return true;
      });

    async function start(extra: Record<string, string> = {}): Promise<void> {
      logs = [];
      svc = startService("BAMF", port, { ...(env as Record<string, string>), ...extra }, (l) => logs.push(l));
      try {
        await waitReady(svc, 90_000);
      } catch (err) {
        console.error(logs.slice(-40).join("\n"));
        throw err;
      }
    }

    async function stop(): Promise<void> {
      if (svc) await stopService(svc);
      svc = undefined;
    }

    /** every StepRecorded log the chain holds, as txHash:logIndex */
    async function chainSteps(): Promise<string[]> {
      const logs = await chain.provider.getLogs({ address: chain.deployment.contracts.ProcedureLedger.address, topics: [STEP_RECORDED_TOPIC], fromBlock: chain.deployment.block, toBlock: "latest" });
      return logs.map((l) => `${l.transactionHash.toLowerCase()}:${l.index}`).sort();
    }

    before(async () => {
      chain = await startTestChain();
      port = await freePort();
      const store: Record<string, string> = database === "postgres" ? { DATABASE_URL: await freshPostgresUrl("bamf_backup") } : {};
      env = agencyEnv(chain, "BAMF", { DEMO_MODE: "true", OUTBOX_POLL_MS: "50", LISTENER_POLL_MS: "100", CHECKPOINT_EVERY_BLOCKS: "5", LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn", PORT: String(port), ...store });
    });

    after(async () => {
      await stop();
      await chain?.dispose();
    });

    it("backs up mid-load, restores into the stopped service's store, and the service reconciles with the chain", async function () {
      const backup = join(chain.dataDir, database === "sqlite" ? "bamf-backup.db" : "bamf-backup.dump");
      await start();

      // 1. Steps recorded and confirmed, then a backup while a second load is being recorded.
      const before = await recordMany(8);
      await allConfirmed(before);
      let backupDone = false;
      const duringIds: string[] = [];
      const during = (async () => {
        while (!backupDone) duringIds.push(await recordOne()); // the load goes on until the backup is written
      })();
      await waitFor("the load under way", async () => duringIds.length >= 2);
      const b = await tool("backup", ["--agency", "BAMF", "--out", backup], env).finally(() => (backupDone = true));
      expect(b.code, b.stderr + b.stdout).to.equal(0);
      await during;
      const after = await recordMany(10);
      await allConfirmed([...duringIds, ...after]);
      const total = before.length + duringIds.length + after.length;

      const manifest = Manifest.parse(JSON.parse(readFileSync(`${backup}.manifest.json`, "utf8")));
      expect(manifest).to.deep.include({ agency: "BAMF", engine: database, format: "anker-backup/1" });
      expect(manifest.rowCounts.Step).to.equal(manifest.maxStepId);
      expect(manifest.maxStepId).to.be.above(before.length).and.below(total - after.length);
      expect(manifest.listenerCheckpoint).to.not.equal(null);
      expect(manifest.rowCounts).to.include.keys("Case", "LedgerEvent", "ListenerCheckpoint", "_prisma_migrations");
      const lostIds = (await withStore((db) => db.step.findMany({ where: { id: { gt: manifest.maxStepId } }, select: { id: true } }))).map((r) => r.id);
      expect(lostIds.length, "steps recorded after the backup").to.equal(total - manifest.maxStepId);

      // 2. Refused while the service runs.
      const running = await tool("restore", ["--agency", "BAMF", "--from", backup, "--force"], env);
      expect(running.code, running.stderr).to.equal(3);
      expect(running.stderr).to.match(/service is running/);

      await stop();

      // 3. Refused: a backup whose bytes do not match its manifest; a store newer than the backup without --force.
      const bad = join(chain.dataDir, "bad-backup.db");
      copyFileSync(backup, bad);
      const bytes = readFileSync(bad);
      bytes[bytes.length - 100] ^= 0xff;
      writeFileSync(bad, bytes);
      copyFileSync(`${backup}.manifest.json`, `${bad}.manifest.json`);
      const corrupt = await tool("restore", ["--agency", "BAMF", "--from", bad, "--force"], env);
      expect(corrupt.code, corrupt.stderr).to.equal(2);
      expect(corrupt.stderr).to.match(/does not match its manifest/);
      const newer = await tool("restore", ["--agency", "BAMF", "--from", backup], env);
      expect(newer.code, newer.stderr).to.equal(4);
      expect(newer.stderr).to.match(/newer than the backup/);
      expect(await withStore((db) => db.step.count())).to.equal(total); // untouched

      // 4. Restored with --force.
      const r = await tool("restore", ["--agency", "BAMF", "--from", backup, "--force"], env);
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(r.stdout).to.contain(`${lostIds.length} step(s) of BAMF recorded after the backup`);
      expect(await withStore((db) => db.step.count())).to.equal(manifest.maxStepId);

      // 5. Started again: the listener resumes at the backup's checkpoint and stores every event the chain holds.
      await start({ LOG_LEVEL: "info" });
      const resumed = await waitFor("the listener's first position in the log", async () =>
        logs.map((l) => (l.startsWith("{") ? (JSON.parse(l) as { msg?: string; block?: number }) : {})).find((l) => l.msg === "listener resumes from its checkpoint"),
      );
      expect(resumed.block).to.equal(manifest.listenerCheckpoint!.blockNumber);
      expect(logs.join("\n")).to.not.match(/differs from the checkpoint/);
      const onChain = await chainSteps();
      await waitFor("the ledger mirror holding every StepRecorded of the chain", async () => {
        const mirrored = await withStore((db) => db.ledgerEvent.findMany({ where: { name: "StepRecorded" }, select: { txHash: true, logIndex: true } }));
        return mirrored.length === onChain.length && mirrored.map((m) => `${m.txHash.toLowerCase()}:${m.logIndex}`).sort().join() === onChain.join();
      });
      // the backup's steps that were still on their way at the backup are settled, none twice
      await waitFor("every restored step confirmed", async () => (await withStore((db) => db.step.findMany({ select: { state: true } }))).every((x) => x.state === "confirmed"));
      expect(await withStore((db) => db.step.count({ where: { state: "failed" } }))).to.equal(0);
      expect(await chainSteps()).to.deep.equal(onChain);
      expect(onChain).to.have.length(total);

      // 6. A new step gets an id past every id the chain holds of BAMF, and is confirmed.
      const fresh = await recordMany(1);
      await allConfirmed(fresh);
      const newest = await withStore((db) => db.step.findFirst({ orderBy: { id: "desc" } }));
      expect(newest!.id).to.equal(total + 1);
      // the service calls a step confirmed from its receipt; the log query may answer from a moment earlier
      await waitFor("the new step among the chain's StepRecorded logs", async () => (await chainSteps()).length === total + 1);

      const restores = await withStore((db) => db.$queryRawUnsafe<{ keptThroughStepId: number; lostThroughStepId: number }[]>(`SELECT "keptThroughStepId", "lostThroughStepId" FROM "StoreRestore"`));
      expect(restores.map((x) => [Number(x.keptThroughStepId), Number(x.lostThroughStepId)])).to.deep.equal([[manifest.maxStepId, total]]);
      await stop();

      // 7. The internal audit (it reads SQLite databases): clean but for the steps recorded after the backup, as commitments without data.
      if (database !== "sqlite") return;
      const dbFile = databaseUrl().replace(/^file:/, "");
      const audit = await runCli(["--rpc", chain.rpcUrl, "--deployment", chain.deploymentFile, "--no-agencies", "--db", `BAMF=${dbFile}`]);
      expect(audit.report, audit.stderr + audit.stdout).to.not.equal(undefined);
      const findings = audit.report!.findings;
      expect(findings.map((f) => `${f.kind}/${f.severity}`), JSON.stringify(findings, null, 1)).to.deep.equal(lostIds.map(() => "commitment-without-data/warning"));
      expect(findings.map((f) => f.eventId).sort()).to.deep.equal(lostIds.map((id) => eventIdOf(1, id).toString()).sort());
      expect(audit.report!.internal!.counts).to.deep.include({ rows: manifest.maxStepId + 1, intact: manifest.maxStepId + 1, changed: 0, deleted: 0, withoutData: lostIds.length });
      expect(audit.report!.summary).to.deep.include({ critical: 0, error: 0, warning: lostIds.length });

      // ... while a row deleted from the restored store is still reported as deleted.
      const tampered = join(chain.dataDir, "tampered.db");
      copyFileSync(dbFile, tampered);
      const tdb = openDb(`file:${tampered}`);
      try {
        await tdb.step.delete({ where: { id: 2 } });
      } finally {
        await tdb.$disconnect();
      }
      const audit2 = await runCli(["--rpc", chain.rpcUrl, "--deployment", chain.deploymentFile, "--no-agencies", "--db", `BAMF=${tampered}`]);
      const deleted = audit2.report!.findings.filter((f) => f.kind === "row-deleted");
      expect(deleted.map((f) => [f.eventId, f.severity])).to.deep.equal([[eventIdOf(1, 2).toString(), "error"]]);
    });
  });
}
