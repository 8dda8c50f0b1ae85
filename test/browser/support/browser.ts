// Browser helpers: Debian's chromium through playwright-core, one fresh profile (--user-data-dir) per
// person, axe-core injected into the page, screenshots under test-results/, and API calls the way the
// specialist applications make them (Bearer token) to prepare cases quickly.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { ensureChromium, CHROMIUM_ARGS } from "../ensure-chromium";
import { REPO_ROOT } from "../../../services/shared/paths";
import type { AgencyEndpoint } from "../../support/system";

export const RESULTS_DIR = join(REPO_ROOT, "test-results");

export interface Person {
  context: BrowserContext;
  page: Page;
  /** console errors and failed requests the page produced (CSP violations included) */
  problems: string[];
  close(): Promise<void>;
}

/** A person at a browser: their own Chromium with a fresh profile (own cookies, own storage). */
export async function openBrowser(opts: { locale?: string } = {}): Promise<Person> {
  const executablePath = ensureChromium();
  const dir = mkdtempSync(join(tmpdir(), "anker-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: opts.locale ?? "de-DE",
    timezoneId: "Europe/Berlin",
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 40[134]/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function login(page: Page, ep: AgencyEndpoint, username: string, password: string): Promise<void> {
  await page.goto(`${ep.url}/login`);
  await page.getByLabel(/Benutzername|User name/).fill(username);
  await page.getByLabel(/^(Passwort|Password)/).fill(password);
  await page.getByRole("button", { name: /^(Anmelden|Log in)$/ }).click();
  await page.getByTestId("who").waitFor();
}

/**
 * Sign in through the agency's identity provider, as staff do where it is configured: the login page's
 * "Mit dem Konto Ihrer Behörde anmelden", the provider's form, back to the app. Waits for the logged-in
 * header, unless the app sent the browser back to its login page (a refused sign-on).
 */
export async function loginViaIdp(page: Page, ep: AgencyEndpoint, username: string, password: string): Promise<void> {
  if (!new URL(page.url()).href.startsWith(`${ep.url}/login`)) await page.goto(`${ep.url}/login`);
  await page.getByRole("link", { name: /^(Mit dem Konto Ihrer Behörde anmelden|Sign in with your agency account)$/ }).click();
  await page.getByLabel(/^(Benutzername|User name)$/).fill(username);
  await page.getByLabel(/^(Passwort|Password)$/).fill(password);
  await page.getByRole("button", { name: /^(Anmelden|Sign in)$/ }).click();
  await page.waitForURL((u) => u.href.startsWith(ep.url) && !u.pathname.startsWith("/api/"));
  if (!new URL(page.url()).pathname.startsWith("/login")) await page.getByTestId("who").waitFor();
}

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core against WCAG 2.0/2.1 A and AA (what BITV 2.0 refers to) and axe's best practices (landmarks,
 * headings, regions): the violations found. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  // evaluated through the DevTools protocol: the page's CSP stays in force for everything else
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } };
    const r = await w.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }, resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

/**
 * Scroll each chart on the page into view and wait until it is drawn (web/src/chart.tsx draws a chart
 * only once it is seen; a full-page screenshot does not scroll), then back to the top.
 */
export async function drawCharts(page: Page): Promise<void> {
  const charts = page.locator("canvas[data-testid^=chart-]");
  const n = await charts.count();
  if (n === 0) return;
  for (let i = 0; i < n; i++) {
    await charts.nth(i).scrollIntoViewIfNeeded();
    await charts.nth(i).and(page.locator("[data-drawn]")).waitFor();
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

export function describeViolations(v: AxeViolation[]): string {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help}\n${x.nodes.map((n) => `   ${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n")}`).join("\n");
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.png`);
  await drawCharts(page);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---- preparing cases through the API (as the specialist applications do) ----

export async function call(ep: AgencyEndpoint, method: string, path: string, body?: unknown, token = ep.token): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(ep.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

export async function createCase(ep: AgencyEndpoint, fileNumber: string, familyName = "Mustermann (fiktiv)"): Promise<string> {
  const r = await call(ep, "POST", "/api/cases", { fileNumber, person: { familyName, givenNames: "Erika", dateOfBirth: "1990-07-00", nationality: "SYR" } });
  if (r.status !== 201 && r.status !== 200) throw new Error(`createCase ${fileNumber} at ${ep.agency}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.caseRef as string;
}

/** Record a step and wait until the chain confirmed it. */
export async function recordConfirmed(ep: AgencyEndpoint, caseRef: string, step: string, extra: { detail?: string | number; businessDate?: string } = {}): Promise<void> {
  const eventId = randomUUID();
  const r = await call(ep, "POST", `/api/cases/${caseRef}/steps`, { eventId, step, ...extra });
  if (r.status !== 202) throw new Error(`${step} at ${ep.agency}: ${r.status} ${JSON.stringify(r.json)}`);
  await waitUntil(async () => {
    const s = await call(ep, "GET", `/api/steps/${eventId}`);
    if (s.json.state === "failed") throw new Error(`${step} failed: ${s.json.failureReason}`);
    return s.json.state === "confirmed";
  }, `${step} confirmed`);
}

export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Until the partner agency's mirror knows the case (its listener stored the event). */
export async function waitKnown(ep: AgencyEndpoint, caseRef: string, stepKey: string): Promise<void> {
  await waitUntil(async () => {
    const r = await call(ep, "GET", `/api/cases/${caseRef}/timeline`);
    return r.status === 200 && (r.json.steps as { step: { key: string } }[]).some((s) => s.step.key === stepKey);
  }, `${ep.agency} sees ${stepKey}`);
}
