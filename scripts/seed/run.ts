// Seeds the demo data through the agencies' own APIs, as their specialist applications would: every
// agency that records a step on a case registers it (BAMF and ZAB all of them, Landkreis Bautzen those
// allocated to it), then the steps go in the order of their days on the demo timeline (plan.ts),
// each day's steps waiting until the chain confirmed the day before, so that steps reach the chain in
// procedure order. On a demo chain that started in the past (npm start on a fresh chain) the chain clock is
// moved forward to each day first (chain-clock.ts), so the dashboard shows weeks of work, not one burst.
// Event ids are derived from the file number and position, so a repeated run records nothing twice.
import { createHash } from "node:crypto";
import { demoPlan, PlannedCase, PlannedStep } from "./plan";
import { ChainClock } from "./chain-clock";
import type { AgencyKey } from "../../services/shared/codelists";

export interface AgencyEndpoint {
  url: string;
  token: string;
}

/** The agencies' endpoints by agency key; steps of an agency without one are left out of the plan. */
type Endpoints = Partial<Record<AgencyKey, AgencyEndpoint>>;

async function call(ep: AgencyEndpoint, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(ep.url + path, {
    method,
    headers: { authorization: `Bearer ${ep.token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.status >= 400) throw new Error(`${method} ${path} -> ${res.status} ${json.title ?? ""} ${json.detail ?? ""}`);
  return { status: res.status, json };
}

/** A UUID derived from the case and the step's position. */
export function eventIdFor(fileNumber: string, index: number): string {
  const h = createHash("sha256").update(`anker-demo:${fileNumber}:${index}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function waitConfirmed(ep: AgencyEndpoint, eventId: string): Promise<void> {
  for (;;) {
    const { json } = await call(ep, "GET", `/api/steps/${eventId}`);
    if (json.state === "confirmed") return;
    if (json.state === "failed") throw new Error(`demo step ${eventId} failed: ${json.failureReason}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SeedOptions {
  /** the chain's JSON-RPC address: with it the chain clock follows the demo timeline where the chain allows */
  rpcUrl?: string;
  /** how many procedures (default 40) */
  count?: number;
  /** lines for the operator (the clock moves or why there are none) */
  say?: (line: string) => void;
}

interface Due {
  caseIndex: number;
  stepIndex: number;
  step: PlannedStep;
}

/**
 * The steps of all cases in time order, cut into batches recorded together: one calendar day each, and at
 * most one step per case (a case's next step waits for the one before).
 */
function batches(plan: PlannedCase[]): Due[][] {
  const all: Due[] = plan.flatMap((c, caseIndex) => c.steps.map((step, stepIndex) => ({ caseIndex, stepIndex, step })));
  all.sort((a, b) => a.step.at - b.step.at || a.caseIndex - b.caseIndex || a.stepIndex - b.stepIndex);
  const out: Due[][] = [];
  let current: Due[] = [];
  const day = (d: Due) => Math.floor(d.step.at / 86_400);
  for (const d of all) {
    if (current.length && (day(current[0]) !== day(d) || current.some((c) => c.caseIndex === d.caseIndex))) {
      out.push(current);
      current = [];
    }
    current.push(d);
  }
  if (current.length) out.push(current);
  return out;
}

export async function seedDemo(
  endpoints: Endpoints,
  onProgress: (done: number, total: number) => void = () => {},
  opts: SeedOptions = {},
): Promise<{ cases: number; steps: number }> {
  const say = opts.say ?? (() => {});
  const full: PlannedCase[] = demoPlan(opts.count ?? 40, Math.floor(Date.now() / 1000));
  const missing = new Set(full.flatMap((c) => c.steps.map((s) => s.agency)).filter((a) => !endpoints[a]));
  if (missing.size) say(`  Demo data: no service of ${[...missing].join(", ")} given; their steps are left out.`);
  // A case's steps stop at the first one whose agency is missing: later steps may need it (the rules).
  const plan: PlannedCase[] = full.map((c) => {
    const cut = c.steps.findIndex((s) => missing.has(s.agency));
    return cut < 0 ? c : { ...c, steps: c.steps.slice(0, cut) };
  });
  const caseRefs = new Map<string, string>();
  for (const c of plan) {
    // ZAB and BAMF know every case of the facility; another agency those it records steps for.
    const agencies = new Set<AgencyKey>(["ZAB", "BAMF", ...c.steps.map((s) => s.agency)]);
    for (const agency of agencies) {
      const ep = endpoints[agency];
      if (!ep) continue;
      const { json } = await call(ep, "POST", "/api/cases", { fileNumber: c.fileNumber, person: c.person });
      caseRefs.set(c.fileNumber, String(json.caseRef));
    }
  }
  const clock = opts.rpcUrl ? await ChainClock.open(opts.rpcUrl, plan[0] ? Math.min(...plan.flatMap((c) => c.steps.map((s) => s.at))) : 0, say) : undefined;
  if (!clock) say("  Demo data: no chain address given, the steps carry the chain's current time.");
  const total = plan.reduce((n, c) => n + c.steps.length, 0);
  let done = 0;
  for (const batch of batches(plan)) {
    await clock?.moveTo(Math.min(...batch.map((d) => d.step.at)));
    const pending = await Promise.all(
      batch.map(async ({ caseIndex, stepIndex, step: s }) => {
        const c = plan[caseIndex];
        const eventId = eventIdFor(c.fileNumber, stepIndex);
        const body: Record<string, unknown> = { eventId, step: s.step };
        if (s.detail !== undefined) body.detail = s.detail;
        if (s.businessDate) body.businessDate = s.businessDate;
        if (s.data) body.data = s.data;
        const ep = endpoints[s.agency]!;
        await call(ep, "POST", `/api/cases/${caseRefs.get(c.fileNumber)}/steps`, body);
        return { ep, eventId };
      }),
    );
    for (const p of pending) {
      await waitConfirmed(p.ep, p.eventId);
      onProgress(++done, total);
    }
  }
  // Blocks after the seed follow the wall clock again.
  await clock?.catchUp();
  return { cases: plan.length, steps: total };
}
