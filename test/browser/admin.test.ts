// The admin area in a real browser against the whole system (anvil + ledger, both services in demo mode):
// the demo administrator signs in, sees only what an administrator may use, creates an API client and sees
// its token once, revokes it (asked first), and finds both actions in the admin log. Every admin page is
// checked with axe-core (WCAG 2.1 AA and best practices), at desktop width and at 390 px, in German and
// English; screenshots go to test-results/admin-*.png.
import { expect } from "chai";
import type { Page } from "playwright-core";
import { startSystem, type System } from "../support/system";
import { axe, describeViolations, login, openBrowser, screenshot, type Person } from "./support/browser";

const ADMIN = ["bamf.admin", "bamf-demo-admin"] as const;

async function expectAccessible(page: Page, what: string): Promise<void> {
  const v = await axe(page);
  expect(v, `${what}:\n${describeViolations(v)}`).to.deep.equal([]);
}

/** Whether the focused element's text matches. */
async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? "");
}

describe("admin area (browser, whole system)", function () {
  this.timeout(300_000);
  let sys: System;
  let person: Person;
  let page: Page;

  before(async () => {
    sys = await startSystem({ buildWeb: true });
    person = await openBrowser();
    page = person.page;
  });
  after(async () => {
    await person?.close().catch(() => undefined);
    await sys?.stop();
  });
  afterEach(function () {
    const problems = person.problems.splice(0);
    if (this.currentTest?.state === "passed") expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  const whoAmI = async (token: string) => (await fetch(`${sys.BAMF.url}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status;

  it("the demo admin signs in to the admin area; the navigation offers only what an admin may use", async () => {
    await login(page, sys.BAMF, ...ADMIN);
    await page.waitForURL(/\/admin/);
    await page.getByRole("heading", { level: 1, name: "Verwaltung: Benutzer und Rollen" }).waitFor();
    const mainNav = page.getByRole("navigation", { name: "Hauptnavigation" });
    const nav = await mainNav.getByRole("link").evaluateAll((as) => as.map((a) => ({ name: (a.textContent ?? "").trim(), href: a.getAttribute("href") ?? "" })));
    expect(nav.map((n) => n.name)).to.deep.equal(["Kennzahlen", "Prüfung", "Verwaltung"]);
    // every page the navigation offers opens without a refusal
    for (const { name, href } of nav) {
      await mainNav.getByRole("link", { name }).click();
      await page.waitForURL((u) => u.pathname.startsWith(href));
      await page.locator("h1").waitFor();
      await page.waitForLoadState("networkidle");
      expect(await page.locator("h1").textContent(), name).to.not.contain("Berechtigung");
      expect(await page.getByRole("alert").count(), `${name}: no error shown`).to.equal(0);
    }
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Verwaltung" }).click();
    const users = page.getByTestId("user-list");
    await users.locator("li[data-username='bamf.sachbearbeitung']").waitFor();
    // the admin's own account cannot be changed here; others can
    expect(await users.locator("li[data-username='bamf.admin'] select").count()).to.equal(0);
    expect(await users.locator("li[data-username='bamf.sachbearbeitung'] select").count()).to.equal(1);
    await expectAccessible(page, "users");
    await screenshot(page, "admin-users");
  });

  it("creates an API client, shows its token once with a warning, and the token works", async () => {
    await page.getByRole("navigation", { name: "Bereiche der Verwaltung" }).getByRole("link", { name: "API-Clients" }).click();
    await page.getByRole("heading", { level: 1, name: "Verwaltung: API-Clients" }).waitFor();
    await page.getByLabel(/^Name der Anwendung/).fill("browser-fachverfahren");
    await page.getByRole("button", { name: "API-Client anlegen" }).click();
    const shown = page.getByTestId("one-time-token");
    await shown.waitFor();
    expect(await focusedText(page), "the token's heading takes the focus").to.equal("Neues Token für browser-fachverfahren");
    expect(await shown.textContent()).to.contain("wird nur jetzt angezeigt");
    const token = await shown.getByLabel("API-Token").inputValue();
    expect(token).to.match(/^ank_[A-Za-z0-9_-]{43}$/);
    expect(await whoAmI(token)).to.equal(200);
    await expectAccessible(page, "clients with the one-time token");
    await screenshot(page, "admin-client-token-once");

    await shown.getByRole("button", { name: "Ich habe es sicher abgelegt" }).click();
    await shown.waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).to.equal("clientName");
    // once means once: after a reload the token is nowhere on the page
    await page.reload();
    await page.locator("li[data-client='browser-fachverfahren']").waitFor();
    expect(await page.content()).to.not.contain(token);
  });

  it("revokes the client after asking; its token is refused from then on", async () => {
    const item = page.locator("li[data-client='browser-fachverfahren']");
    const token = await (async () => {
      // rotate first (asked too): a new token is shown once, the old one refused
      await item.getByRole("button", { name: /Token erneuern/ }).click();
      expect(await focusedText(page)).to.equal("Ja, erneuern");
      await item.getByRole("button", { name: "Ja, erneuern" }).click();
      const shown = page.getByTestId("one-time-token");
      await shown.waitFor();
      const fresh = await shown.getByLabel("API-Token").inputValue();
      await shown.getByRole("button", { name: "Ich habe es sicher abgelegt" }).click();
      return fresh;
    })();
    expect(await whoAmI(token)).to.equal(200);

    await item.getByRole("button", { name: /^Widerrufen/ }).click();
    const question = item.getByRole("group", { name: "Widerrufen" });
    await question.waitFor();
    expect(await question.textContent()).to.contain("lässt sich nicht rückgängig machen");
    expect(await focusedText(page), "the confirmation's yes button takes the focus").to.equal("Ja, widerrufen");
    await expectAccessible(page, "revoke confirmation");
    await screenshot(page, "admin-client-revoke-confirm");
    // cancelling returns the focus to the button and changes nothing
    await question.getByRole("button", { name: "Abbrechen" }).click();
    expect(await focusedText(page)).to.match(/^Widerrufen/);
    expect(await whoAmI(token)).to.equal(200);

    await item.getByRole("button", { name: /^Widerrufen/ }).click();
    await item.getByRole("button", { name: "Ja, widerrufen" }).click();
    await page.locator("li[data-client='browser-fachverfahren'][data-revoked='true']").waitFor();
    const outcome = page.getByTestId("admin-outcome");
    expect(await outcome.textContent()).to.contain("browser-fachverfahren ist widerrufen");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).to.equal("admin-outcome");
    expect(await whoAmI(token)).to.equal(401);
    await screenshot(page, "admin-client-revoked");
  });

  it("shows the webhook with a secret made once, and every action in the admin log with who and when", async () => {
    await page.getByRole("navigation", { name: "Bereiche der Verwaltung" }).getByRole("link", { name: "Webhook" }).click();
    await page.getByTestId("webhook-info").waitFor();
    expect(await page.getByTestId("webhook-info").textContent()).to.contain("kein Webhook eingerichtet");
    await page.getByLabel(/^Webhook-Adresse/).fill("https://fachverfahren.example/anker-hook");
    await page.getByRole("button", { name: "Adresse speichern" }).click();
    const secret = page.getByTestId("one-time-secret");
    await secret.waitFor();
    expect(await secret.getByLabel("Signaturgeheimnis").inputValue()).to.match(/^whsec_/);
    // the page shows the secret from the answer at once and the setting once it has read it again
    await page.getByTestId("webhook-info").filter({ hasText: "im Verwaltungsbereich gesetzt" }).waitFor();
    expect(await page.getByTestId("webhook-info").textContent()).to.contain("im Verwaltungsbereich gesetzt");
    await expectAccessible(page, "webhook");
    await screenshot(page, "admin-webhook");
    await secret.getByRole("button", { name: "Ich habe es sicher abgelegt" }).click();

    await page.getByRole("navigation", { name: "Bereiche der Verwaltung" }).getByRole("link", { name: "Verwaltungsprotokoll" }).click();
    const log = page.getByTestId("admin-log");
    await log.waitFor();
    const rows = await log.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => ({ action: tr.getAttribute("data-action"), cells: Array.from(tr.querySelectorAll("td"), (td) => td.textContent ?? "") })));
    expect(rows.map((r) => r.action)).to.deep.equal(["webhook.endpoint", "client.revoke", "client.rotate", "client.create"]);
    for (const r of rows) {
      expect(r.cells[0], "when").to.match(/\d{2}\.\d{2}\.\d{4}|\d{1,2}\. \w+\.? \d{4}/);
      expect(r.cells[1], "who").to.equal("user:bamf.admin");
    }
    expect(rows[1].cells[2]).to.equal("API-Client widerrufen");
    expect(rows[1].cells[3]).to.match(/^API-Client \d+$/);
    expect(await log.textContent()).to.not.contain("whsec_");
    await expectAccessible(page, "admin log");
    await screenshot(page, "admin-log");
  });

  it("works at 390 px and in English", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const section of ["users", "clients", "webhook", "log"]) {
      await page.goto(`${sys.BAMF.url}/admin/${section}`);
      await page.locator("h1").waitFor();
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${section}: no sideways scrolling of the page`).to.be.at.most(0);
      await expectAccessible(page, `${section} at 390 px`);
      await screenshot(page, `admin-${section}-390px`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${sys.BAMF.url}/admin/clients`);
    await page.getByTestId("lang-switch").click();
    await page.getByRole("heading", { level: 1, name: "Administration: API clients" }).waitFor();
    const item = page.locator("li[data-client='browser-fachverfahren']");
    expect(await item.textContent()).to.contain("revoked");
    await expectAccessible(page, "clients in English");
    await screenshot(page, "admin-clients-en");
    await page.getByTestId("lang-switch").click(); // leave German for whoever comes next
  });
});
