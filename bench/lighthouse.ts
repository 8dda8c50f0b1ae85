// Lighthouse 12.2.3 (pinned dev dependency) against the built web app, mobile profile (Lighthouse's default:
// a mid-range phone, simulated slow 4G and 4x CPU slowdown), in the browser tests' chromium
// (test/browser/ensure-chromium.ts). The whole system runs (test/support/system.ts); a BAMF clerk is logged
// in in the same browser profile (Lighthouse keeps its cookies: disableStorageReset), with one open stop
// so that the banner is part of the measured pages. Pages: login, inbox, timeline, dashboard.
// Writes the category scores and CLS per page to bench/results.json ("lighthouse") and prints them.
// Goals (issue 11): performance >= 90, accessibility 100, best practices 100, CLS <= 0.1.
//   npx tsx bench/lighthouse.ts
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startSystem } from "../test/support/system";
import { freePort } from "../test/support/chain";
import { ensureChromium, CHROMIUM_ARGS } from "../test/browser/ensure-chromium";
import { call, createCase, login, recordConfirmed, waitKnown } from "../test/browser/support/browser";
import { demoUsers } from "../services/shared/demo-credentials";
import { writeBenchResult } from "./bench-results";

interface TraceEvent {
  name: string;
  ts: number;
  args?: { data?: { score?: number; weighted_score_delta?: number; had_recent_input?: boolean; impacted_nodes?: { node_id: number; old_rect: number[]; new_rect: number[] }[] } };
}
interface LhResult {
  artifacts?: { Trace?: { traceEvents: TraceEvent[] }; TraceElements?: { traceEventType: string; node?: { selector?: string; snippet?: string; nodeLabel?: string }; nodeId?: number }[] };
  lhr: { categories: Record<string, { score: number | null }>; audits: Record<string, { numericValue?: number; score: number | null; title: string; details?: unknown }> };
}
type Lighthouse = (url: string, flags: Record<string, unknown>, config?: unknown) => Promise<LhResult | undefined>;

