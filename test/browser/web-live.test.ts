// The web app live (one system start): a stop the partner records through the API appears on the other
// agency's open inbox and timeline without a reload and is announced exactly once (a MutationObserver
// collects every text of the assertive live region, from before the page loads); the record form warns
// of the open stop and sends a step that goes against it only after a confirmation naming the stop; focus
// after sending and after an error; no sideways scrolling at 390 px on any page, the header with ribbon and
// banner at most a quarter of the first screen; axe (WCAG and best practices) without violations;
// screenshots at 390 px and on the desktop in test-results/.
import { expect } from "chai";
import type { Page } from "playwright-core";
import { startSystem, type System } from "../support/system";
import { axe, createCase, describeViolations, login, openBrowser, recordConfirmed, screenshot, waitKnown, type Person, call } from "./support/browser";
import { demoUsers } from "../../services/shared/demo-credentials";
import type { AgencyKey } from "../../services/shared/codelists";
import { randomUUID } from "node:crypto";

const creds = (agency: AgencyKey, role: "clerk" | "auditor") => {
  const u = demoUsers(agency).find((x) => x.role === role)!;
  return [u.username, u.password] as const;
};

/**
 * Collect every text the assertive region shows, from the first moment of every page load. Given as a
 * string: the test's own functions are compiled with helper calls the page does not have.
 */
async function watchAnnouncements(page: Page): Promise<void> {
  await page.addInitScript(`(() => {
    window.__announced = [];
    const seen = new WeakSet();
    const last = new WeakMap();
    // a change of the region's text is what a screen reader speaks: the same text again is no change
    function record(el) {
      const text = (el.textContent || "").trim();
      if (text && last.get(el) !== text) window.__announced.push(text);
      last.set(el, text);
    }
    function observe() {
      for (const el of document.querySelectorAll("[aria-live=assertive]")) {
        if (seen.has(el)) continue;
        seen.add(el);
        record(el);
        new MutationObserver(function () { record(el); }).observe(el, { childList: true, characterData: true, subtree: true });
      }
    }
    new MutationObserver(observe).observe(document, { childList: true, subtree: true });
  })()`);
}

const announced = (page: Page) => page.evaluate(() => (window as unknown as { __announced: string[] }).__announced.slice());

