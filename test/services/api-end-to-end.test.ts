// The API in the running agency service (services/agency/main.ts): both agencies on a throwaway anvil,
// the real outbox, listener and notifications. Steps go in through the API, reach the chain, come back
// through the listener, and the API's reads (timeline, alerts, list, notifications, proposals, audit
// export) show them as the chain has them.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { startTestChain, freePort, type TestChain } from "../support/chain";
import { runService, type RunningService } from "../../services/agency/main";
import { ensureApiClient } from "../../services/agency/auth/bootstrap";
import { commitmentOf } from "../../services/shared/commitment";
import type { AgencyKey } from "../../services/shared/codelists";
import { FOLLOW_UP_TIMELINE } from "../support/e2e-scenario";

const person = { familyName: "Okafor (fiktiv)", givenNames: "Grace", dateOfBirth: "1993-09-21", nationality: "NGA" };

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("API end to end: both agencies on a real chain", function () {
  this.timeout(180_000);
  let chain: TestChain;
  const svc = {} as Record<AgencyKey, RunningService>;
  const url = {} as Record<AgencyKey, string>;
  const token: Record<string, string> = { BAMF: "e2e-bamf-clerk-token-123456", ZAB: "e2e-zab-clerk-token-1234567" };
  const auditToken = { BAMF: "e2e-bamf-audit-token-123456", ZAB: "e2e-zab-audit-token-1234567" };

  async function call(agency: AgencyKey, method: string, path: string, body?: unknown, t = token[agency]) {
    const res = await fetch(url[agency] + path, {
      method,
      headers: { authorization: `Bearer ${t}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, json: (await res.json()) as any };
  }

  /** Record a step and wait until the chain confirmed it. */
  async function step(agency: AgencyKey, caseRef: string, body: Record<string, unknown>): Promise<string> {
    const r = await call(agency, "POST", `/api/cases/${caseRef}/steps`, { eventId: randomUUID(), ...body });
    expect(r.status, JSON.stringify(r.json)).to.equal(202);
    await waitFor(`${body.step} confirmed`, async () => {
      const s = await call(agency, "GET", `/api/steps/${r.json.eventId}`);
      if (s.json.state === "failed") throw new Error(`${body.step} failed: ${s.json.failureReason}`);
      return s.json.state === "confirmed";
    });
    return r.json.ledgerEventId;
  }

  /** Wait until an agency's listener stored the StepRecorded event of `ledgerEventId`. */
  const mirrored = (agency: AgencyKey, ledgerEventId: string) =>
    waitFor(
      `${agency} mirrored ${ledgerEventId}`,
      async () => (await svc[agency].db.ledgerEvent.count({ where: { name: "StepRecorded", eventId: ledgerEventId } })) > 0,
    );

  before(async () => {
    chain = await startTestChain();
    for (const agency of ["BAMF", "ZAB"] as const) {
      const port = await freePort();
      svc[agency] = await runService({
        env: {
          AGENCY: agency,
          ANKER_DATA_DIR: chain.dataDir,
          ANKER_RPC_URL: chain.rpcUrl,
          ANKER_CONSORTIUM_KEY: chain.consortiumKeyHex,
          PORT: String(port),
          OUTBOX_POLL_MS: "50",
          LISTENER_POLL_MS: "50",
          LOG_LEVEL: "silent",
        },
      });
      url[agency] = `http://127.0.0.1:${port}`;
      await ensureApiClient(svc[agency].db, { name: `${agency.toLowerCase()}-e2e`, token: token[agency], role: "clerk" });
      await ensureApiClient(svc[agency].db, { name: `${agency.toLowerCase()}-e2e-audit`, token: auditToken[agency], role: "auditor" });
    }
  });
  after(async () => {
    for (const s of Object.values(svc)) await s?.stop();
    await chain?.dispose();
  });

  it("carries a procedure through both agencies and shows the repatriation stop on both sides", async () => {
    const fileNumber = "9100001-423";
    const refs = await Promise.all((["ZAB", "BAMF"] as const).map(async (a) => (await call(a, "POST", "/api/cases", { fileNumber, person })).json.caseRef));
    expect(refs[0]).to.equal(refs[1], "same file number, same consortium key: same case reference");
    const caseRef = refs[0];

    await step("ZAB", caseRef, { step: "REGISTERED", data: { facility: "AnKER Dresden" } });
    for (const s of [
      { step: "APPLICATION_FILED" },
      { step: "HEARING_SCHEDULED", businessDate: "2027-01-20" },
      { step: "HEARING_HELD", data: { interpreter: true } },
      { step: "DECISION_ISSUED", detail: "REJECTED_UNFOUNDED", data: { ref: "Bescheid 1" } },
      { step: "DECISION_SERVED" },
      { step: "DECISION_FINAL" },
    ])
      await step("BAMF", caseRef, s);
    await step("ZAB", caseRef, { step: "DEPARTURE_OBLIGATION" });
    await step("ZAB", caseRef, { step: "REPATRIATION_SCHEDULED", businessDate: "2027-02-10" });
    const followUp = await step("BAMF", caseRef, { step: "FOLLOW_UP_APPLICATION_FILED", data: { note: "Folgeantrag schriftlich" } });
    await mirrored("BAMF", followUp);
    await mirrored("ZAB", followUp);

    // BAMF's timeline: every step of both agencies in order, own records verified against the chain.
    const t = await call("BAMF", "GET", `/api/cases/${caseRef}/timeline`);
    expect(t.status).to.equal(200);
    expect(t.json.steps.map((s: { agency: string; step: { key: string } }) => `${s.agency}:${s.step.key}`)).to.deep.equal(FOLLOW_UP_TIMELINE);
    for (const s of t.json.steps) {
      if (s.own) expect(s.verified, s.step.key).to.equal(true);
      else expect(s).to.not.have.property("data");
    }
    expect(t.json.steps[2].businessDate).to.equal("2027-01-20");
    expect(t.json.steps[4].detail).to.include({ key: "REJECTED_UNFOUNDED" });
    expect(t.json.steps[0].data, "ZAB's data stays with ZAB").to.equal(undefined);
    expect(t.json.pending).to.deep.equal([]);
    const last = t.json.steps[9];
    expect(last.notices.map((n: { name: string }) => n.name)).to.include("StopChanged");
    expect(t.json.openStops.reasons.map((r: { key: string }) => r.key)).to.deep.equal(["FOLLOW_UP_PENDING"]);

    // ZAB sees the stop live from the chain and in its notifications, first of all.
    const alerts = await call("ZAB", "GET", `/api/cases/${caseRef}/alerts`);
    expect(alerts.json.openStops).to.deep.include({ bits: 8, source: "chain" });
    expect(alerts.json.stopHistory.at(-1).reasons.map((r: { key: string }) => r.key)).to.deep.equal(["FOLLOW_UP_PENDING"]);
    const notes = await waitFor("ZAB stop notification", async () => {
      const n = await call("ZAB", "GET", "/api/notifications?unacknowledged=true");
      return n.json.notifications.some((x: { kind: string }) => x.kind === "STOP") && n.json.notifications;
    });
    expect(notes[0]).to.include({ kind: "STOP", priority: 0, caseRef });
    const list = await call("ZAB", "GET", "/api/cases");
    expect(list.json.cases.find((c: { caseRef: string }) => c.caseRef === caseRef)).to.deep.include({ held: true, fileNumber, phase: 2 });

    // The audit export matches every own commitment on chain, without personal data.
    const exp = await call("BAMF", "GET", "/api/audit/export", undefined, auditToken.BAMF);
    const onChain = new Map(
      (await svc.BAMF.db.ledgerEvent.findMany({ where: { name: "StepRecorded", agency: 1 } })).map((e) => [e.eventId!, e.commitment!.toLowerCase()]),
    );
    expect(exp.json.lines).to.have.length(7);
    for (const l of exp.json.lines) expect(commitmentOf(l.salt, l.dataDigest).toLowerCase()).to.equal(onChain.get(l.ledgerEventId));
  });

  it("lets BAMF record for a case ZAB registered, by case reference alone", async () => {
    const caseRef = (await call("ZAB", "POST", "/api/cases", { fileNumber: "9100002-423", person })).json.caseRef;
    const reg = await step("ZAB", caseRef, { step: "REGISTERED" });
    // BAMF never registered this case: its listener having seen ZAB's step is enough.
    await mirrored("BAMF", reg);
    const filed = await step("BAMF", caseRef, { step: "APPLICATION_FILED" });
    await mirrored("ZAB", filed);
    const t = await call("ZAB", "GET", `/api/cases/${caseRef}/timeline`);
    expect(t.json.steps.map((s: { step: { key: string } }) => s.step.key)).to.deep.equal(["REGISTERED", "APPLICATION_FILED"]);
  });

  it("proposes a district when an allocation is due and drops the case once ZAB allocated it", async () => {
    const caseRef = (await call("ZAB", "POST", "/api/cases", { fileNumber: "9100003-423", person })).json.caseRef;
    await call("BAMF", "POST", "/api/cases", { fileNumber: "9100003-423", person });
    await step("ZAB", caseRef, { step: "REGISTERED" });
    const good = await step("BAMF", caseRef, { step: "PROSPECTS_ASSESSED", detail: "GOOD" });
    await mirrored("ZAB", good);
    const p = await call("ZAB", "GET", "/api/allocation/proposals");
    const mine = p.json.proposals.find((x: { caseRef: string }) => x.caseRef === caseRef);
    expect(mine, "the due case is proposed").to.not.equal(undefined);
    expect(mine.proposed.code).to.equal(14713, "nothing allocated yet: the largest district");
    const alloc = await step("ZAB", caseRef, { step: "MUNICIPAL_ALLOCATION", detail: mine.proposed.code });
    await mirrored("ZAB", alloc);
    const after = await call("ZAB", "GET", "/api/allocation/proposals");
    expect(after.json.proposals.map((x: { caseRef: string }) => x.caseRef)).to.not.include(caseRef);
    await mirrored("BAMF", alloc);
    const bamfView = await call("BAMF", "GET", `/api/cases/${caseRef}/timeline`);
    expect(bamfView.json.steps.at(-1).detail).to.include({ value: "14713", de: "Leipzig, Stadt" });
  });
});
