// The web app in a real browser against the whole system: anvil + ledger, BAMF and ZAB services (demo
// mode), Debian chromium through playwright-core. Every page is checked with axe-core (WCAG 2.1 AA) and
// photographed into test-results/.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CODE_LISTS } from "../../services/shared/codelists";
import { startSystem, type System } from "../support/system";
import { axe, call, createCase, describeViolations, login, openBrowser, recordConfirmed, screenshot, waitKnown, type Person } from "./support/browser";

const DEMO = {
  BAMF: { clerk: ["bamf.sachbearbeitung", "bamf-demo-clerk"], auditor: ["bamf.pruefung", "bamf-demo-audit"] },
  ZAB: { clerk: ["zab.sachbearbeitung", "zab-demo-clerk"], auditor: ["zab.pruefung", "zab-demo-audit"] },
} as const;

describe("web app (browser, whole system)", function () {
  this.timeout(300_000);
  let sys: System;
  const people: Person[] = [];
  const open = async (locale?: string) => {
    const p = await openBrowser({ locale });
    people.push(p);
    return p;
  };

  // Case A: negative decision, repatriation scheduled (a follow-up application will raise a stop).
  const A = "1000001-423";
  // Case B: positive decision, allocation due.
  const B = "1000002-475";
  // Case C: good prospects to remain, allocation due (stays open for the screenshots).
  const C = "1000003-475";
  let refA: string;
  let refB: string;

  before(async () => {
    sys = await startSystem({ buildWeb: true });
    refA = await createCase(sys.ZAB, A);
    await createCase(sys.BAMF, A);
    await recordConfirmed(sys.ZAB, refA, "REGISTERED");
    await waitKnown(sys.BAMF, refA, "REGISTERED");
    await recordConfirmed(sys.BAMF, refA, "APPLICATION_FILED");
    await recordConfirmed(sys.BAMF, refA, "HEARING_SCHEDULED", { businessDate: "2026-12-01" });
    await recordConfirmed(sys.BAMF, refA, "HEARING_HELD");
    await recordConfirmed(sys.BAMF, refA, "DECISION_ISSUED", { detail: 6 } /* REJECTED_MANIFESTLY_UNFOUNDED: the key is longer than the API takes */);
    await recordConfirmed(sys.BAMF, refA, "DECISION_SERVED");
    await recordConfirmed(sys.BAMF, refA, "DECISION_FINAL");
    await waitKnown(sys.ZAB, refA, "DECISION_FINAL");
    await recordConfirmed(sys.ZAB, refA, "DEPARTURE_OBLIGATION");
    await recordConfirmed(sys.ZAB, refA, "REPATRIATION_SCHEDULED", { businessDate: "2027-01-15" });

    refB = await createCase(sys.ZAB, B, "Beispiel (fiktiv)");
    await createCase(sys.BAMF, B, "Beispiel (fiktiv)");
    await recordConfirmed(sys.ZAB, refB, "REGISTERED");
    await waitKnown(sys.BAMF, refB, "REGISTERED");
    await recordConfirmed(sys.BAMF, refB, "APPLICATION_FILED");
    await recordConfirmed(sys.BAMF, refB, "HEARING_HELD");
    await recordConfirmed(sys.BAMF, refB, "DECISION_ISSUED", { detail: "REFUGEE_PROTECTION" });
    await waitKnown(sys.ZAB, refB, "DECISION_ISSUED");

    const refC = await createCase(sys.ZAB, C, "Muster (fiktiv)");
    await createCase(sys.BAMF, C, "Muster (fiktiv)");
    await recordConfirmed(sys.ZAB, refC, "REGISTERED");
    await waitKnown(sys.BAMF, refC, "REGISTERED");
    await recordConfirmed(sys.BAMF, refC, "APPLICATION_FILED");
    await recordConfirmed(sys.BAMF, refC, "PROSPECTS_ASSESSED", { detail: 1 });
    await waitKnown(sys.ZAB, refC, "PROSPECTS_ASSESSED");
  });

  after(async () => {
    for (const p of people) await p.close().catch(() => undefined);
    await sys?.stop();
  });

  afterEach(function () {
    // whatever the test, no page may have thrown or hit a CSP violation
    const problems = people.flatMap((p) => p.problems.splice(0));
    if (this.currentTest?.state === "passed") expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("BAMF files a follow-up application; the ZAB inbox shows the stop warning without a reload", async () => {
    const zab = await open();
    await login(zab.page, sys.ZAB, ...DEMO.ZAB.clerk);
    await zab.page.goto(`${sys.ZAB.url}/inbox`);
    await zab.page.getByRole("heading", { level: 1, name: "Eingang" }).waitFor();
    expect(await zab.page.locator(`[data-testid=stop-notice][data-case-ref="${refA}"]`).count()).to.equal(0);
    await zab.page.evaluate(() => ((window as unknown as { noReload: number }).noReload = 42));

    const bamf = await open();
    await login(bamf.page, sys.BAMF, ...DEMO.BAMF.clerk);
    // the search field in the header finds the case by its file number
    await bamf.page.getByTestId("header-search").fill(A);
    await bamf.page.getByRole("search").getByRole("button", { name: "Suchen" }).click();
    const row = bamf.page.locator(`[data-testid=case-table] tr[data-case-ref="${refA}"]`);
    await row.waitFor();
    expect(await row.textContent()).to.contain(A);
    await row.getByRole("link", { name: /Schritt erfassen/ }).click();
    await bamf.page.getByRole("heading", { level: 1, name: "Schritt erfassen" }).waitFor();
    // only BAMF's steps are offered
    const offered = await bamf.page.locator("select[name=step] option").allTextContents();
    expect(offered).to.include("Folgeantrag gestellt");
    expect(offered).not.to.include("Rückführung terminiert");
    await bamf.page.locator("select[name=step]").selectOption("FOLLOW_UP_APPLICATION_FILED");
    await bamf.page.locator("textarea[name=note]").fill("Folgeantrag persönlich eingereicht (fiktiv)");
    await bamf.page.getByRole("button", { name: "Erfassen" }).click();
    const progress = bamf.page.getByTestId("step-progress");
    await progress.waitFor();
    await bamf.page.locator("[data-testid=step-progress][data-state=confirmed]").waitFor({ timeout: 30_000 });
    expect(await progress.textContent()).to.match(/Schritt bestätigt in Block/);
    await screenshot(bamf.page, "record-step-confirmed");

    // ZAB, still on the same page: the stop arrives by itself, first and impossible to overlook
    const stop = zab.page.locator(`[data-testid=stop-notice][data-case-ref="${refA}"]`);
    await stop.waitFor({ timeout: 30_000 });
    expect(await stop.textContent()).to.contain("Folgeantrag anhängig");
    await zab.page.getByTestId("stop-banner").waitFor();
    expect(await zab.page.evaluate(() => (window as unknown as { noReload?: number }).noReload)).to.equal(42);
    await screenshot(zab.page, "inbox-stop-warning");

    // acknowledging gives visible feedback
    await stop.getByRole("button", { name: /Quittieren/ }).click();
    await zab.page
      .getByRole("status")
      .filter({ hasText: /quittiert/ })
      .first()
      .waitFor();
    await stop.waitFor({ state: "detached" });

    // the BAMF timeline shows the open stop as well
    await bamf.page.goto(`${sys.BAMF.url}/cases/${refA}`);
    await bamf.page.getByTestId("case-stop").waitFor({ timeout: 30_000 });
    expect(await bamf.page.getByTestId("case-stop").textContent()).to.contain("Folgeantrag anhängig");
    expect(await bamf.page.locator("li[data-step=FOLLOW_UP_APPLICATION_FILED] .badge-ok").textContent()).to.contain("verifiziert");
  });

  it("ZAB confirms an allocation; the open BAMF timeline shows it", async () => {
    const bamf = await open();
    await login(bamf.page, sys.BAMF, ...DEMO.BAMF.clerk);
    await bamf.page.goto(`${sys.BAMF.url}/cases/${refB}`);
    await bamf.page.locator("li[data-step=DECISION_ISSUED]").waitFor();
    expect(await bamf.page.locator("li[data-step=MUNICIPAL_ALLOCATION]").count()).to.equal(0);

    const zab = await open();
    await login(zab.page, sys.ZAB, ...DEMO.ZAB.clerk);
    await zab.page.getByRole("link", { name: "Zuweisung" }).click();
    const item = zab.page.locator(`li.due[data-case-ref="${refB}"]`);
    await item.waitFor();
    expect(await item.textContent()).to.match(/Vorschlag:.*\(14\d{3}\)/);
    expect(await item.textContent()).to.match(/Begründung:/);
    const proposed = await item.getByTestId("district-select").inputValue();
    await screenshot(zab.page, "allocation");
    await item.getByRole("button", { name: "Bestätigen" }).click();
    await zab.page.locator("[data-testid=step-progress][data-state=confirmed]").waitFor({ timeout: 30_000 });

    const allocation = bamf.page.locator("li[data-step=MUNICIPAL_ALLOCATION]");
    await allocation.waitFor({ timeout: 30_000 });
    expect(await allocation.textContent()).to.contain(`ZAB`);
    expect(await allocation.textContent()).to.contain(CODE_LISTS.distributionKey.districts.find((d) => String(d.code) === proposed)!.de);
    await screenshot(bamf.page, "timeline-allocation");
  });

  it("an auditor sees no personal data and cannot record steps, in the UI and through the API", async () => {
    const aud = await open();
    await login(aud.page, sys.BAMF, ...DEMO.BAMF.auditor);
    await aud.page.getByRole("link", { name: "Fälle" }).click();
    await aud.page.locator(`[data-testid=case-table] tr[data-case-ref="${refA}"]`).waitFor();
    const listText = (await aud.page.locator("main").textContent()) ?? "";
    expect(listText).not.to.contain(A);
    expect(listText).not.to.contain(B);
    expect(await aud.page.getByTestId("file-number-search").count()).to.equal(0);
    expect(await aud.page.getByRole("link", { name: /Schritt erfassen/ }).count()).to.equal(0);

    await aud.page.goto(`${sys.BAMF.url}/cases/${refA}`);
    await aud.page.locator("li[data-step=DECISION_ISSUED]").waitFor();
    const tlText = (await aud.page.locator("main").textContent()) ?? "";
    expect(tlText).not.to.contain("Mustermann");
    expect(tlText).not.to.contain(A);
    expect(await aud.page.getByTestId("person").count()).to.equal(0);
    expect(await aud.page.getByRole("link", { name: /Schritt erfassen/ }).count()).to.equal(0);

    await aud.page.goto(`${sys.BAMF.url}/cases/${refA}/record`);
    await aud.page
      .getByRole("alert")
      .filter({ hasText: /nicht zur Verfügung/ })
      .waitFor();
    expect(await aud.page.getByTestId("record-form").count()).to.equal(0);

    // the API, with the auditor's own session (cookie + CSRF token) from inside the page
    const api = await aud.page.evaluate(
      async ({ ref, fileNumber }) => {
        const s = await (await fetch("/api/session")).json();
        const search = await fetch(`/api/cases?fileNumber=${fileNumber}`);
        const record = await fetch(`/api/cases/${ref}/steps`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": s.csrfToken },
          body: JSON.stringify({ step: "HEARING_HELD" }),
        });
        const tl = await (await fetch(`/api/cases/${ref}/timeline`)).json();
        return { role: s.role, search: search.status, record: record.status, person: tl.person ?? null, text: JSON.stringify(tl) };
      },
      { ref: refA, fileNumber: A },
    );
    expect(api.role).to.equal("auditor");
    expect(api.search).to.equal(403);
    expect(api.record).to.equal(403);
    expect(api.person).to.equal(null);
    expect(api.text).not.to.contain("Mustermann");
    expect(api.text).not.to.contain(A);
    // and with the auditor's API token
    const viaToken = await call(sys.BAMF, "POST", `/api/cases/${refA}/steps`, { step: "HEARING_HELD" }, sys.BAMF.auditToken);
    expect(viaToken.status).to.equal(403);
    await screenshot(aud.page, "auditor-timeline");
  });

  it("shows the auditor the ledger status, the rule history and the latest audit report", async () => {
    const aud = await open();
    await login(aud.page, sys.ZAB, ...DEMO.ZAB.auditor);
    await aud.page.goto(`${sys.ZAB.url}/audit`);
    await aud.page.getByTestId("ledger-status").waitFor();
    expect(Number((await aud.page.getByTestId("head-block").textContent())!.replace(/\D/g, ""))).to.be.greaterThan(10);
    // the last co-signed checkpoint names its commitments root, the root's tree and the steps it covers
    // (the services sign every 5 blocks here: reload until the first is signed)
    for (let i = 0; i < 30 && !(await aud.page.getByTestId("last-checkpoint-root").count()); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await aud.page.reload();
      await aud.page.getByTestId("ledger-status").waitFor();
    }
    // the service signs with its own key: the line names the agency, then the key
    expect(await aud.page.getByTestId("last-checkpoint-signer").textContent()).to.match(/^Signiert von: Zentrale Ausländerbehörde Sachsen, Schlüssel 0x[0-9a-fA-F]{40}$/);
    expect(await aud.page.getByTestId("last-checkpoint-root").textContent()).to.match(/^Commitment-Wurzel \(RFC-6962-Baum, SHA-256, über [\d.]+ Schritte\): 0x[0-9a-f]{64}/);
    await aud.page.getByText("Noch kein Prüfbericht vorhanden", { exact: false }).waitFor();
    const history = aud.page.locator("[data-testid=rule-history] tr.rh-stop-raised");
    await history.first().waitFor();
    expect(await history.first().textContent()).to.contain("Folgeantrag anhängig");

    // the audit tool writes its report into <data dir>/audit/report.json; the view picks it up
    mkdirSync(join(sys.chain.dataDir, "audit"), { recursive: true });
    writeFileSync(
      join(sys.chain.dataDir, "audit", "report.json"),
      JSON.stringify({
        format: "anker-audit-report-v1",
        generatedAt: new Date().toISOString(),
        verdict: "findings",
        summary: { critical: 0, error: 0, warning: 1, findings: 1, suppressed: 0 },
        scope: { fromBlock: 0, toBlock: 42, events: 60, steps: 30, cases: 3, headersChecked: 43 },
        checks: [
          { id: "headers", title: "Block headers re-hashed and linked", status: "pass", summary: "43 headers" },
          { id: "stops", title: "Open and ignored stops", status: "fail", summary: "1 open stop" },
        ],
        findings: [{ check: "stops", kind: "open-stop", severity: "warning", message: "Stop open: follow-up application pending", caseRef: refA, blockNumber: 20 }],
      }),
    );
    // the report is written outside the ledger: the auditor reloads it with the button
    await aud.page.getByTestId("reload-report").click();
    await aud.page.getByTestId("audit-report").waitFor({ timeout: 15_000 });
    const report = (await aud.page.getByTestId("audit-report").textContent()) ?? "";
    expect(report).to.contain("mit Befunden");
    expect(report).to.contain("Block headers re-hashed and linked");
    await screenshot(aud.page, "audit-with-report");
    // clerks do not get the report
    const clerk = await call(sys.ZAB, "GET", "/api/audit/report");
    expect(clerk.status).to.equal(403);
    const viaAuditor = await call(sys.ZAB, "GET", "/api/audit/report", undefined, sys.ZAB.auditToken);
    expect(viaAuditor.status).to.equal(200);
  });

  it("serves the app on every non-API path with its CSP, and counts only on /api/stats", async () => {
    for (const path of ["/", "/inbox", `/cases/${refA}`, "/dashboard?x=1"]) {
      const res = await fetch(sys.BAMF.url + path);
      expect(res.status, path).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/text\/html/);
      expect(res.headers.get("content-security-policy")).to.contain("script-src 'self'");
      expect(await res.text()).to.contain('<div id="root">');
    }
    const unknownApi = await fetch(`${sys.BAMF.url}/api/does-not-exist`);
    expect(unknownApi.status).to.equal(404);
    expect(unknownApi.headers.get("content-type")).to.match(/problem\+json/);
    expect((await fetch(`${sys.BAMF.url}/assets/missing-file.js`)).status).to.equal(404);
    expect((await fetch(`${sys.BAMF.url}/..%2f..%2fpackage.json`)).status).to.not.equal(500);

    const meta = await (await fetch(`${sys.BAMF.url}/api/meta`)).json();
    expect(meta).to.include({ agency: "BAMF", demoMode: true });
    expect(meta.demoLogins.map((d: { username: string }) => d.username)).to.include("bamf.sachbearbeitung");

    expect((await fetch(`${sys.BAMF.url}/api/stats`)).status).to.equal(401);
    const stats = await call(sys.BAMF, "GET", "/api/stats");
    expect(stats.status).to.equal(200);
    const phases = Object.fromEntries((stats.json.casesPerPhase as { phase: number; count: number }[]).map((p) => [p.phase, p.count]));
    // A in phase II; C in phase III (good prospects); B in II or III (whether the allocation test ran)
    expect(phases[1]).to.equal(0);
    expect(phases[2] + phases[3]).to.equal(3);
    expect(phases[3]).to.be.at.least(1);
    const total = (stats.json.stepsPerDay as { total: number }[]).reduce((a, d) => a + d.total, 0);
    expect(total).to.be.at.least(16); // the steps recorded in before()
    const text = JSON.stringify(stats.json);
    expect(text).not.to.contain(refA.slice(2, 20));
    expect(text).not.to.contain(A);
    const bad = await call(sys.BAMF, "GET", "/api/stats?from=2026-12-01&to=2026-01-01");
    expect(bad.status).to.equal(400);
    const status = await call(sys.BAMF, "GET", "/api/ledger/status");
    expect(status.status).to.equal(200);
    expect(status.json.codeList).to.include({ matches: true });
  });

  it("switches the language (persisted) and formats dates in the chosen locale", async () => {
    const p = await open();
    await p.page.goto(`${sys.BAMF.url}/login`);
    await p.page.getByRole("heading", { level: 1, name: "Anmeldung" }).waitFor();
    expect(await p.page.getAttribute("html", "lang")).to.equal("de");
    await p.page.getByTestId("lang-switch").click();
    await p.page.getByRole("heading", { level: 1, name: "Log in" }).waitFor();
    expect(await p.page.getAttribute("html", "lang")).to.equal("en");
    await p.page.reload();
    await p.page.getByRole("heading", { level: 1, name: "Log in" }).waitFor();
    expect(await p.page.getAttribute("html", "lang")).to.equal("en");
    await login(p.page, sys.BAMF, ...DEMO.BAMF.clerk);
    await p.page.goto(`${sys.BAMF.url}/cases/${refA}`);
    await p.page.getByRole("heading", { level: 1, name: "Case timeline" }).waitFor();
    const hearing = p.page.locator("li[data-step=HEARING_SCHEDULED]");
    await hearing.waitFor();
    expect(await hearing.textContent()).to.contain("1 Dec 2026");
    expect(await hearing.textContent()).to.contain("Hearing scheduled");
    await screenshot(p.page, "timeline-en");
    await p.page.getByTestId("lang-switch").click();
    await p.page.getByRole("heading", { level: 1, name: "Verlauf des Falls" }).waitFor();
    expect(await hearing.textContent()).to.contain("01.12.2026");
    expect(await p.page.getAttribute("html", "lang")).to.equal("de");
  });

  it("takes and shows dates in the app's language, not the browser's (an English browser, the German UI)", async () => {
    const p = await open("en-US");
    await login(p.page, sys.BAMF, ...DEMO.BAMF.clerk);
    // a date of birth with the day unknown reads as month and year, not "1990-07-00"
    await p.page.goto(`${sys.BAMF.url}/cases/${refA}`);
    const person = p.page.getByTestId("person");
    await person.waitFor();
    expect(await person.textContent()).to.contain("Juli 1990");
    expect(await person.textContent()).not.to.contain("1990-07-00");

    await p.page.goto(`${sys.BAMF.url}/dashboard`);
    await p.page.getByTestId("chart-phase").waitFor();
    const from = p.page.getByLabel("Von", { exact: true });
    const to = p.page.getByLabel("Bis", { exact: true });
    expect(await from.getAttribute("type")).to.equal("text");
    // the format hint is the field's description
    expect(
      await from.evaluate((el) =>
        (el.getAttribute("aria-describedby") ?? "")
          .split(" ")
          .map((id) => document.getElementById(id)?.textContent)
          .join(" "),
      ),
    ).to.contain("Tag.Monat.Jahr");
    expect(await from.inputValue()).to.match(/^\d{2}\.\d{2}\.\d{4}$/);
    await from.fill("1.11.2026");
    await to.fill("2026-11-30"); // ISO is understood as well, and written back the German way
    await to.blur();
    expect(await from.inputValue()).to.equal("01.11.2026");
    expect(await to.inputValue()).to.equal("30.11.2026");
    await p.page.getByRole("button", { name: "Anwenden" }).click();
    await p.page.getByText("Zeitraum: 01.11.2026 – 30.11.2026").waitFor();
    // no such day: an error naming the field, the field marked invalid
    await to.fill("31.02.2027");
    await p.page.getByRole("button", { name: "Anwenden" }).click();
    await p.page.getByRole("alert").filter({ hasText: "„Bis“ ist kein gültiges Datum" }).waitFor();
    expect(await to.getAttribute("aria-invalid")).to.equal("true");
    expect(await axe(p.page), "axe").to.deep.equal([]);
    await screenshot(p.page, "dashboard-date-error");
    // in English: day, month name, year
    await to.fill("30.11.2026");
    await p.page.getByTestId("lang-switch").click();
    await p.page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    expect(await p.page.getByLabel("From", { exact: true }).inputValue()).to.equal("1 Nov 2026");
    expect(await p.page.getByLabel("To", { exact: true }).inputValue()).to.equal("30 Nov 2026");
    await p.page.getByTestId("lang-switch").click();

    // a new person's date of birth: the year alone is enough, an impossible month is refused
    await p.page.goto(`${sys.BAMF.url}/cases`);
    await p.page.getByTestId("new-case").locator("summary").click();
    const dob = p.page.getByLabel(/^Geburtsdatum/);
    await dob.fill("13.1990");
    await p.page.getByRole("button", { name: "Fall anlegen", exact: true }).click();
    await p.page.getByText("„Geburtsdatum“ ist kein gültiges Datum", { exact: false }).first().waitFor();
    await dob.fill("Juli 1990");
    await dob.blur();
    expect(await dob.inputValue()).to.equal("07.1990");
    await dob.fill("1990");
    await dob.blur();
    expect(await dob.inputValue()).to.equal("1990");
    await screenshot(p.page, "new-case-date-of-birth");
  });

  it("asks for no session on the login page and closes the live stream on logout", async () => {
    const p = await open();
    // count the event streams the page opens and whether they are closed (the page's CSP stays in force)
    await p.page.addInitScript(() => {
      const Native = window.EventSource;
      const all: EventSource[] = [];
      (window as unknown as { streams: EventSource[] }).streams = all;
      window.EventSource = class extends Native {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          all.push(this);
        }
      };
    });
    const probes: string[] = [];
    p.page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/session" && r.method() === "GET") probes.push(r.url());
    });
    const consoleErrors: string[] = [];
    p.page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await p.page.goto(`${sys.BAMF.url}/login`);
    await p.page.getByRole("heading", { level: 1, name: "Anmeldung" }).waitFor();
    await p.page.waitForLoadState("networkidle");
    expect(probes, "no session probe without a session").to.deep.equal([]);
    expect(consoleErrors).to.deep.equal([]);

    await login(p.page, sys.BAMF, ...DEMO.BAMF.clerk);
    const states = () => p.page.evaluate(() => (window as unknown as { streams: EventSource[] }).streams.map((e) => e.readyState));
    await p.page.waitForFunction(() => (window as unknown as { streams: EventSource[] }).streams.some((e) => e.readyState === 1));
    // a reload asks the service again (the session is still there)
    await p.page.reload();
    await p.page.getByTestId("who").waitFor();
    expect(probes.length).to.equal(1);
    await p.page.waitForFunction(() => (window as unknown as { streams: EventSource[] }).streams.some((e) => e.readyState === 1));
    await p.page.getByRole("button", { name: "Abmelden" }).click();
    await p.page.getByRole("heading", { level: 1, name: "Anmeldung" }).waitFor();
    expect(await states()).to.satisfy((s: number[]) => s.length > 0 && s.every((x) => x === 2), "every stream closed");
    expect(consoleErrors).to.deep.equal([]);
  });

  it("ends a person's event stream on the service when their session ends", async () => {
    const [username, password] = DEMO.BAMF.clerk;
    const signIn = await fetch(`${sys.BAMF.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
    expect(signIn.status).to.equal(200);
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const stream = await fetch(`${sys.BAMF.url}/api/events/stream`, { headers: { cookie, accept: "text/event-stream" } });
    expect(stream.status).to.equal(200);
    const reader = stream.body!.getReader();
    await reader.read(); // "retry:" and "ready"
    const logout = await fetch(`${sys.BAMF.url}/api/session`, { method: "DELETE", headers: { cookie, "x-csrf-token": csrfToken } });
    expect(logout.status).to.equal(204);
    // the service checks with its heartbeat (15 s) and ends the stream; a reconnect is refused
    const ended = await (async () => {
      for (;;) {
        const r = await reader.read().catch(() => ({ done: true }));
        if (r.done) return true;
      }
    })();
    expect(ended).to.equal(true);
    expect((await fetch(`${sys.BAMF.url}/api/events/stream`, { headers: { cookie } })).status).to.equal(401);
  });

  it("works from the keyboard with a visible focus", async () => {
    const p = await open();
    await p.page.goto(`${sys.ZAB.url}/login`);
    await p.page.getByRole("heading", { level: 1 }).waitFor();
    await p.page.keyboard.press("Tab");
    expect(await p.page.evaluate(() => document.activeElement?.className)).to.contain("skip-link");
    const outline = async () =>
      p.page.evaluate(() => {
        const s = getComputedStyle(document.activeElement as Element);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
    const o = await outline();
    expect(o.style).to.not.equal("none");
    expect(o.width).to.be.at.least(2);
    // to the user name field and log in with keys only
    for (let i = 0; i < 10; i++) {
      await p.page.keyboard.press("Tab");
      if (await p.page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name === "username")) break;
    }
    await p.page.keyboard.type(DEMO.ZAB.clerk[0]);
    await p.page.keyboard.press("Tab");
    await p.page.keyboard.type(DEMO.ZAB.clerk[1]);
    await p.page.keyboard.press("Enter");
    await p.page.getByTestId("who").waitFor();
    // the navigation is reachable and shows focus
    const nav = p.page.getByRole("navigation").getByRole("link", { name: "Fälle" });
    await nav.focus();
    expect((await outline()).style).to.not.equal("none");
    await p.page.keyboard.press("Enter");
    await p.page.getByRole("heading", { level: 1, name: "Fälle" }).waitFor();
    // after a route change the focus is on the new page's heading
    expect(await p.page.evaluate(() => document.activeElement?.id)).to.equal("page-title");
  });

  it("has no axe-core violations on any page (German and English), with a screenshot of each", async () => {
    const pages: { name: string; agency: "BAMF" | "ZAB"; who: "clerk" | "auditor" | null; path: string; ready: string }[] = [
      { name: "login", agency: "BAMF", who: null, path: "/login", ready: "form" },
      { name: "inbox", agency: "ZAB", who: "clerk", path: "/inbox", ready: "[data-testid=inbox-stops]" },
      { name: "cases", agency: "BAMF", who: "clerk", path: "/cases", ready: "[data-testid=case-table]" },
      { name: "timeline", agency: "BAMF", who: "clerk", path: `/cases/${refA}`, ready: "[data-testid=timeline] li" },
      { name: "record-step", agency: "ZAB", who: "clerk", path: `/cases/${refA}/record?step=REPATRIATION_SCHEDULED`, ready: "[data-testid=record-form] input[name=businessDate]" },
      { name: "allocation", agency: "ZAB", who: "clerk", path: "/allocation", ready: "li.due" },
      { name: "dashboard", agency: "BAMF", who: "clerk", path: "/dashboard", ready: "[data-testid=chart-days]" },
      { name: "audit", agency: "BAMF", who: "auditor", path: "/audit", ready: "[data-testid=ledger-status]" },
      { name: "cases-auditor", agency: "ZAB", who: "auditor", path: "/cases", ready: "[data-testid=case-table]" },
    ];
    const failures: string[] = [];
    for (const lang of ["de", "en"] as const) {
      const sessions = new Map<string, Person>();
      for (const pg of pages) {
        const key = `${pg.agency}:${pg.who}`;
        let person = sessions.get(key);
        if (!person) {
          person = await open();
          await person.page.goto(`${sys[pg.agency].url}/login`);
          await person.page.evaluate((l) => localStorage.setItem("anker.lang", l), lang);
          if (pg.who) {
            const [username, password] = DEMO[pg.agency][pg.who];
            await login(person.page, sys[pg.agency], username, password);
          }
          sessions.set(key, person);
        }
        await person.page.goto(`${sys[pg.agency].url}${pg.path}`);
        await person.page.locator(pg.ready).first().waitFor();
        await person.page.waitForTimeout(400); // charts and polling settle
        expect(await person.page.getAttribute("html", "lang")).to.equal(lang);
        const v = await axe(person.page);
        if (v.length) failures.push(`${pg.name} (${lang}):\n${describeViolations(v)}`);
        await screenshot(person.page, `${pg.name}-${lang}`);
      }
      for (const p of sessions.values()) {
        await p.close();
        people.splice(people.indexOf(p), 1);
      }
    }
    expect(failures, failures.join("\n\n")).to.deep.equal([]);
  });
});
