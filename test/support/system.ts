// The whole system for end-to-end and browser tests: a throwaway anvil with the ledger deployed
// (test/support/chain.ts, temporary ANKER_DATA_DIR, free ports), optionally the web app built, and both
// pilot agency services (BAMF, ZAB) as child processes with DEMO_MODE=true, each serving the web app on the
// same origin as its API. `startMemberService` starts a further member's service (one that joined by vote,
// scripts/onboard/) from its own ANKER_CONFIG file and state folder.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestChain, freePort, type TestChain } from "./chain";
import { waitReady, stopService, type ServiceProcess } from "../../scripts/lib/services";
import { demoApiClient, demoAuditClient } from "../../services/agency/demo-accounts";
import { REPO_ROOT } from "../../services/shared/paths";
import type { AgencyKey } from "../../services/shared/codelists";
import { testDatabaseUrl } from "./postgres";
import { onboardByVote } from "../../scripts/onboard/by-vote";
import { agencyTypeOption } from "../../scripts/onboard/member-kit";
import { BAUTZEN } from "../../scripts/seed/plan";
import { DEV_KEYSTORE_PASSWORD } from "../../services/shared/keystore";

export interface AgencyEndpoint {
  agency: AgencyKey;
  url: string;
  /** the specialist application's demo token (role clerk) */
  token: string;
  auditToken: string;
  logs: string[];
}

export interface System {
  chain: TestChain;
  BAMF: AgencyEndpoint;
  ZAB: AgencyEndpoint;
  /** every agency service running, by agency key (the pilots and those started by startMemberService) */
  agencies: Map<AgencyKey, AgencyEndpoint & { svc: ServiceProcess }>;
  stop(): Promise<void>;
}

/**
 * Build the web app from the current sources (type check included), as `npm run build:web` does, but into a
 * folder of this test run's own (returned), so that parallel runs never serve each other's half-built files.
 */
export function buildWebApp(outDir = mkdtempSync(join(tmpdir(), "anker-web-"))): string {
  const bin = (name: string, ...rel: string[]) => join(REPO_ROOT, "node_modules", name, ...rel);
  execFileSync(process.execPath, [bin("typescript", "bin", "tsc"), "-p", "web"], { cwd: REPO_ROOT, stdio: "inherit" });
  execFileSync(process.execPath, [bin("vite", "bin", "vite.js"), "build", "--config", "web/vite.config.mts", "--logLevel", "warn", "--outDir", outDir, "--emptyOutDir"], { cwd: REPO_ROOT, stdio: "inherit" });
  return outDir;
}

function spawnAgency(agency: AgencyKey, port: number, chain: TestChain, extraEnv: Record<string, string> = {}, ownConfig?: string): { svc: ServiceProcess; logs: string[] } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AGENCY: agency,
    PORT: String(port),
    HOST: "127.0.0.1",
    ANKER_DATA_DIR: chain.dataDir,
    ANKER_DEPLOYMENT: chain.deploymentFile,
    ANKER_CONSORTIUM_KEY: chain.consortiumKeyHex,
    ANKER_RPC_URL: chain.rpcUrl,
    DEMO_MODE: "true",
    OUTBOX_POLL_MS: "50",
    LISTENER_POLL_MS: "100",
    CHECKPOINT_EVERY_BLOCKS: "5",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
    DATABASE_URL: testDatabaseUrl(`${chain.dataDir}/${agency}`) ?? "", // ANKER_TEST_DB=postgres: test/support/postgres.ts
    ...extraEnv,
  };
  if (ownConfig) {
    // A member with a state folder of its own: keys, consortium key and deployment record come from there.
    env.ANKER_CONFIG = ownConfig;
    // (a DATABASE_URL given for this member, e.g. the benchmark's PostgreSQL database, still wins)
    for (const k of ["ANKER_DATA_DIR", "ANKER_DEPLOYMENT", "ANKER_CONSORTIUM_KEY", "DATABASE_URL"]) if (!(k in extraEnv)) delete env[k];
  }
  const child = spawn(process.execPath, [...(process.env.SERVICE_NODE_ARGS ? process.env.SERVICE_NODE_ARGS.split(" ") : []), "--import", "tsx", join(REPO_ROOT, "services", "agency", "main.ts")], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  for (const s of [child.stdout, child.stderr]) s?.on("data", (d: Buffer) => logs.push(...String(d).split("\n").filter(Boolean)));
  return { svc: { agency, url: `http://127.0.0.1:${port}`, child }, logs };
}

