// The demo seed on a fresh demo chain that starts in the past (as npm start begins one): the seeded steps
// spread over weeks of block time, in procedure order, up to now and not after it; the dashboard's processing
// times are days; deadlines are due and overdue; blocks after the seed carry the wall-clock time again.
import { expect } from "chai";
import { startSystem, joinBautzenByVote, type System } from "../support/system";
import { startTestChain } from "../support/chain";
import { seedDemo, eventIdFor } from "../../scripts/seed/run";
import { demoPlan, demoTimelineStart, type PlannedCase } from "../../scripts/seed/plan";
import type { AgencyKey } from "../../services/shared/codelists";

const DAY = 86_400;
/** one of each demo path: enough for every phase, quick to seed */
/** the first 24 of the demo plan: every path once, the four allocated to Landkreis Bautzen among them */
const CASES = 24;

interface StepStatus {
  state: string;
  blockNumber: number | null;
}
interface Stats {
  stepsPerDay: { day: string; total: number }[];
  processingTimes: { key: string; count: number; medianSeconds: number | null }[];
}
interface Deadlines {
  deadlines: { kind: string; overdue: boolean; daysLeft: number }[];
}

describe("demo seed over realistic weeks (anvil started in the past)", function () {
  this.timeout(600_000);
  let sys: System;
  let plan: PlannedCase[];
  /** per case, the block time of each seeded step (unix seconds) */
  const times: number[][] = [];
  let seededAt = 0;
  let lines: string[] = [];

  const ep = (agency: AgencyKey) => sys.agencies.get(agency)!;
  const get = async <T>(agency: AgencyKey, path: string, token = ep(agency).token): Promise<T> => {
    const res = await fetch(`${ep(agency).url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, `${agency} ${path}`).to.equal(200);
    return (await res.json()) as T;
  };
  const blockTime = async (n: number) => (await sys.chain.provider.getBlock(n))!.timestamp;

  before(async () => {
    const now = Math.floor(Date.now() / 1000);
    const chain = await startTestChain({ startTimestamp: demoTimelineStart(now, CASES) - DAY });
    sys = await startSystem({ chain });
    await joinBautzenByVote(sys);
    lines = [];
    const endpoints = Object.fromEntries([...sys.agencies].map(([k, a]) => [k, { url: a.url, token: a.token }]));
    await seedDemo(endpoints, () => {}, { rpcUrl: sys.chain.rpcUrl, count: CASES, say: (l) => lines.push(l) });
    seededAt = Math.floor(Date.now() / 1000);
    plan = demoPlan(CASES, now);
    for (const c of plan) {
      const t: number[] = [];
      for (let i = 0; i < c.steps.length; i++) {
        const s = await get<StepStatus>(c.steps[i].agency, `/api/steps/${eventIdFor(c.fileNumber, i)}`);
        expect(s.state).to.equal("confirmed");
        t.push(await blockTime(s.blockNumber!));
      }
      times.push(t);
    }
  });

  after(async () => {
    await sys?.stop();
  });

  it("moves the chain clock and says so", () => {
    expect(lines.join("\n")).to.match(/follows the demo timeline/);
    expect(lines.join("\n")).to.match(/back at the current time/);
  });

  it("lays the seeded steps over several weeks, each near its planned day, in procedure order, none in the future", () => {
    const all = times.flat();
    expect(Math.max(...all) - Math.min(...all)).to.be.greaterThan(6 * 7 * DAY);
    expect(Math.max(...all)).to.be.at.most(seededAt);
    plan.forEach((c, i) => {
      times[i].forEach((t, k) => {
        expect(Math.abs(t - c.steps[k].at), `${c.fileNumber} step ${k} (${c.steps[k].step})`).to.be.below(DAY);
        if (k > 0) expect(t, `${c.fileNumber} step ${k}`).to.be.at.least(times[i][k - 1]);
      });
    });
    const days = new Set(all.map((t) => Math.floor(t / DAY)));
    expect(days.size).to.be.greaterThan(20);
  });

  it("keeps block times non-decreasing over the whole chain", async () => {
    const head = await sys.chain.provider.getBlockNumber();
    let prev = 0;
    for (let n = 0; n <= head; n++) {
      const t = await blockTime(n);
      expect(t, `block ${n}`).to.be.at.least(prev);
      prev = t;
    }
  });

  it("continues with the wall-clock time after the seed", async () => {
    const c = plan[0]; // only registered: the filing may follow
    const [caseRef] = (await get<{ cases: { caseRef: string }[] }>("BAMF", `/api/cases?fileNumber=${encodeURIComponent(c.fileNumber)}`)).cases.map((x) => x.caseRef);
    const eventId = "00000000-0000-4000-a000-00000000b001";
    const res = await fetch(`${sys.BAMF.url}/api/cases/${caseRef}/steps`, {
      method: "POST",
      headers: { authorization: `Bearer ${sys.BAMF.token}`, "content-type": "application/json" },
      body: JSON.stringify({ eventId, step: "APPLICATION_FILED" }),
    });
    expect(res.status, await res.text()).to.be.oneOf([200, 201, 202]);
    let status: StepStatus;
    for (;;) {
      status = await get<StepStatus>("BAMF", `/api/steps/${eventId}`);
      if (status.state === "confirmed" || status.state === "failed") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status.state).to.equal("confirmed");
    const t = await blockTime(status.blockNumber!);
    const wall = Date.now() / 1000;
    expect(t).to.be.within(wall - 60, wall + 2);
  });

  it("shows processing times in days and steps on many days in the dashboard figures", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 150 * DAY * 1000).toISOString().slice(0, 10);
    const stats = await get<Stats>("BAMF", `/api/stats?from=${from}&to=${today}`);
    const measured = stats.processingTimes.filter((p) => p.count > 0);
    expect(measured.length, JSON.stringify(stats.processingTimes)).to.be.at.least(6);
    for (const p of measured) expect(p.medianSeconds!, p.key).to.be.at.least(DAY);
    expect(stats.stepsPerDay.filter((d) => d.total > 0).length).to.be.greaterThan(20);
  });

  it("has due and overdue deadlines at both agencies", async () => {
    // the listener of each agency mirrors the other's steps: wait until it has the last of them
    const deadline = Date.now() + 30_000;
    let bamf: Deadlines;
    let zab: Deadlines;
    for (;;) {
      bamf = await get<Deadlines>("BAMF", "/api/deadlines?limit=100");
      zab = await get<Deadlines>("ZAB", "/api/deadlines?limit=100");
      const ok =
        bamf.deadlines.some((d) => d.kind === "HEARING_DATE" && d.overdue) &&
        bamf.deadlines.some((d) => d.kind === "HEARING_DATE" && !d.overdue) &&
        zab.deadlines.some((d) => d.kind === "REPATRIATION_DATE" && !d.overdue && d.daysLeft <= 14);
      if (ok || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(bamf.deadlines.some((d) => d.kind === "HEARING_DATE" && d.overdue), JSON.stringify(bamf.deadlines)).to.equal(true);
    expect(bamf.deadlines.some((d) => d.kind === "HEARING_DATE" && !d.overdue), JSON.stringify(bamf.deadlines)).to.equal(true);
    expect(bamf.deadlines.some((d) => d.kind === "APPEAL_PERIOD"), JSON.stringify(bamf.deadlines)).to.equal(true);
    expect(zab.deadlines.some((d) => d.kind === "REPATRIATION_DATE" && !d.overdue && d.daysLeft <= 14), JSON.stringify(zab.deadlines)).to.equal(true);
  });

  it("has people allocated to Landkreis Bautzen who arrived, are due and are overdue, recorded by ABH-14625", async () => {
    const bautzen = plan.filter((c) => c.steps.some((s) => s.agency === "ABH-14625"));
    expect(bautzen.map((c) => c.steps.filter((s) => s.agency === "ABH-14625").map((s) => s.step).join(","))).to.include.members([
      "ALLOCATION_RECEIVED,ARRIVED_REGISTERED",
      "ALLOCATION_RECEIVED",
    ]);
    // The arrival deadlines at Bautzen: allocated without arrival, due and overdue (arrivalOverdueDays).
    let arrivals: Deadlines["deadlines"] = [];
    const until = Date.now() + 30_000;
    do {
      arrivals = (await get<Deadlines>("ABH-14625", "/api/deadlines?limit=100")).deadlines.filter((d) => d.kind === "ARRIVAL");
      if (arrivals.some((d) => d.overdue) && arrivals.some((d) => !d.overdue)) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < until);
    expect(arrivals.some((d) => d.overdue), JSON.stringify(arrivals)).to.equal(true);
    expect(arrivals.some((d) => !d.overdue), JSON.stringify(arrivals)).to.equal(true);
    expect(lines.join("\n")).to.not.match(/left out/);
  });

  it("signs checkpoints over the seeded blocks", async () => {
    const list = await get<{ checkpoints: unknown[] }>("BAMF", "/api/checkpoints?limit=5", sys.BAMF.auditToken);
    expect(list.checkpoints.length).to.be.greaterThan(0);
  });
});
