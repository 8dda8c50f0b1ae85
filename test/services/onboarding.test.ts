// Onboarding a member agency by vote while the system runs (issue 14), end to end against real processes:
// anvil with the ledger, the BAMF and ZAB services, Landkreis Bautzen (agency 3) voted in as npm start does
// (scripts/onboard/by-vote.ts), then a fourth agency, the immigration authority of Dresden (district
// 14612), prepared in a state folder of its own (scripts/onboard/member-kit.ts), proposed by BAMF's admin
// and approved by ZAB's admin over their admin APIs, handed the consortium key sealed to its key, started
// from its own configuration. It catches up, records arrivals for people allocated to its district and is
// refused, naming the rule, for anyone else; BAMF and ZAB get its steps as followers; removing it by vote
// stops its writes; the audit is clean throughout and lists the membership history.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSystem, startMemberService, joinBautzenByVote, type System, type AgencyEndpoint } from "../support/system";
import { freePort } from "../support/chain";
import { runCli, type CliRun } from "../audit/support/cli";
import { agencyTypeOption, prepareMember, type PreparedMember } from "../../scripts/onboard/member-kit";
import { fundMember, handOverConsortiumKey, unsealIntoKeyStore } from "../../scripts/onboard/flow";
import { sealedKeyHeader } from "../../scripts/onboard/sealing";
import { DEV_KEYSTORE_PASSWORD } from "../../services/shared/keystore";
import { demoUsers } from "../../services/shared/demo-credentials";