describe("web app live: pushed stops, stop warnings, phones, accessibility", function () {
  this.timeout(300_000);
  let sys: System;
  const people: Person[] = [];
  const open = async () => {
    const p = await openBrowser();
    people.push(p);
    return p;
  };
  // Case E: a stop is open before any page loads (not to be announced).
  const E = "3000001-423";
  // Case F: the partner (ZAB) schedules a repatriation while BAMF has the pages open.
  const F = "3000002-423";
  let refE: string;
  let refF: string;

  before(async () => {
    sys = await startSystem({ buildWeb: true });
    refE = await createCase(sys.ZAB, E, "Früher (fiktiv)");
    await createCase(sys.BAMF, E, "Früher (fiktiv)");
    await recordConfirmed(sys.ZAB, refE, "REGISTERED");
    await recordConfirmed(sys.ZAB, refE, "REPATRIATION_SCHEDULED", { businessDate: "2027-03-01" });
    refF = await createCase(sys.ZAB, F, "Jetzt (fiktiv)");
    await createCase(sys.BAMF, F, "Jetzt (fiktiv)");
    await recordConfirmed(sys.ZAB, refF, "REGISTERED");
    await waitKnown(sys.BAMF, refF, "REGISTERED");
    await waitKnown(sys.BAMF, refE, "REPATRIATION_SCHEDULED");
  });

  after(async () => {
    for (const p of people) await p.close().catch(() => undefined);
    await sys?.stop();
  });

  afterEach(function () {
    const problems = people.flatMap((p) => p.problems.splice(0));
    if (this.currentTest?.state === "passed") expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("shows the partner's new stop on the open inbox and timeline without a reload, announced once, nothing on load", async () => {
    const clerk = await open();
    await watchAnnouncements(clerk.page);
    await login(clerk.page, sys.BAMF, ...creds("BAMF", "clerk"));
    const timeline = await clerk.context.newPage();
    await watchAnnouncements(timeline);
    await clerk.page.goto(`${sys.BAMF.url}/inbox`);
    await timeline.goto(`${sys.BAMF.url}/cases/${refF}`);
    // the stop open before the load is shown by file number and name, and not announced
    const banner = clerk.page.getByTestId("stop-banner");
    await banner.getByRole("link", { name: new RegExp(E) }).waitFor();
    expect(await banner.textContent()).to.include("Früher (fiktiv)");
    await timeline.getByTestId("stop-banner").waitFor();
    await clerk.page.waitForTimeout(1500);
    expect(await announced(clerk.page), "nothing announced on page load").to.deep.equal([]);
    expect(await announced(timeline)).to.deep.equal([]);

    // the partner schedules a repatriation on case F without a negative decision: a stop at BAMF
    const r = await call(sys.ZAB, "POST", `/api/cases/${refF}/steps`, { eventId: randomUUID(), step: "REPATRIATION_SCHEDULED", businessDate: "2027-03-02" });
    expect(r.status).to.equal(202);
    await banner.getByRole("link", { name: new RegExp(F) }).waitFor({ timeout: 30_000 });
    await timeline.getByTestId("stop-banner").getByRole("link", { name: new RegExp(F) }).waitFor({ timeout: 30_000 });
    // the open timeline shows the stop reason of its own case
    await timeline.getByText(/Keine ablehnende Entscheidung/).first().waitFor({ timeout: 30_000 });
    await clerk.page.waitForTimeout(1500); // later reloads must not announce it again
    for (const page of [clerk.page, timeline]) {
      const texts = await announced(page);
      expect(texts.filter((x) => x.includes(F)), JSON.stringify(texts)).to.have.length(1);
      expect(texts, JSON.stringify(texts)).to.have.length(1);
      expect(texts[0]).to.match(/^Neuer Rückführungsstopp: 3000002-423 – Jetzt \(fiktiv\)/);
    }
    await screenshot(clerk.page, "live-inbox-after-stop-desktop");
    await screenshot(timeline, "live-timeline-after-stop-desktop");
    await timeline.close();
  });

  it("warns of the open stop on the record form and sends a step against it only after a confirmation naming it", async () => {
    const zab = await open();
    await login(zab.page, sys.ZAB, ...creds("ZAB", "clerk"));
    await zab.page.goto(`${sys.ZAB.url}/cases/${refE}/record`);
    const warnings = zab.page.getByTestId("case-warnings");
    await warnings.waitFor();
    expect(await warnings.textContent()).to.match(/offener Rückführungsstopp/);
    expect(await warnings.textContent()).to.include("Keine ablehnende Entscheidung");
    await zab.page.locator("select[name=step]").selectOption("REPATRIATION_COMPLETED");
    const confirm = zab.page.getByTestId("stop-confirm");
    await confirm.waitFor();
    expect(await confirm.textContent()).to.include("„Keine ablehnende Entscheidung“");
    // without the confirmation: refused in the form, the error takes the focus
    await zab.page.getByRole("button", { name: "Erfassen" }).click();
    const err = zab.page.getByRole("alert");
    await err.waitFor();
    expect(await err.textContent()).to.include("trotz des Stopps „Keine ablehnende Entscheidung“");
    expect(await zab.page.evaluate(() => document.activeElement?.getAttribute("role"))).to.equal("alert");
    await screenshot(zab.page, "live-record-stop-confirm-desktop");
    // with it: sent, the result takes the focus, followed live to the chain
    await zab.page.getByLabel(/Stopp „Keine ablehnende Entscheidung“ geprüft/).check();
    await zab.page.getByRole("button", { name: "Erfassen" }).click();
    await zab.page.locator("#sent-title").waitFor();
    expect(await zab.page.evaluate(() => document.activeElement?.id)).to.equal("sent-title");
    await zab.page.locator("[data-testid=step-progress][data-state=confirmed]").waitFor({ timeout: 30_000 });
    // a step no stop concerns shows no confirmation
    await zab.page.goto(`${sys.ZAB.url}/cases/${refF}/record?step=DEPARTURE_OBLIGATION`);
    await zab.page.getByTestId("case-warnings").waitFor();
    expect(await zab.page.getByTestId("stop-confirm").count()).to.equal(0);
  });

  it("fits a 390-px phone on every page (no sideways scrolling, header at most a quarter), without axe violations", async () => {
    const pages: { name: string; agency: "BAMF" | "ZAB"; who: "clerk" | "auditor" | null; path: string; ready: string }[] = [
      { name: "login", agency: "BAMF", who: null, path: "/login", ready: "form" },
      { name: "inbox", agency: "BAMF", who: "clerk", path: "/inbox", ready: "[data-testid=stop-banner]" },
      { name: "cases", agency: "BAMF", who: "clerk", path: "/cases", ready: "table" },
      { name: "timeline", agency: "BAMF", who: "clerk", path: `/cases/${refF}`, ready: "[data-testid=timeline] li" },
      { name: "record-step", agency: "ZAB", who: "clerk", path: `/cases/${refF}/record?step=REPATRIATION_SCHEDULED`, ready: "[data-testid=case-warnings]" },
      { name: "allocation", agency: "ZAB", who: "clerk", path: "/allocation", ready: "h1" },
      { name: "dashboard", agency: "BAMF", who: "clerk", path: "/dashboard", ready: "canvas" },
      { name: "audit", agency: "BAMF", who: "auditor", path: "/audit", ready: "[data-testid=ledger-status]" },
      { name: "inbox-auditor", agency: "ZAB", who: "auditor", path: "/inbox", ready: "[data-testid=stop-banner]" },
    ];
    const failures: string[] = [];
    const sessions = new Map<string, Person>();
    for (const pg of pages) {
      const key = `${pg.agency}:${pg.who}`;
      let person = sessions.get(key);
      if (!person) {
        person = await open();
        if (pg.who) await login(person.page, sys[pg.agency], ...creds(pg.agency, pg.who));
        sessions.set(key, person);
      }
      const page = person.page;
      for (const size of [
        { tag: "390", width: 390, height: 844 },
        { tag: "desktop", width: 1280, height: 900 },
      ]) {
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.goto(`${sys[pg.agency].url}${pg.path}`);
        await page.locator(pg.ready).first().waitFor();
        await page.waitForTimeout(400);
        if (size.tag === "390") {
          const m = await page.evaluate(() => {
            const header = document.querySelector("header")!.getBoundingClientRect();
            const banner = document.querySelector("[data-testid=stop-banner]")?.getBoundingClientRect();
            const width = document.documentElement.clientWidth;
            // the outermost elements that stick out, to name them in the failure
            const out = Array.from(document.querySelectorAll("body *"))
              .filter((el) => el.getBoundingClientRect().right > width + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1))
              .slice(0, 5)
              .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
            return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, top: Math.max(header.bottom, banner?.bottom ?? 0), out };
          });
          if (m.scrollWidth > m.clientWidth) failures.push(`${pg.name}: scrolls sideways at 390 px (${m.scrollWidth} > ${m.clientWidth}: ${m.out.join(", ")})`);
          if (m.top > size.height / 4) failures.push(`${pg.name}: header, ribbon and banner take ${m.top} px of ${size.height}`);
        }
        const v = await axe(page);
        if (v.length) failures.push(`${pg.name} (${size.tag}):\n${describeViolations(v)}`);
        await screenshot(page, `live-${pg.name}-${size.tag}`);
      }
    }
    expect(failures, failures.join("\n\n")).to.deep.equal([]);
  });
});