async function main(): Promise<void> {
  const sys = await startSystem({ buildWeb: true });
  const caseRef = await createCase(sys.BAMF, "6000001-423", "Leuchtturm (fiktiv)");
  await createCase(sys.ZAB, "6000001-423", "Leuchtturm (fiktiv)");
  await recordConfirmed(sys.ZAB, caseRef, "REGISTERED");
  await waitKnown(sys.BAMF, caseRef, "REGISTERED");
  await recordConfirmed(sys.BAMF, caseRef, "APPLICATION_FILED");
  const r = await call(sys.ZAB, "POST", `/api/cases/${caseRef}/steps`, { eventId: randomUUID(), step: "REPATRIATION_SCHEDULED", businessDate: "2027-05-01" });
  if (r.status !== 202) throw new Error(`setup: ${r.status}`);
  await waitKnown(sys.BAMF, caseRef, "REPATRIATION_SCHEDULED");

  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "anker-lighthouse-"));
  const context = await chromium.launchPersistentContext(dir, { executablePath: ensureChromium(), headless: true, args: [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`], locale: "de-DE" });
  const { default: lighthouse } = (await import("lighthouse")) as unknown as { default: Lighthouse };
  const results: Record<string, number> = {};
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const pages: [string, string][] = [["login", "/login"]];
    // the login page first, logged out; then log in and measure the rest
    const run = async (name: string, path: string) => {
      const out = await lighthouse(`${sys.BAMF.url}${path}`, {
        port,
        output: "json",
        logLevel: "error",
        disableStorageReset: true,
        onlyCategories: ["performance", "accessibility", "best-practices"],
      });
      if (!out) throw new Error(`lighthouse gave no result for ${name}`);
      const c = out.lhr.categories;
      const score = (k: string) => Math.round((c[k]?.score ?? 0) * 100);
      const cls = out.lhr.audits["cumulative-layout-shift"]?.numericValue ?? NaN;
      results[`${name}Performance`] = score("performance");
      results[`${name}Accessibility`] = score("accessibility");
      results[`${name}BestPractices`] = score("best-practices");
      results[`${name}Cls`] = Math.round(cls * 1000) / 1000;
      const failed = Object.entries(out.lhr.audits)
        .filter(([, a]) => a.score !== null && a.score < 0.9 && !["metrics", "screenshot-thumbnails", "final-screenshot", "main-thread-tasks", "network-requests"].includes(a.title))
        .map(([id, a]) => `${id} (${a.score})`);
      console.log(`${name}: performance ${score("performance")}, accessibility ${score("accessibility")}, best practices ${score("best-practices")}, CLS ${results[`${name}Cls`]}`);
      if (failed.length) console.log(`  below 0.9: ${failed.join(", ")}`);
      diagnose(out.lhr.audits);
      shiftSources(out.artifacts);
      if (process.env.LH_DUMP_DIR) writeFileSync(join(process.env.LH_DUMP_DIR, `${name}.json`), JSON.stringify(out.lhr));
    };
    for (const [name, path] of pages) await run(name, path);
    const clerk = demoUsers("BAMF").find((u) => u.role === "clerk")!;
    await login(page, sys.BAMF, clerk.username, clerk.password);
    for (const [name, path] of [
      ["inbox", "/inbox"],
      ["timeline", `/cases/${caseRef}`],
      ["dashboard", "/dashboard"],
    ] as const)
      await run(name, path);
    writeBenchResult("lighthouse", results);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
    await sys.stop();
  }
}

type Audits = LhResult["lhr"]["audits"];

/**
 * Lighthouse 12.2.3's own table of shifted elements fails in this chromium ("RootCauses gatherer ...
 * frame_sequence"): the trace's LayoutShift events and the elements Lighthouse resolved for them name the
 * culprits instead (time after the first shift, score, element, old → new top edge).
 */
function shiftSources(artifacts: LhResult["artifacts"]): void {
  const events = (artifacts?.Trace?.traceEvents ?? []).filter((e) => e.name === "LayoutShift" && !e.args?.data?.had_recent_input);
  const elements = new Map<number, string>();
  const traced = artifacts?.TraceElements;
  for (const el of Array.isArray(traced) ? traced : []) {
    if (el.traceEventType === "layout-shift" && el.nodeId !== undefined) elements.set(el.nodeId, `${el.node?.selector ?? ""} ${String(el.node?.snippet ?? "").slice(0, 70)}`);
  }
  const t0 = events[0]?.ts ?? 0;
  for (const e of events) {
    const d = e.args?.data;
    const nodes = (d?.impacted_nodes ?? []).map(
      (n) => `${elements.get(n.node_id) ?? `node ${n.node_id}`} y ${Math.round(n.old_rect[1])}→${Math.round(n.new_rect[1])} h ${Math.round(n.old_rect[3])}→${Math.round(n.new_rect[3])}`,
    );
    console.log(`  shift +${Math.round((e.ts - t0) / 1000)} ms ${(d?.weighted_score_delta ?? d?.score ?? 0).toFixed(3)}: ${nodes.join(" | ")}`);
  }
}
interface Items {
  items?: Record<string, unknown>[];
}

/**
 * What the score hides and a busy machine cannot change: which elements moved (CLS culprits), the LCP
 * element, main-thread blocking, unused JavaScript and the requests at start. Printed per page.
 */
function diagnose(audits: Audits): void {
  const items = (id: string) => ((audits[id]?.details as Items | undefined)?.items ?? []) as Record<string, unknown>[];
  const node = (n: unknown) => {
    const x = n as { selector?: string; snippet?: string } | undefined;
    return x ? `${x.selector ?? ""} ${String(x.snippet ?? "").slice(0, 80)}` : "";
  };
  const ms = (id: string) => Math.round(audits[id]?.numericValue ?? NaN);
  console.log(`  FCP ${ms("first-contentful-paint")} ms, LCP ${ms("largest-contentful-paint")} ms, TBT ${ms("total-blocking-time")} ms, SI ${ms("speed-index")} ms`);
  for (const s of items("layout-shifts")) console.log(`  shift ${Number(s.score).toFixed(3)}: ${node(s.node)}`);
  for (const l of items("largest-contentful-paint-element")) {
    const inner = (l as Items).items;
    if (inner?.[0]?.node) console.log(`  LCP element: ${node(inner[0].node)}`);
  }
  for (const u of items("unused-javascript"))
    console.log(`  unused JS: ${String(u.url).replace(/^.*\/assets\//, "")} ${Math.round(Number(u.wastedBytes) / 1024)} KiB of ${Math.round(Number(u.totalBytes) / 1024)} KiB`);
  for (const r of items("render-blocking-resources")) console.log(`  render-blocking: ${String(r.url).replace(/^.*\//, "")} ${Math.round(Number(r.wastedMs))} ms`);
  for (const e of items("errors-in-console")) console.log(`  console error: ${String(e.description).slice(0, 140)}`);
  const reqs = items("network-requests");
  console.log(`  requests: ${reqs.length} (${Math.round(reqs.reduce((a, r) => a + Number(r.transferSize ?? 0), 0) / 1024)} KiB transferred)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
