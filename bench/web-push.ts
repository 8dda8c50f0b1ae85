// "The partner records a step → the stop is visible on the other agency's screen": the whole path of a
// pushed stop, measured in a real browser. The whole system runs (test/support/system.ts: anvil, both
// agency services with the built web app); a BAMF clerk has the inbox open in Debian's chromium; for each of
// ~20 fresh cases the ZAB records a repatriation schedule through its API (no negative decision yet: a
// stop at both agencies), and a MutationObserver in the page notes when the case's file number first
// appears in the stop banner. Both clocks are this machine's. Writes p50/p95 to bench/results.json
// ("webPush") and prints each run.
//   npx tsx bench/web-push.ts [stops=20]
import { randomUUID } from "node:crypto";
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSystem } from "../test/support/system";
import { ensureChromium, CHROMIUM_ARGS } from "../test/browser/ensure-chromium";
import { call, createCase, login } from "../test/browser/support/browser";
import { demoUsers } from "../services/shared/demo-credentials";
import { writeBenchResult } from "./bench-results";

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

async function main(): Promise<void> {
  const stops = Number(process.argv[2] ?? 20);
  const sys = await startSystem({ buildWeb: true });
  const dir = mkdtempSync(join(tmpdir(), "anker-bench-chromium-"));
  const context = await chromium.launchPersistentContext(dir, { executablePath: ensureChromium(), headless: true, args: CHROMIUM_ARGS, locale: "de-DE", viewport: { width: 1280, height: 900 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const clerk = demoUsers("BAMF").find((u) => u.role === "clerk")!;
    await login(page, sys.BAMF, clerk.username, clerk.password);
    await page.goto(`${sys.BAMF.url}/inbox`);
    await page.locator("h1").waitFor();
    // When did each file number first show in the banner (the page's clock = this machine's clock)?
    // (a string: the bench's own functions are compiled with helper calls the page does not have)
    await page.evaluate(`(() => {
      window.__seen = {};
      new MutationObserver(function () {
        const banner = document.querySelector("[data-testid=stop-banner]");
        if (!banner) return;
        for (const a of banner.querySelectorAll("a")) {
          const m = /\\d{7}-\\d{3}/.exec(a.textContent || "");
          if (m && !window.__seen[m[0]]) window.__seen[m[0]] = Date.now();
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    const times: number[] = [];
    for (let i = 0; i < stops; i++) {
      const fileNumber = `${String(5000001 + i)}-423`;
      const caseRef = await createCase(sys.ZAB, fileNumber, `Messung ${i + 1} (fiktiv)`);
      await createCase(sys.BAMF, fileNumber, `Messung ${i + 1} (fiktiv)`);
      const t0 = Date.now();
      const r = await call(sys.ZAB, "POST", `/api/cases/${caseRef}/steps`, { eventId: randomUUID(), step: "REPATRIATION_SCHEDULED", businessDate: "2027-04-01" });
      if (r.status !== 202) throw new Error(`recording failed: ${r.status} ${JSON.stringify(r.json)}`);
      await page.waitForFunction((fn) => (window as unknown as { __seen: Record<string, number> }).__seen[fn] !== undefined, fileNumber, { timeout: 30_000, polling: 20 });
      const seen = await page.evaluate((fn) => (window as unknown as { __seen: Record<string, number> }).__seen[fn], fileNumber);
      times.push(seen - t0);
      console.log(`stop ${i + 1}/${stops}: visible after ${seen - t0} ms`);
      // the banner lists three cases: acknowledge the stops so that the next one is listed
      const open = await call(sys.BAMF, "GET", "/api/notifications?kind=STOP&unacknowledged=true&limit=500");
      for (const n of (open.json.notifications as { id: number }[]) ?? []) await call(sys.BAMF, "POST", `/api/notifications/${n.id}/ack`);
      await page.waitForFunction(() => !document.querySelector("[data-testid=stop-banner]"), undefined, { timeout: 30_000, polling: 50 });
    }
    const figures = { stops, stopVisibleP50Ms: quantile(times, 0.5), stopVisibleP95Ms: quantile(times, 0.95), stopVisibleMaxMs: Math.max(...times) };
    console.log(figures);
    writeBenchResult("webPush", figures);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
    await sys.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
