// One end-to-end path through the whole system, to run on any node (test/services/e2e-anvil-and-hardhat):
// both agencies record over their APIs, the partner is notified of a forward and of the stop a
// follow-up application raises while a repatriation is scheduled, and the auditor's CLI audits the
// ledger, the exports and the checkpoints fetched from both services. Only standard JSON-RPC on the
// chain side; the caller asserts.
import { randomUUID } from "node:crypto";
import type { System, AgencyEndpoint } from "./system";
import { runCli, type CliRun } from "../audit/support/cli";

const person = { familyName: "Mensah (fiktiv)", givenNames: "Ama", dateOfBirth: "1990-04-12", nationality: "GHA" };

/** The case's steps in ledger order once the scenario ran, as "AGENCY:STEP" (BAMF's timeline shows them so). */
export const FOLLOW_UP_TIMELINE = [
  "ZAB:REGISTERED",
  "BAMF:APPLICATION_FILED",
  "BAMF:HEARING_SCHEDULED",
  "BAMF:HEARING_HELD",
  "BAMF:DECISION_ISSUED",
  "BAMF:DECISION_SERVED",
  "BAMF:DECISION_FINAL",
  "ZAB:DEPARTURE_OBLIGATION",
  "ZAB:REPATRIATION_SCHEDULED",
  "BAMF:FOLLOW_UP_APPLICATION_FILED",
];

export interface Notification {
  kind: string;
  priority: number;
  caseRef: string;
}

export interface ScenarioResult {
  caseRef: string;
  /** the steps as BAMF's timeline shows them, "AGENCY:STEP" */
  timeline: string[];
  /** ZAB's unacknowledged notifications for the case once the stop reached it */
  zabNotifications: Notification[];
  audit: CliRun;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function call(ep: AgencyEndpoint, method: string, path: string, body?: unknown, token = ep.token): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(ep.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

/** Record a step over the API and wait until the chain confirmed it. */
async function step(ep: AgencyEndpoint, caseRef: string, body: Record<string, unknown>): Promise<void> {
  const r = await call(ep, "POST", `/api/cases/${caseRef}/steps`, { eventId: randomUUID(), ...body });
  if (r.status !== 202) throw new Error(`${ep.agency} ${String(body.step)}: ${r.status} ${JSON.stringify(r.json)}`);
  await waitFor(`${ep.agency} ${String(body.step)} confirmed`, async () => {
    const s = await call(ep, "GET", `/api/steps/${r.json.eventId}`);
    if (s.json.state === "failed") throw new Error(`${String(body.step)} failed: ${s.json.failureReason}`);
    return s.json.state === "confirmed";
  });
}

export async function followUpWhileRepatriationScheduled(sys: System, fileNumber: string): Promise<ScenarioResult> {
  const refs = await Promise.all([sys.ZAB, sys.BAMF].map(async (ep) => (await call(ep, "POST", "/api/cases", { fileNumber, person })).json.caseRef as string));
  if (refs[0] !== refs[1]) throw new Error(`the agencies derived different case references: ${refs.join(" ")}`);
  const caseRef = refs[0];

  await step(sys.ZAB, caseRef, { step: "REGISTERED" });
  for (const s of [
    { step: "APPLICATION_FILED" },
    { step: "HEARING_SCHEDULED", businessDate: "2027-01-20" },
    { step: "HEARING_HELD" },
    { step: "DECISION_ISSUED", detail: "REJECTED_UNFOUNDED" },
    { step: "DECISION_SERVED" },
    { step: "DECISION_FINAL" },
  ])
    await step(sys.BAMF, caseRef, s);
  await step(sys.ZAB, caseRef, { step: "DEPARTURE_OBLIGATION" });
  await step(sys.ZAB, caseRef, { step: "REPATRIATION_SCHEDULED", businessDate: "2027-02-10" });
  await step(sys.BAMF, caseRef, { step: "FOLLOW_UP_APPLICATION_FILED" });

  const zabNotifications = await waitFor("ZAB's stop notification", async () => {
    const n = await call(sys.ZAB, "GET", "/api/notifications?unacknowledged=true");
    const mine = (n.json.notifications as Notification[]).filter((x) => x.caseRef === caseRef);
    return mine.some((x) => x.kind === "STOP") && mine;
  });
  // BAMF's listener has the follow-up too once its timeline has no step pending.
  const timeline = await waitFor("BAMF's timeline of all ten steps", async () => {
    const t = await call(sys.BAMF, "GET", `/api/cases/${caseRef}/timeline`);
    const steps = (t.json.steps as { agency: string; step: { key: string } }[]).map((s) => `${s.agency}:${s.step.key}`);
    return steps.length === 10 && t.json.pending.length === 0 && steps;
  });

  // The audit checks what the agencies signed: wait until each has signed the newest checkpoint due
  // (test/support/system.ts has them sign every 5 blocks; no further block need come on an idle chain).
  const due = Math.floor((await sys.chain.provider.getBlockNumber()) / 5) * 5;
  for (const ep of [sys.BAMF, sys.ZAB])
    await waitFor(`${ep.agency}'s checkpoint at block ${due}`, async () => {
      const c = await call(ep, "GET", "/api/checkpoints", undefined, ep.auditToken);
      return (c.json.checkpoints as { blockNumber: number }[]).some((x) => x.blockNumber >= due);
    });

  const audit = await runCli(["--rpc", sys.chain.rpcUrl, "--deployment", sys.chain.deploymentFile, "--bamf-url", sys.BAMF.url, "--zab-url", sys.ZAB.url], {
    env: { ANKER_AUDIT_TOKEN_BAMF: sys.BAMF.auditToken, ANKER_AUDIT_TOKEN_ZAB: sys.ZAB.auditToken },
  });
  return { caseRef, timeline, zabNotifications, audit };
}
