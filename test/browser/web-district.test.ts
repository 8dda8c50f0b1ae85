// The district immigration authority (Landratsamt Bautzen, ABH-14625) in a real browser against the whole
// system: anvil + ledger (genesis 30 days back, so that an allocation made first is overdue), BAMF and ZAB
// services, Bautzen voted in as npm start does it. Its clerk (German) sees the inbox, the arrivals due and
// overdue, its allocation list (/allocation: overdue in words, filter, links to timeline and record form),
// a case allocated to Bautzen, records ARRIVED_REGISTERED through the form, and is not offered its steps
// (with the reason in words) for a person allocated elsewhere. Every page is checked with axe-core; screenshots go to
// test-results/district-*.png. The BAMF admin's membership page is photographed once.
import { expect } from "chai";
import type { Page } from "playwright-core";
import { startTestChain } from "../support/chain";
import { buildWebApp, startSystem, joinBautzenByVote, type System, type AgencyEndpoint } from "../support/system";
import { axe, createCase, describeViolations, login, openBrowser, recordConfirmed, screenshot, waitKnown, type Person } from "./support/browser";

const DAY = 86_400;
const CLERK = ["abh-14625.sachbearbeitung", "abh-14625-demo-clerk"] as const;
const BAMF_ADMIN = ["bamf.admin", "bamf-demo-admin"] as const;

async function rpc(url: string, method: string, params: unknown[]): Promise<void> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  const v = await axe(page);
  expect(v, `${what}:\n${describeViolations(v)}`).to.deep.equal([]);
}

/** Text a district clerk must never be shown: raw keys, type constants, the pilots' partner wording. */
async function expectClerkWording(page: Page, what: string): Promise<void> {
  const text = (await page.locator("body").innerText()) ?? "";
  for (const bad of ["ABH-14625", "DISTRICT_AUTHORITY", "CENTRAL_AUTHORITY", "FEDERAL_OFFICE", "deadline_", "Partner", "undefined", "NaN"]) {
    expect(text, `${what}: shows "${bad}"`).to.not.contain(bad);
  }
  // the case reference is a secondary detail of its own line; elsewhere cases go by file number and name
  const outsideRef = text
    .split("\n")
    .filter((l) => !/^Fallreferenz/.test(l))
    .join("\n");
  expect(outsideRef, `${what}: shows a case hash`).to.not.match(/0x[0-9a-f]{16,}/i);
}