const person = (n: number) => ({ familyName: `Onboarding ${n} (fiktiv)`, givenNames: "Test", dateOfBirth: "1991-02-03", nationality: "SYR" });

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(ep: { url: string; token: string }, method: string, path: string, body?: unknown, session?: { cookie: string; csrf: string }): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = session ? { cookie: session.cookie, "x-csrf-token": session.csrf } : { authorization: `Bearer ${ep.token}` };
  if (body) headers["content-type"] = "application/json";
  const res = await fetch(ep.url + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let json: Json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function adminSession(ep: AgencyEndpoint): Promise<{ cookie: string; csrf: string }> {
  const admin = demoUsers(ep.agency).find((u) => u.role === "admin")!;
  const res = await fetch(`${ep.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: admin.username, password: admin.password }) });
  const json = (await res.json()) as { csrfToken: string };
  if (res.status !== 200) throw new Error(`admin login at ${ep.agency}: ${res.status} ${JSON.stringify(json)}`);
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0], csrf: json.csrfToken };
}

/** A step over the API: "confirmed", or the refusal (HTTP problem or the failed step's reason). */
async function record(ep: AgencyEndpoint, caseRef: string, body: Record<string, unknown>): Promise<{ state: "confirmed" } | { state: "refused"; status: number; reason: string }> {
  const r = await call(ep, "POST", `/api/cases/${caseRef}/steps`, { eventId: randomUUID(), ...body });
  if (r.status !== 202) return { state: "refused", status: r.status, reason: JSON.stringify(r.json) };
  return waitFor(`${ep.agency} ${String(body.step)}`, async () => {
    const s = await call(ep, "GET", `/api/steps/${r.json.eventId}`);
    if (s.json.state === "failed") return { state: "refused" as const, status: 202, reason: String(s.json.failureReason) };
    return s.json.state === "confirmed" && { state: "confirmed" as const };
  });
}

async function confirmed(ep: AgencyEndpoint, caseRef: string, body: Record<string, unknown>): Promise<void> {
  const r = await record(ep, caseRef, body);
  if (r.state !== "confirmed") throw new Error(`${ep.agency} ${String(body.step)} refused: ${r.status} ${r.reason}`);
}

async function register(ep: AgencyEndpoint, fileNumber: string, n: number): Promise<string> {
  const r = await call(ep, "POST", "/api/cases", { fileNumber, person: person(n) });
  if (r.status >= 300) throw new Error(`${ep.agency} register ${fileNumber}: ${r.status} ${JSON.stringify(r.json)}`);
  return String(r.json.caseRef);
}

describe("onboarding a member agency by vote while the system runs (issue 14)", function () {
  this.timeout(600_000);
  let sys: System;
  let memberRoot: string;
  let dresden: PreparedMember;
  let dd: AgencyEndpoint;
  let sessions: Record<string, { cookie: string; csrf: string }>;
  const cases: Record<"dresden" | "bautzen" | "none", { fileNumber: string; caseRef: string }> = {} as never;
  const audits: { when: string; run: CliRun }[] = [];

  const agencyArgs = () => [...sys.agencies.values()].flatMap((a) => ["--agency", `${a.agency}:${codeOf(a.agency)}=${a.url}`]);
  const codeOf = (key: string) => ({ BAMF: 1, ZAB: 2, "ABH-14625": 3, "ABH-14612": 4 })[key] ?? 0;
  async function audit(when: string): Promise<CliRun> {
    // Every agency signs every 5 blocks (test/support/system.ts): wait for the newest checkpoint due.
    const due = Math.floor((await sys.chain.provider.getBlockNumber()) / 5) * 5;
    for (const a of sys.agencies.values()) {
      await waitFor(`${a.agency}'s checkpoint at ${due}`, async () => {
        const c = await call({ url: a.url, token: a.auditToken }, "GET", "/api/checkpoints");
        return (c.json.checkpoints as { blockNumber: number }[] | undefined)?.some((x) => x.blockNumber >= due);
      }, 90_000);
    }
    const env = Object.fromEntries([...sys.agencies.values()].map((a) => [`ANKER_AUDIT_TOKEN_${a.agency.replace(/-/g, "_")}`, a.auditToken]));
    const run = await runCli(["--rpc", sys.chain.rpcUrl, "--deployment", sys.chain.deploymentFile, ...agencyArgs()], { env });
    audits.push({ when, run });
    return run;
  }

  before(async () => {
    sys = await startSystem();
    // Landkreis Bautzen joins as npm start has it join: BAMF proposes, ZAB approves, BAMF seals the key.
    await joinBautzenByVote(sys);

    // Cases before the fourth agency exists: one allocated to Dresden (14612), one to Bautzen, one to no one.
    for (const [name, n, district] of [["dresden", 1, 14612], ["bautzen", 2, 14625], ["none", 3, 0]] as const) {
      const fileNumber = `${8100000 + n}-${400 + n}`;
      const caseRef = await register(sys.ZAB, fileNumber, n);
      expect(await register(sys.BAMF, fileNumber, n)).to.equal(caseRef);
      await confirmed(sys.ZAB, caseRef, { step: "REGISTERED" });
      await confirmed(sys.BAMF, caseRef, { step: "APPLICATION_FILED" });
      if (district) await confirmed(sys.ZAB, caseRef, { step: "MUNICIPAL_ALLOCATION", detail: district });
      cases[name] = { fileNumber, caseRef };
    }
    sessions = { BAMF: await adminSession(sys.BAMF), ZAB: await adminSession(sys.ZAB) };
  });

  after(async () => {
    await sys?.stop();
    if (memberRoot) rmSync(memberRoot, { recursive: true, force: true });
  });

  it("the audit is CLEAN with three members (Bautzen voted in)", async () => {
    const run = await audit("three members");
    expect(run.code, run.stdout + run.stderr).to.equal(0);
  });

  it("prepares agency 4 in a folder of its own: encrypted signing key, encrypted sealing key, configuration, public request", async () => {
    memberRoot = mkdtempSync(join(tmpdir(), "anker-member-"));
    dresden = await prepareMember({
      root: memberRoot,
      key: "ABH-14612",
      agency: 4,
      type: agencyTypeOption("district"),
      scope: 14612,
      name: "Landeshauptstadt Dresden, Ausländerbehörde",
      port: await freePort(),
      password: DEV_KEYSTORE_PASSWORD,
      rpcUrl: sys.chain.rpcUrl,
      deploymentFile: sys.chain.deploymentFile,
      demo: { DEMO_MODE: "true", CHECKPOINT_EVERY_BLOCKS: "5" },
    });
    const keystore = JSON.parse(readFileSync(dresden.paths.keystore, "utf8"));
    expect(keystore.crypto ?? keystore.Crypto, "Web3 Secret Storage").to.have.property("kdf", "scrypt");
    expect(statSync(dresden.paths.keystore).mode & 0o077, "keystore readable by the owner only").to.equal(0);
    expect(readFileSync(dresden.paths.sealingKey, "utf8").split(".")).to.have.length(5); // a compact JWE
    expect(dresden.request).to.include({ key: "ABH-14612", agency: 4, agencyType: 3, typeKey: "DISTRICT_AUTHORITY", scope: 14612 });
    expect(dresden.request.sealingPublicJwk).to.include({ kty: "OKP", crv: "X25519" });
    expect(dresden.request.sealingPublicJwk).to.not.have.property("d");
    const config = JSON.parse(readFileSync(dresden.paths.config, "utf8"));
    expect(config).to.include({ AGENCY: "ABH-14612", AGENCY_CODE: 4, ANKER_DATA_DIR: memberRoot });
    expect(JSON.stringify(config)).to.not.match(/PASSWORD|CONSORTIUM/);
    expect(existsSync(dresden.paths.consortiumKey), "no consortium key before the vote").to.equal(false);
  });

  it("refuses to seal the consortium key before the vote admitted the member", async () => {
    let error: Error | undefined;
    try {
      await handOverConsortiumKey({ provider: sys.chain.provider, ledgerAddress: sys.chain.deployment.contracts.ProcedureLedger.address, request: dresden.request, consortiumKeyHex: sys.chain.consortiumKeyHex, memberRoot });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/not a member of agency 4 on chain yet/);
    expect(existsSync(dresden.paths.sealedConsortiumKey)).to.equal(false);
  });

  it("BAMF's admin proposes agency 4 over the admin API; ZAB's admin approves it; a majority of three carries it out", async () => {
    await fundMember(sys.chain.provider, dresden.request.account, () => {});
    const { account, agency, agencyType, scope, name } = dresden.request;
    const proposed = await call(sys.BAMF, "POST", "/api/admin/membership/proposals", { action: "AddMember", account, agency, agencyType, scope, name }, sessions.BAMF);
    expect(proposed.status, JSON.stringify(proposed.json)).to.equal(200);
    expect(proposed.json.executed).to.equal(false);
    const open = await call(sys.ZAB, "GET", "/api/admin/membership", undefined, sessions.ZAB);
    const p = (open.json.proposals as Json[]).find((x) => x.id === proposed.json.id);
    expect(p).to.include({ action: "AddMember", agency: 4, scope: 14612, executed: false, approvedByUs: false });
    expect(JSON.stringify(open.json), "no key material in a proposal").to.not.match(new RegExp(sys.chain.consortiumKeyHex));

    // Approving twice for one agency is refused, naming the contract's error.
    const again = await call(sys.BAMF, "POST", `/api/admin/membership/proposals/${proposed.json.id}/approve`, undefined, sessions.BAMF);
    expect(again.status).to.equal(409);
    expect(again.json.reason).to.match(/^AlreadyApproved\(/);

    const approved = await call(sys.ZAB, "POST", `/api/admin/membership/proposals/${proposed.json.id}/approve`, undefined, sessions.ZAB);
    expect(approved.status, JSON.stringify(approved.json)).to.equal(200);
    expect(approved.json.executed).to.equal(true);
    const after = await call(sys.BAMF, "GET", "/api/admin/membership", undefined, sessions.BAMF);
    expect((after.json.agencies as Json[]).find((a) => a.agency === 4)).to.include({ agencyType: 3, scope: 14612, name: "Landeshauptstadt Dresden, Ausländerbehörde", active: true });
  });

  it("hands the consortium key over sealed to the new member's key (JWE ECDH-ES+A256KW/A256GCM); the member opens it", async () => {
    const sealed = await handOverConsortiumKey({ provider: sys.chain.provider, ledgerAddress: sys.chain.deployment.contracts.ProcedureLedger.address, request: dresden.request, consortiumKeyHex: sys.chain.consortiumKeyHex, memberRoot });
    const jwe = readFileSync(sealed.file, "utf8").trim();
    expect(jwe).to.not.include(sys.chain.consortiumKeyHex);
    expect(sealedKeyHeader(jwe)).to.include({ recipient: "ABH-14612", kid: dresden.request.sealingThumbprint });
    const opened = await unsealIntoKeyStore(memberRoot, "ABH-14612", DEV_KEYSTORE_PASSWORD);
    expect(opened.written).to.equal(true);
    expect(readFileSync(dresden.paths.consortiumKey, "utf8").trim()).to.equal(sys.chain.consortiumKeyHex);
    expect(statSync(dresden.paths.consortiumKey).mode & 0o077).to.equal(0);
  });

  it("its service starts from its own configuration and catches up from the deployment block", async () => {
    const config = JSON.parse(readFileSync(dresden.paths.config, "utf8")) as { PORT: number };
    dd = await startMemberService(sys, { key: "ABH-14612", port: config.PORT, configFile: dresden.paths.config, env: { OUTBOX_POLL_MS: "50", LISTENER_POLL_MS: "100" } });
    const head = await sys.chain.provider.getBlockNumber();
    await waitFor("ABH-14612's listener at the chain head", async () => {
      const s = await call(dd, "GET", "/api/ledger/status");
      return s.status === 200 && Number(s.json.listener?.blockNumber ?? -1) >= head && s.json;
    });
    // The same case reference from the file number: the consortium key arrived intact.
    expect(await register(dd, cases.dresden.fileNumber, 1)).to.equal(cases.dresden.caseRef);
    // The directory of the network from the chain: every member, with number, type, scope and name.
    const meta = await call(dd, "GET", "/api/meta");
    expect(meta.json).to.include({ agency: "ABH-14612", agencyCode: 4, agencyType: "DISTRICT_AUTHORITY", agencyScope: 14612 });
    const members = (meta.json.members as Json[]).map((m) => `${m.code} ${m.type} ${m.scope} ${m.name}`);
    expect(members).to.include.members([
      "3 DISTRICT_AUTHORITY 14625 Landratsamt Bautzen, Ausländerbehörde",
      "4 DISTRICT_AUTHORITY 14612 Landeshauptstadt Dresden, Ausländerbehörde",
    ]);
    expect((meta.json.members as Json[]).map((m) => m.code)).to.include.members([1, 2, 3, 4]);
  });

  it("records allocation received and arrival for the person allocated to its district", async () => {
    await confirmed(dd, cases.dresden.caseRef, { step: "ALLOCATION_RECEIVED" });
    await confirmed(dd, cases.dresden.caseRef, { step: "ARRIVED_REGISTERED" });
  });

  it("is refused, naming the rule, for a person allocated to another district and for one allocated to none", async () => {
    await register(dd, cases.bautzen.fileNumber, 2);
    await register(dd, cases.none.fileNumber, 3);
    for (const c of [cases.bautzen, cases.none]) {
      const r = await record(dd, c.caseRef, { step: "ARRIVED_REGISTERED" });
      expect(r.state, c.fileNumber).to.equal("refused");
      if (r.state === "refused") expect(r.reason).to.match(/NotAllocatedToDistrict|not-allocated-to-district/);
    }
    // A step of another type is refused as such.
    const other = await record(dd, cases.dresden.caseRef, { step: "DECISION_SERVED" });
    expect(other.state).to.equal("refused");
    if (other.state === "refused") expect(other.reason).to.match(/StepNotPermitted|step-not-permitted/);
  });

  it("BAMF and ZAB get its steps as followers of the case; Bautzen, which does not follow it, does not", async () => {
    for (const ep of [sys.BAMF, sys.ZAB]) {
      await waitFor(`${ep.agency}'s forward of ABH-14612's arrival`, async () => {
        const n = await call(ep, "GET", "/api/notifications?unacknowledged=true");
        return (n.json.notifications as Json[]).some((x) => x.caseRef === cases.dresden.caseRef && x.kind === "FORWARD" && JSON.stringify(x).includes("ARRIVED_REGISTERED"));
      });
    }
    const bz = sys.agencies.get("ABH-14625")!;
    const n = await call(bz, "GET", "/api/notifications?unacknowledged=true");
    expect((n.json.notifications as Json[]).filter((x) => x.caseRef === cases.dresden.caseRef)).to.deep.equal([]);
  });

  it("the audit is CLEAN with four members", async () => {
    const run = await audit("four members");
    expect(run.code, run.stdout + run.stderr).to.equal(0);
  });

  it("removing it by vote (BAMF proposes, ZAB and Bautzen approve: three of four) stops its writes at once", async () => {
    const proposed = await call(sys.BAMF, "POST", "/api/admin/membership/proposals", { action: "RemoveMember", account: dresden.request.account }, sessions.BAMF);
    expect(proposed.status, JSON.stringify(proposed.json)).to.equal(200);
    const zab = await call(sys.ZAB, "POST", `/api/admin/membership/proposals/${proposed.json.id}/approve`, undefined, sessions.ZAB);
    expect(zab.json.executed, "two of four are no majority").to.equal(false);
    const bz = sys.agencies.get("ABH-14625")!;
    const bzApproved = await call(bz, "POST", `/api/admin/membership/proposals/${proposed.json.id}/approve`, undefined, await adminSession(bz));
    expect(bzApproved.json.executed, JSON.stringify(bzApproved.json)).to.equal(true);

    const { governance, agencyOfAccount } = await import("../../scripts/lib/membership");
    expect(await agencyOfAccount(governance(sys.chain.deployment.contracts.ProcedureLedger.address, sys.chain.provider), dresden.request.account)).to.equal(0);
    // Its next step is accepted into its outbox but the ledger refuses the key: the writer says so and pauses.
    const seen = dd.logs.length;
    const posted = await call(dd, "POST", `/api/cases/${cases.dresden.caseRef}/steps`, { eventId: randomUUID(), step: "NOT_ARRIVED" });
    if (posted.status === 202) {
      await waitFor("ABH-14612's writer refused by the ledger", async () => dd.logs.slice(seen).some((l) => /does not accept this agency key|NotAMember/.test(l)));
      const state = await call(dd, "GET", `/api/steps/${posted.json.eventId}`);
      expect(state.json.state).to.not.equal("confirmed");
    } else {
      expect(JSON.stringify(posted.json)).to.match(/NotAMember|not a member|Mitglied/i);
    }
  });

  it("the audit lists the membership history: who joined and left, in which block", async () => {
    const run = await audit("after the removal");
    const text = run.stdout + JSON.stringify(run.report ?? {});
    for (const s of ["ABH-14612", "ABH-14625", "Landeshauptstadt Dresden", "14612"]) expect(text, s).to.include(s);
    expect(text).to.match(/ABH-14612[^\n]*from block \d+ to block \d+/);
  });

  it("the audit stays CLEAN after the removal", () => {
    const run = audits.find((a) => a.when === "after the removal")!.run;
    expect(run.code, run.stdout + run.stderr).to.equal(0);
  });

  it("npm run agency:onboard does the same from the command line (one-machine demo: --approve-as)", async () => {
    const { execFile } = await import("node:child_process");
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile(
          process.execPath,
          ["--import", "tsx", join(__dirname, "..", "..", "scripts", "onboard", "cli.ts"), ...args],
          { env: { ...process.env, ANKER_DATA_DIR: sys.chain.dataDir, ANKER_DEPLOYMENT: sys.chain.deploymentFile, ANKER_RPC_URL: sys.chain.rpcUrl, ANKER_KEYSTORE_PASSWORD: DEV_KEYSTORE_PASSWORD } },
          (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        );
      });
    const r = await run(["--type", "district", "--district", "14628", "--name", "Landratsamt Sächsische Schweiz-Osterzgebirge, Ausländerbehörde", "--approve-as", "ZAB"]);
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.match(/Prepared ABH-14628: agency 5, District immigration authority \(DISTRICT_AUTHORITY\), scope 14628/);
    expect(r.out).to.match(/BAMF proposed adding ABH-14628: proposal \d+/);
    expect(r.out).to.match(/ZAB approved proposal \d+: carried out/);
    expect(r.out).to.match(/ABH-14628 opened it: the same key as/);
    expect(r.out).to.include("ANKER_CONFIG=");
    expect(r.out, "the key is never printed").to.not.include(sys.chain.consortiumKeyHex);
    // A second run finds it a member and changes nothing on chain.
    const again = await run(["--type", "district", "--district", "14628", "--name", "Landratsamt Sächsische Schweiz-Osterzgebirge, Ausländerbehörde", "--code", "5"]);
    expect(again.code, again.out).to.equal(0);
    expect(again.out).to.match(/Already prepared ABH-14628[\s\S]*is a member already/);
  });
});
