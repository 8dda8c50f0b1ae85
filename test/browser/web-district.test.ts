// The district immigration authority (Landratsamt Bautzen, ABH-14625) in a real browser against the whole
// system: anvil + ledger (genesis 30 days back, so that an allocation made first is overdue), BAMF and ZAB
// services, Bautzen voted in as npm start does it. Its clerk (German) sees the inbox, the arrivals due and
// overdue, a case allocated to Bautzen, records ARRIVED_REGISTERED through the form, and is refused with a
// clear message for a person allocated elsewhere. Every page is checked with axe-core; screenshots go to
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

  it("refuses a step for a person allocated elsewhere with a clear message", async () => {
    await page.goto(`${lra.url}/cases/${refs[ELSEWHERE]}/record?step=ARRIVED_REGISTERED`);
    await page.locator("h1").waitFor();
    await page.waitForLoadState("networkidle");
    await screenshot(page, "district-refused-form");
    const form = page.getByTestId("record-form");
    if (await form.count()) {
      // the link preselects the step; the clerk sends it
      expect(await page.locator("select[name=step]").inputValue()).to.equal("ARRIVED_REGISTERED");
      await page.getByRole("button", { name: "Erfassen" }).click();
    }
    const alert = page.getByRole("alert").filter({ hasText: /Bautzen|zugewiesen/ });
    await alert.first().waitFor({ timeout: 30_000 });
    const text = await alert.first().innerText();
    await screenshot(page, "district-refused");
    expect(text).to.match(/zugewiesen|Zuweisung/);
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