describe("district immigration authority (browser, whole system)", function () {
  this.timeout(300_000);
  let sys: System;
  let lra: AgencyEndpoint;
  let person: Person;
  let page: Page;
  // allocated to Bautzen weeks ago, never arrived (overdue)
  const OVERDUE = "2000001-475";
  // allocated to Bautzen today (due), the clerk records the arrival through the form
  const DUE = "2000002-475";
  // allocated to Landeshauptstadt Dresden (14612): Bautzen may not record for this person
  const ELSEWHERE = "2000003-475";
  const refs: Record<string, string> = {};

  async function allocate(fileNumber: string, district: number, atBautzen: boolean): Promise<void> {
    const ref = await createCase(sys.ZAB, fileNumber, `Fallbeispiel ${fileNumber.slice(6, 7)} (fiktiv)`);
    await createCase(sys.BAMF, fileNumber, `Fallbeispiel ${fileNumber.slice(6, 7)} (fiktiv)`);
    if (atBautzen) await createCase(lra, fileNumber, `Fallbeispiel ${fileNumber.slice(6, 7)} (fiktiv)`);
    await recordConfirmed(sys.ZAB, ref, "REGISTERED");
    await waitKnown(sys.BAMF, ref, "REGISTERED");
    await recordConfirmed(sys.BAMF, ref, "APPLICATION_FILED");
    await recordConfirmed(sys.BAMF, ref, "PROSPECTS_ASSESSED", { detail: 1 });
    await waitKnown(sys.ZAB, ref, "PROSPECTS_ASSESSED");
    await recordConfirmed(sys.ZAB, ref, "MUNICIPAL_ALLOCATION", { detail: district });
    refs[fileNumber] = ref;
  }

  before(async () => {
    const chain = await startTestChain({ startTimestamp: Math.floor(Date.now() / 1000) - 30 * DAY });
    // one fresh build of the web app for all three services (Bautzen's service gets it explicitly)
    const web = { ANKER_WEB_DIST: buildWebApp() };
    sys = await startSystem({ chain, env: web });
    lra = await joinBautzenByVote(sys, web);
    await allocate(OVERDUE, 14625, true);
    await allocate(ELSEWHERE, 14612, false);
    // the chain's clock to the present: what follows happens today
    await rpc(chain.rpcUrl, "evm_setNextBlockTimestamp", [Math.floor(Date.now() / 1000)]);
    await rpc(chain.rpcUrl, "evm_mine", []);
    await allocate(DUE, 14625, true);
    await waitKnown(lra, refs[DUE], "MUNICIPAL_ALLOCATION");
    person = await openBrowser();
    page = person.page;
  });

  after(async () => {
    await person?.close().catch(() => undefined);
    await sys?.stop();
  });

  afterEach(function () {
    const problems = person?.problems.splice(0) ?? [];
    if (this.currentTest?.state === "passed") expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("the Bautzen clerk signs in (German) and sees the inbox with the allocations to Bautzen", async () => {
    await login(page, lra, ...CLERK);
    await page.goto(`${lra.url}/inbox`);
    await page.getByRole("heading", { level: 1, name: "Eingang" }).waitFor();
    await page.locator(`[data-testid=notice-table] tr[data-case-ref="${refs[DUE]}"]`).first().waitFor({ timeout: 30_000 });
    expect(await page.locator("header").innerText()).to.contain("Bautzen");
    await page.waitForLoadState("networkidle");
    await screenshot(page, "district-inbox");
    await expectClerkWording(page, "inbox");
    await expectAccessible(page, "inbox");
  });

  it("shows arrivals due and overdue in the deadlines view", async () => {
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Fristen" }).click();
    const table = page.getByTestId("deadline-table");
    await table.waitFor();
    await page.waitForLoadState("networkidle");
    const text = await table.innerText();
    expect(text).to.contain(OVERDUE);
    expect(text).to.contain(DUE);
    expect(text).to.not.contain(ELSEWHERE);
    expect(await table.locator("tr[data-overdue=true]").count()).to.be.at.least(1);
    await screenshot(page, "district-deadlines");
    await expectClerkWording(page, "deadlines");
    await expectAccessible(page, "deadlines");
  });

  it("lists the allocations to Bautzen on /allocation: overdue marked in words, filter, links to timeline and form", async () => {
    // the navigation entry "Zuweisung" is the district clerk's too; it opens the district's own list
    await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Zuweisung" }).click();
    await page.getByRole("heading", { level: 1, name: "Zuweisungen an Ihren Kreis" }).waitFor();
    const table = page.getByTestId("district-allocations");
    await table.locator(`tr[data-case-ref="${refs[DUE]}"]`).waitFor({ timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    const overdueRow = table.locator(`tr[data-case-ref="${refs[OVERDUE]}"]`);
    const dueRow = table.locator(`tr[data-case-ref="${refs[DUE]}"]`);
    // overdue in words, not by colour alone; the due one says it is pending
    expect(await overdueRow.getByTestId("dalloc-status").innerText()).to.match(/Ankunft überfällig[\s\S]*Frist seit \d+ Tagen überschritten/);
    expect(await dueRow.getByTestId("dalloc-status").innerText()).to.equal("Ankunft ausstehend");
    // the file number and name, the dates in German form, the next step in words
    expect(await overdueRow.innerText()).to.contain(OVERDUE).and.contain("Fallbeispiel 1").and.match(/\d{2}\.\d{2}\.\d{4}/);
    expect(await overdueRow.getByRole("link", { name: /^Zuweisung bestätigen/ }).count()).to.equal(1);
    expect(await overdueRow.getByRole("link", { name: /^Nicht angekommen/ }).count()).to.equal(1);
    expect(await table.innerText()).to.not.contain(ELSEWHERE);
    await screenshot(page, "district-allocations-de");
    await expectClerkWording(page, "allocations");
    await expectAccessible(page, "allocations");

    // on a phone (390 px): each allocation stacked under its column names, nothing scrolls sideways
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.waitForLoadState("networkidle");
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(wide, "page wider than the phone").to.be.at.most(390);
      await screenshot(page, "district-allocations-de-390");
      await expectAccessible(page, "allocations (390 px)");
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    // in English the same list in English words (and back to German for what follows)
    await page.getByTestId("lang-switch").click();
    await page.getByRole("heading", { level: 1, name: "Allocations to your district" }).waitFor();
    expect(await overdueRow.getByTestId("dalloc-status").innerText()).to.match(/Arrival overdue[\s\S]*\d+ days past the deadline/);
    await screenshot(page, "district-allocations-en");
    await expectAccessible(page, "allocations (English)");
    await page.getByTestId("lang-switch").click();
    await page.getByRole("heading", { level: 1, name: "Zuweisungen an Ihren Kreis" }).waitFor();

    // the filter "überfällig" keeps the overdue rows only (and says so in the address)
    await page.getByLabel("Stand anzeigen").selectOption("overdue");
    await page.waitForURL(/status=overdue/);
    await table.locator(`tr[data-case-ref="${refs[DUE]}"]`).waitFor({ state: "detached" });
    // the filtered list is loaded once the overdue row is back (the table empties while it loads)
    await table.locator(`tr[data-case-ref="${refs[OVERDUE]}"]`).waitFor();
    await page.waitForLoadState("networkidle");
    const statuses = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
    expect(statuses.length).to.be.at.least(1);
    expect(statuses.every((x) => x === "overdue")).to.equal(true);
    expect(await table.locator(`tr[data-case-ref="${refs[OVERDUE]}"]`).count()).to.equal(1);
    await expectAccessible(page, "allocations, overdue only");

    // the file number leads to the case's timeline
    await table.locator(`tr[data-case-ref="${refs[OVERDUE]}"]`).getByRole("link", { name: OVERDUE, exact: true }).click();
    await page.waitForURL(`${lra.url}/cases/${refs[OVERDUE]}`);
    await page.locator("li[data-step=MUNICIPAL_ALLOCATION]").waitFor({ timeout: 30_000 });
    // back to the filtered list, then the row's next step opens the form with that step chosen
    await page.goBack();
    await table.locator(`tr[data-case-ref="${refs[OVERDUE]}"]`).waitFor();
    expect(await page.getByLabel("Stand anzeigen").inputValue()).to.equal("overdue");
    await table.locator(`tr[data-case-ref="${refs[OVERDUE]}"]`).getByRole("link", { name: /^Zuweisung bestätigen/ }).click();
    await page.waitForURL(`${lra.url}/cases/${refs[OVERDUE]}/record?step=ALLOCATION_RECEIVED`);
    await page.getByRole("heading", { level: 1, name: "Schritt erfassen" }).waitFor();
    const select = page.locator("select[name=step]");
    await select.waitFor();
    expect(await select.inputValue()).to.equal("ALLOCATION_RECEIVED");
    expect(await page.getByTestId("not-allocated-here").count()).to.equal(0);
  });

  it("opens a case allocated to Bautzen and records the arrival through the form", async () => {
    await page.goto(`${lra.url}/cases/${refs[DUE]}`);
    await page.locator("li[data-step=MUNICIPAL_ALLOCATION]").waitFor({ timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    expect(await page.locator("main").innerText()).to.contain(DUE);
    await screenshot(page, "district-timeline");
    await expectClerkWording(page, "timeline");
    await expectAccessible(page, "timeline");

    await page.getByRole("link", { name: /Schritt erfassen/ }).first().click();
    await page.getByRole("heading", { level: 1, name: "Schritt erfassen" }).waitFor();
    const offered = await page.locator("select[name=step] option").allTextContents();
    expect(offered.length).to.be.at.least(3);
    expect(offered.join("|")).to.not.contain("Anhörung"); // BAMF's steps are not offered
    await page.locator("select[name=step]").selectOption("ARRIVED_REGISTERED");
    await page.waitForLoadState("networkidle");
    await screenshot(page, "district-record-form");
    await expectClerkWording(page, "record form");
    await expectAccessible(page, "record form");
    await page.getByRole("button", { name: "Erfassen" }).click();
    await page.locator("[data-testid=step-progress][data-state=confirmed]").waitFor({ timeout: 30_000 });
    await screenshot(page, "district-record-confirmed");
    await expectAccessible(page, "record confirmed");

    await page.goto(`${lra.url}/cases/${refs[DUE]}`);
    await page.locator("li[data-step=ARRIVED_REGISTERED]").waitFor({ timeout: 30_000 });
    // the arrival closed the deadline
    await page.goto(`${lra.url}/deadlines`);
    await page.getByTestId("deadline-table").waitFor();
    await page.waitForLoadState("networkidle");
    expect(await page.getByTestId("deadline-table").innerText()).to.not.contain(DUE);

    // the BAMF, a follower of the case, sees the arrival under the district authority's name
    const bamf = await openBrowser();
    try {
      await login(bamf.page, sys.BAMF, "bamf.sachbearbeitung", "bamf-demo-clerk");
      await bamf.page.goto(`${sys.BAMF.url}/cases/${refs[DUE]}`);
      const arrived = bamf.page.locator("li[data-step=ARRIVED_REGISTERED]");
      await arrived.waitFor({ timeout: 30_000 });
      expect(await arrived.innerText()).to.contain("Landratsamt Bautzen");
      await screenshot(bamf.page, "district-bamf-timeline");
      await expectClerkWording(bamf.page, "BAMF timeline");
    } finally {
      await bamf.close();
    }
  });

  it("does not offer the district's steps for a person allocated elsewhere, and says why", async () => {
    // a link with the step preselected, as from a notice: the page knows the person is Dresden's
    await page.goto(`${lra.url}/cases/${refs[ELSEWHERE]}/record?step=ARRIVED_REGISTERED`);
    await page.locator("h1").waitFor();
    const why = page.getByTestId("not-allocated-here");
    await why.waitFor({ timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    const text = await why.innerText();
    expect(text).to.contain("Diese Person ist nicht Ihrem Kreis zugewiesen").and.contain("Dresden");
    // Bautzen neither holds this person nor recorded anything for them: nothing to offer, no form
    const offered = await page.locator("select[name=step] option").allTextContents();
    expect(offered.join("|")).to.not.match(/Ankunft|angekommen|Zuweisung/);
    expect(await page.getByTestId("record-form").count()).to.equal(0);
    await screenshot(page, "district-refused");
    await expectClerkWording(page, "refusal");
    await expectAccessible(page, "refusal");
  });

  it("the BAMF admin sees the members and votes on /admin/membership", async () => {
    const admin = await openBrowser();
    try {
      await login(admin.page, sys.BAMF, ...BAMF_ADMIN);
      await admin.page.goto(`${sys.BAMF.url}/admin/membership`);
      const members = admin.page.getByTestId("member-agencies");
      await members.waitFor();
      await admin.page.waitForLoadState("networkidle");
      expect(await members.innerText()).to.contain("Bautzen");
      await screenshot(admin.page, "district-admin-membership");
      await expectAccessible(admin.page, "membership");
    } finally {
      await admin.close();
    }
  });
});