/**
 * `chain`: run on a chain started before (the benchmark measures raw transactions on it first).
 * `agencyEnv`: settings of one agency's service that depend on its address (e.g. the OIDC redirect URL).
 */
export async function startSystem(
  opts: { buildWeb?: boolean; chain?: TestChain; env?: Record<string, string>; agencyEnv?: (agency: AgencyKey, url: string) => Record<string, string> } = {},
): Promise<System> {
  const env = { ...opts.env, ...(opts.buildWeb ? { ANKER_WEB_DIST: buildWebApp() } : {}) };
  const chain = opts.chain ?? (await startTestChain());
  const started: ServiceProcess[] = [];
  try {
    const ports = { BAMF: await freePort(), ZAB: await freePort() };
    const out = {} as Record<AgencyKey, AgencyEndpoint>;
    const agencies: System["agencies"] = new Map();
    for (const agency of ["BAMF", "ZAB"] as const) {
      const { svc, logs } = spawnAgency(agency, ports[agency], chain, { ...env, ...opts.agencyEnv?.(agency, `http://127.0.0.1:${ports[agency]}`) });
      started.push(svc);
      out[agency] = { agency, url: svc.url, token: demoApiClient(agency).token, auditToken: demoAuditClient(agency).token, logs };
      agencies.set(agency, { ...out[agency], svc });
    }
    try {
      await Promise.all(started.map((s) => waitReady(s, 90_000)));
    } catch (err) {
      for (const a of ["BAMF", "ZAB"] as const) console.error(`--- ${a} service log ---\n${out[a].logs.slice(-40).join("\n")}`);
      throw err;
    }
    return {
      chain,
      BAMF: out.BAMF,
      ZAB: out.ZAB,
      agencies,
      async stop() {
        await Promise.all([...agencies.values()].map((a) => stopService(a.svc)));
        await chain.dispose();
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => stopService(s)));
    await chain.dispose();
    throw err;
  }
}

export function webDistExists(): boolean {
  return existsSync(join(REPO_ROOT, "web", "dist", "index.html"));
}

/**
 * Start the service of a member that joined after the deployment, from the ANKER_CONFIG file its onboarding
 * wrote (scripts/onboard/member-kit.ts): its own state folder, keys and consortium key; DEMO_MODE and the
 * test's short poll intervals on top. Added to `system.agencies`; `system.stop()` stops it too.
 */
export async function startMemberService(system: System, member: { key: AgencyKey; port: number; configFile: string; env?: Record<string, string> }): Promise<AgencyEndpoint & { svc: ServiceProcess }> {
  const { svc, logs } = spawnAgency(member.key, member.port, system.chain, member.env ?? {}, member.configFile);
  const endpoint = { agency: member.key, url: svc.url, token: demoApiClient(member.key).token, auditToken: demoAuditClient(member.key).token, logs, svc };
  system.agencies.set(member.key, endpoint);
  try {
    await waitReady(svc, 90_000);
  } catch (err) {
    console.error(`--- ${member.key} service log ---\n${logs.slice(-40).join("\n")}`);
    throw err;
  }
  return endpoint;
}

/**
 * Landkreis Bautzen's immigration authority (ABH-14625, agency 3, district 14625) joins as `npm start` has it
 * join, by a vote of BAMF and ZAB with the onboarding code (scripts/onboard/by-vote.ts), and its service
 * starts. The shared test state folder holds the keystores and the consortium key.
 */
export async function joinBautzenByVote(system: System, env: Record<string, string> = {}): Promise<AgencyEndpoint & { svc: ServiceProcess }> {
  const port = await freePort();
  const member = await onboardByVote({
    root: system.chain.dataDir,
    networkRoot: system.chain.dataDir,
    key: BAUTZEN.key,
    agency: BAUTZEN.agency,
    type: agencyTypeOption("district"),
    scope: BAUTZEN.district,
    name: "Landratsamt Bautzen, Ausländerbehörde",
    port,
    password: DEV_KEYSTORE_PASSWORD,
    rpcUrl: system.chain.rpcUrl,
    deploymentFile: system.chain.deploymentFile,
    demo: { DEMO_MODE: "true", CHECKPOINT_EVERY_BLOCKS: "5" },
    provider: system.chain.provider,
    ledgerAddress: system.chain.deployment.contracts.ProcedureLedger.address,
    proposer: "BAMF",
    approvers: ["ZAB"],
  });
  return startMemberService(system, { key: BAUTZEN.key, port, configFile: member.paths.config, env: { OUTBOX_POLL_MS: "50", LISTENER_POLL_MS: "100", ...env } });
}
