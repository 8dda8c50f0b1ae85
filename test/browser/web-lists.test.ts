// The lists a clerk works with all day, in a real browser against the whole system (one start): the ZAB
// inbox names cases by file number and name ("Bei einer anderen Behörde erfasst" for a case only the BAMF registered),
// pages 25 at a time, acknowledges a whole page at once and counts what is open in the navigation; the
// header search finds cases by part of a file number and by name (auditors: by reference only, and never a
// name anywhere); the cases list sorts; the print view for the paper file shows no chain jargon. Every page
// is photographed into test-results/ and checked with axe-core.
import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { startSystem, type System } from "../support/system";
import { axe, call, createCase, describeViolations, login, openBrowser, recordConfirmed, screenshot, waitUntil, type Person } from "./support/browser";

const ZAB_CLERK = ["zab.sachbearbeitung", "zab-demo-clerk"] as const;
const ZAB_AUDITOR = ["zab.pruefung", "zab-demo-audit"] as const;
const CASES = 30;
const fileNumberOf = (i: number) => `${2000010 + i}-423`;
const familyOf = (i: number) => (i === 4 ? "Kowalski (fiktiv)" : `Listenfall ${String(i).padStart(2, "0")} (fiktiv)`);

describe("web app: lists, search, paging, bulk acknowledge, print (browser, whole system)", function () {
  this.timeout(300_000);
  let sys: System;
  const people: Person[] = [];
  const refs: string[] = [];
  let partnerRef: string;
  const open = async () => {
    const p = await openBrowser();
    people.push(p);
    return p;
  };
  const clean = async (p: Person, what: string) => {
    const v = await axe(p.page);
    expect(v, `${what}: ${describeViolations(v)}`).to.deep.equal([]);
  };

  before(async function () {
    // the build, the start and 60 registrations: generous on a busy machine
    this.timeout(600_000);
    sys = await startSystem({ buildWeb: true });
    const indexes = Array.from({ length: CASES }, (_, i) => i);
    refs.push(...(await Promise.all(indexes.map((i) => createCase(sys.ZAB, fileNumberOf(i), familyOf(i))))));
    await Promise.all(indexes.map((i) => createCase(sys.BAMF, fileNumberOf(i), familyOf(i))));
    // the BAMF files every application: 30 forwarded steps in the ZAB inbox
    const bulk = await call(sys.BAMF, "POST", "/api/steps", { steps: refs.map((caseRef) => ({ caseRef, eventId: randomUUID(), step: "APPLICATION_FILED" })) });
    expect(bulk.status, JSON.stringify(bulk.json)).to.equal(202);
    // a case only the BAMF registered, with a positive decision: allocation due at the ZAB
    partnerRef = await createCase(sys.BAMF, "2000999-475", "Nurbamf (fiktiv)");
    await recordConfirmed(sys.BAMF, partnerRef, "APPLICATION_FILED");
    await recordConfirmed(sys.BAMF, partnerRef, "DECISION_ISSUED", { detail: "REFUGEE_PROTECTION" });
    await waitUntil(async () => {
      const c = await call(sys.ZAB, "GET", "/api/notifications/counts");
      const byKind = c.json.byKind as Record<string, number>;
      return (byKind.FORWARD ?? 0) >= CASES + 2 && (byKind.ALLOCATION_DUE ?? 0) >= 1;
    }, "ZAB has the forwarded steps", 60_000);
  });

  after(async () => {
    for (const p of people) await p.close().catch(() => undefined);
    await sys?.stop();
  });

  afterEach(function () {
    const problems = people.flatMap((p) => p.problems.splice(0));
    if (this.currentTest?.state === "passed") expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("ZAB inbox: file numbers and names, 'Bei einer anderen Behörde erfasst', 25 a page, next page, open count in the navigation", async () => {
    const zab = await open();
    await login(zab.page, sys.ZAB, ...ZAB_CLERK);
    await zab.page.goto(`${sys.ZAB.url}/inbox`);
    const table = zab.page.getByTestId("notice-table");
    await table.waitFor();
    expect(await table.locator("tbody tr").count()).to.equal(25);
    const texts = await table.locator("tbody tr").allTextContents();
    expect(texts.some((t) => /2000\d{3}-423/.test(t) && /Listenfall|Kowalski/.test(t))).to.equal(true);
    const partnerRow = table.locator(`tr[data-case-ref="${partnerRef}"]`).first();
    expect(await partnerRow.textContent()).to.contain("Bei einer anderen Behörde erfasst");
    // forwarded steps and the out-of-order warnings they raised: more than one page
    const total = Number((await zab.page.getByTestId("pager").textContent())?.match(/1–25 von (\d+)/)?.[1]);
    expect(total).to.be.at.least(CASES + 2);
    const navCount = zab.page.getByTestId("nav-count-inbox");
    expect(Number((await navCount.textContent())?.match(/\d+/)?.[0])).to.be.at.least(CASES + 2);
    await screenshot(zab.page, "lists-inbox-page1");
    await clean(zab, "inbox");

    await zab.page.getByTestId("pager-next").click();
    await zab.page.getByTestId("pager").getByText(`26–${Math.min(50, total)} von ${total}`).waitFor();
    const second = await table.locator("tbody tr").count();
    expect(second).to.equal(Math.min(25, total - 25));
    await screenshot(zab.page, "lists-inbox-page2");

    // the allocation page names the partner's case in plain words too
    await zab.page.goto(`${sys.ZAB.url}/allocation`);
    const due = zab.page.locator(`[data-testid=due-list] [data-case-ref="${partnerRef}"]`);
    await due.waitFor();
    expect(await due.textContent()).to.contain("Bei einer anderen Behörde erfasst");
    await screenshot(zab.page, "lists-allocation");
  });

  it("ZAB inbox: acknowledges every notice on the page at once; the count in the navigation goes down", async () => {
    const zab = await open();
    await login(zab.page, sys.ZAB, ...ZAB_CLERK);
    await zab.page.goto(`${sys.ZAB.url}/inbox`);
    await zab.page.getByTestId("notice-table").waitFor();
    const navCount = zab.page.getByTestId("nav-count-inbox");
    await navCount.waitFor();
    const before = Number((await navCount.textContent())?.match(/\d+/)?.[0]);
    await zab.page.getByTestId("select-all").check();
    const button = zab.page.getByTestId("ack-selected");
    expect(await button.textContent()).to.equal("25 ausgewählte quittieren");
    await button.click();
    await zab.page.getByRole("status").getByText("25 Benachrichtigungen quittiert.").waitFor();
    await waitUntil(async () => Number((await navCount.textContent())?.match(/\d+/)?.[0]) === before - 25, "count down by 25", 15_000);
    const counts = await call(sys.ZAB, "GET", "/api/notifications/counts");
    expect(counts.json.unacknowledged).to.equal(before - 25);
    await screenshot(zab.page, "lists-inbox-bulk-acknowledged");
  });

  it("header search: part of a file number, a name; the cases list sorts, offers CSV and 'Neuen Fall anlegen' at the top", async () => {
    const zab = await open();
    await login(zab.page, sys.ZAB, ...ZAB_CLERK);
    const search = zab.page.getByRole("search");
    await zab.page.getByTestId("header-search").fill("200001");
    await search.getByRole("button", { name: "Suchen" }).click();
    await zab.page.getByRole("heading", { level: 1, name: "Suchergebnisse" }).waitFor();
    await zab.page.getByTestId("search-count").getByText("10 Fälle").waitFor();
    const found = await zab.page.locator("[data-testid=case-table] tbody tr").allTextContents();
    expect(found).to.have.length(10);
    for (const row of found) expect(row).to.match(/20000(1\d)-423/);
    await screenshot(zab.page, "lists-search-file-number");
    await clean(zab, "search results");

    await zab.page.getByTestId("header-search").fill("kowal");
    await search.getByRole("button", { name: "Suchen" }).click();
    await zab.page.getByTestId("search-count").getByText("1 Fall").waitFor();
    const row = zab.page.locator(`[data-testid=case-table] tr[data-case-ref="${refs[4]}"]`);
    expect(await row.textContent()).to.contain(fileNumberOf(4)).and.contain("Kowalski (fiktiv)");
    await row.getByRole("link", { name: fileNumberOf(4), exact: true }).click();
    await zab.page.getByRole("heading", { level: 1, name: "Verlauf des Falls" }).waitFor();

    await zab.page.goto(`${sys.ZAB.url}/cases`);
    await zab.page.getByTestId("case-table").waitFor();
    const first = zab.page.locator("main h1 ~ *").first();
    expect(await first.textContent()).to.contain("Neuen Fall anlegen");
    await zab.page.getByTestId("sort-fileNumber").click();
    const firstRow = zab.page.locator(`[data-testid=case-table] tbody tr:first-child`);
    await firstRow.getByRole("link", { name: fileNumberOf(0), exact: true }).waitFor();
    await zab.page.getByTestId("sort-fileNumber").click();
    // descending; cases without a file number here (the partner's) stay last either way
    await firstRow.getByRole("link", { name: fileNumberOf(CASES - 1), exact: true }).waitFor();
    const href = await zab.page.getByTestId("cases-csv").getAttribute("href");
    expect(href).to.match(/^\/api\/exports\/cases\.csv\?/);
    const csv = await zab.page.evaluate(async (h) => {
      const r = await fetch(h!);
      return { type: r.headers.get("content-type"), text: await r.text() };
    }, href);
    expect(csv.type).to.equal("text/csv; charset=utf-8");
    expect(csv.text).to.contain("Kowalski (fiktiv)");
    // file numbers never wrap
    const wraps = await zab.page.locator("[data-testid=case-table] .file-number").evaluateAll((els) => els.filter((e) => e.getClientRects().length > 1).length);
    expect(wraps).to.equal(0);
    await screenshot(zab.page, "lists-cases-sorted");
    await clean(zab, "cases");
  });

  it("print view for the paper file: person, steps and the verification seal, no hashes or blocks", async () => {
    const zab = await open();
    await login(zab.page, sys.ZAB, ...ZAB_CLERK);
    await recordConfirmed(sys.ZAB, refs[4], "REGISTERED");
    await zab.page.goto(`${sys.ZAB.url}/cases/${refs[4]}`);
    await zab.page.getByTestId("print-view-link").click();
    const view = zab.page.getByTestId("print-view");
    await view.waitFor();
    await zab.page.getByTestId("seal").getByText("Prüfsiegel: Der Eintrag dieser Behörde stimmt mit dem gemeinsamen Register überein.").waitFor();
    const text = (await view.textContent()) ?? "";
    expect(text).to.contain(fileNumberOf(4)).and.contain("Kowalski (fiktiv)").and.contain("Asylantrag gestellt").and.contain("Syrien");
    expect(text).to.not.match(/0x[0-9a-f]{8}|Block|Commitment|Ledger|Hash/);
    await screenshot(zab.page, "lists-print-view");
    await zab.page.emulateMedia({ media: "print" });
    expect(await zab.page.locator(".site-header").isVisible()).to.equal(false);
    await screenshot(zab.page, "lists-print-view-as-printed");
    await zab.page.emulateMedia({ media: "screen" });
    await clean(zab, "print view");
  });

  it("auditor: no file number or name in inbox, lists or search; search by reference works", async () => {
    const aud = await open();
    await login(aud.page, sys.ZAB, ...ZAB_AUDITOR);
    await aud.page.goto(`${sys.ZAB.url}/inbox`);
    await aud.page.getByTestId("notice-table").waitFor();
    expect(await aud.page.getByTestId("header-search").getAttribute("placeholder")).to.equal("Fallreferenz");
    const forbidden = [/2000\d{3}-\d{3}/, /fiktiv/, /Kowalski|Listenfall|Nurbamf/];
    const pages = ["/inbox", "/cases", "/deadlines", `/search?q=${refs[4].slice(2, 14)}`];
    for (const path of pages) {
      await aud.page.goto(`${sys.ZAB.url}${path}`);
      await aud.page.locator("main h1").waitFor();
      await aud.page.waitForLoadState("networkidle");
      const body = (await aud.page.locator("body").textContent()) ?? "";
      for (const f of forbidden) expect(body, `${path} shows ${f}`).to.not.match(f);
    }
    // a name is no search term for auditors: nothing is found (the page repeats only what was typed)
    await aud.page.goto(`${sys.ZAB.url}/search?q=Kowalski`);
    await aud.page.getByTestId("search-count").getByText("Kein Fall gefunden.").waitFor();
    expect(await aud.page.getByTestId("case-table").count()).to.equal(0);
    await aud.page.goto(`${sys.ZAB.url}/search?q=${refs[4].slice(2, 14)}`);
    await aud.page.locator(`[data-testid=case-table] tr[data-case-ref="${refs[4]}"]`).waitFor();
    expect(await aud.page.locator(`[data-testid=case-table] tr[data-case-ref="${refs[4]}"]`).textContent()).to.contain("Bei dieser Behörde erfasst");
    await screenshot(aud.page, "lists-auditor-search-reference");
    await clean(aud, "auditor search");
    await aud.page.goto(`${sys.ZAB.url}/deadlines`);
    await aud.page.getByRole("heading", { level: 1, name: "Fristen und Überschreitungen" }).waitFor();
    await clean(aud, "deadlines");
  });
});
