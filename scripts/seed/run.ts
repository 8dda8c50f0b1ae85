// Seeds the demo data through the agencies' own APIs, as their specialist applications would: both
// agencies register each case, then the steps go in rounds (the n-th step of every case), each round
// waiting until the chain confirmed the one before, so that steps reach the chain in procedure order.
// Event ids are derived from the file number and position, so a repeated run records nothing twice.
import { createHash } from "node:crypto";
import { demoPlan, PlannedCase } from "./plan";
import type { AgencyKey } from "../../services/shared/codelists";

export interface AgencyEndpoint {
  url: string;
  token: string;
}

type Endpoints = Record<AgencyKey, AgencyEndpoint>;

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
function eventIdFor(fileNumber: string, index: number): string {
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

export async function seedDemo(endpoints: Endpoints, onProgress: (done: number, total: number) => void = () => {}): Promise<{ cases: number; steps: number }> {
  const plan: PlannedCase[] = demoPlan();
  const caseRefs = new Map<string, string>();
  for (const c of plan) {
    for (const agency of ["ZAB", "BAMF"] as const) {
      const { json } = await call(endpoints[agency], "POST", "/api/cases", { fileNumber: c.fileNumber, person: c.person });
      caseRefs.set(c.fileNumber, String(json.caseRef));
    }
  }
  const total = plan.reduce((n, c) => n + c.steps.length, 0);
  let done = 0;
  const rounds = Math.max(...plan.map((c) => c.steps.length));
  for (let r = 0; r < rounds; r++) {
    const pending = await Promise.all(
      plan
        .filter((c) => r < c.steps.length)
        .map(async (c) => {
          const s = c.steps[r];
          const eventId = eventIdFor(c.fileNumber, r);
          const body: Record<string, unknown> = { eventId, step: s.step };
          if (s.detail !== undefined) body.detail = s.detail;
          if (s.businessDate) body.businessDate = s.businessDate;
          if (s.data) body.data = s.data;
          await call(endpoints[s.agency], "POST", `/api/cases/${caseRefs.get(c.fileNumber)}/steps`, body);
          return { ep: endpoints[s.agency], eventId };
        }),
    );
    for (const p of pending) {
      await waitConfirmed(p.ep, p.eventId);
      onProgress(++done, total);
    }
  }
  return { cases: plan.length, steps: total };
}
