// Staff sign-on through the agency's identity provider in a real browser: the whole system (anvil, both
// services in demo mode) with the development identity provider (services/idp) as the agencies' OIDC
// provider, Debian chromium through playwright-core. A BAMF clerk and an auditor sign in through the
// provider's form and land in the app with the role their roles claim maps to; a person without a mapped
// role is refused with a clear message; after the session is gone, signing in again returns to the page.
import { expect } from "chai";
import { startSystem, type System } from "../support/system";
import { freePort } from "../support/chain";
import { startDevIdp, devIdpClient, devIdpServiceEnv, devIdpUsers, type DevIdp } from "../../services/idp/dev-idp";
import { axe, createCase, describeViolations, loginViaIdp, openBrowser, screenshot, type Person } from "./support/browser";

describe("sign-on through the identity provider (browser, whole system)", function () {
  this.timeout(300_000);
  let sys: System;
  let idp: DevIdp;
  let caseRef: string;
  const people: Person[] = [];
  const open = async (locale?: string) => {
    const p = await openBrowser({ locale });
    people.push(p);
    return p;
  };

  before(async () => {
    const idpPort = await freePort();
    const issuer = `http://127.0.0.1:${idpPort}`;
    // the services discover the provider at the first sign-on, so it may start after them (it needs their addresses)
    sys = await startSystem({ buildWeb: true, agencyEnv: (agency, url) => devIdpServiceEnv(agency, issuer, url) });
    idp = await startDevIdp({ port: idpPort, issuer, clients: [devIdpClient("BAMF", sys.BAMF.url), devIdpClient("ZAB", sys.ZAB.url)], users: devIdpUsers() });
    caseRef = await createCase(sys.BAMF, "1000015-423");
  });
  after(async () => {
    for (const p of people) await p.close().catch(() => undefined);
    await idp?.close();
    await sys?.stop();
  });

  it("signs a BAMF clerk in through the identity provider's form onto the inbox, as clerk", async () => {
    const { page, problems } = await open();
    await page.goto(`${sys.BAMF.url}/login`);
    const signOn = page.getByRole("link", { name: "Mit dem Konto Ihrer Behörde anmelden" });
    await signOn.waitFor();
    await screenshot(page, "oidc-01-login-page");
    await signOn.click();
    // the identity provider's own form: German, labelled, no violations
    await page.getByLabel("Benutzername").waitFor();
    expect(page.url().startsWith(idp.issuer)).to.equal(true);
    expect(await page.locator("html").getAttribute("lang")).to.equal("de");
    await screenshot(page, "oidc-02-idp-form");
    const violations = await axe(page);
    expect(violations, describeViolations(violations)).to.deep.equal([]);
    // a wrong password stays at the provider, with the error announced
    await page.getByLabel("Benutzername").fill("bamf.sachbearbeitung");
    await page.getByLabel("Passwort").fill("falsches-passwort");
    await page.getByRole("button", { name: "Anmelden" }).click();
    expect(await page.getByRole("alert").textContent()).to.equal("Benutzername oder Passwort falsch.");
    await screenshot(page, "oidc-03-idp-wrong-password");

    // the username stays filled in; now the right password
    expect(await page.getByLabel("Benutzername").inputValue()).to.equal("bamf.sachbearbeitung");
    await page.getByLabel("Passwort").fill("bamf-demo-clerk");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.waitForURL(`${sys.BAMF.url}/inbox`);
    await page.getByTestId("who").waitFor();
    expect(await page.getByTestId("who").textContent()).to.contain("Sachbearbeitung");
    const me = await page.evaluate(() => fetch("/api/session").then((r) => r.json()));
    expect(me).to.include({ kind: "user", role: "clerk", username: "bamf.sachbearbeitung", agency: "BAMF" });
    await screenshot(page, "oidc-04-inbox-after-sign-on");
    expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("maps an auditor's roles claim to auditor (English)", async () => {
    const { page, problems } = await open("en-GB");
    await loginViaIdp(page, sys.BAMF, "bamf.pruefung", "bamf-demo-audit");
    expect(await page.getByTestId("who").textContent()).to.match(/Audit|Prüfung/);
    const me = await page.evaluate(() => fetch("/api/session").then((r) => r.json()));
    expect(me).to.include({ role: "auditor", username: "bamf.pruefung" });
    expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("refuses a person whose roles claim maps to no role here, with a clear message", async () => {
    const { page } = await open();
    await loginViaIdp(page, sys.BAMF, "bamf.ohnerolle", "bamf-demo-norole");
    expect(new URL(page.url()).pathname).to.equal("/login");
    const message = page.getByText("Ihr Konto hat keine Rolle in dieser Anwendung. Bitte wenden Sie sich an die Administration Ihrer Behörde.");
    await message.waitFor();
    expect(await page.getByTestId("who").count()).to.equal(0);
    expect((await page.evaluate(() => fetch("/api/session").then((r) => r.status)))).to.equal(401);
    await screenshot(page, "oidc-05-refused-no-role");
    const violations = await axe(page);
    expect(violations, describeViolations(violations)).to.deep.equal([]);
  });

  it("returns to the page the clerk was on when signing in again after the session is gone", async () => {
    const { page, context } = await open();
    await loginViaIdp(page, sys.BAMF, "bamf.sachbearbeitung", "bamf-demo-clerk");
    await page.goto(`${sys.BAMF.url}/cases/${caseRef}`);
    await page.getByTestId("who").waitFor();
    // the session ends (as after SESSION_HOURS); the identity provider's own session stays
    await context.clearCookies({ name: "anker_session_bamf" });
    await page.getByRole("link", { name: "Fälle", exact: true }).first().click();
    await page.getByText("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.").waitFor();
    expect(new URL(page.url()).searchParams.get("returnTo")).to.equal("/cases");
    await screenshot(page, "oidc-06-session-expired");
    // signing in again passes the provider without its form (its session is alive) and returns to /cases
    await page.getByRole("link", { name: "Mit dem Konto Ihrer Behörde anmelden" }).click();
    await page.waitForURL(`${sys.BAMF.url}/cases`);
    await page.getByTestId("who").waitFor();

    // a link opened without a session comes back to that very page after signing in
    await context.clearCookies({ name: "anker_session_bamf" });
    await page.goto(`${sys.BAMF.url}/cases/${caseRef}`);
    await page.waitForURL((u) => u.pathname === "/login");
    expect(new URL(page.url()).searchParams.get("returnTo")).to.equal(`/cases/${caseRef}`);
    await page.getByRole("link", { name: "Mit dem Konto Ihrer Behörde anmelden" }).click();
    await page.waitForURL(`${sys.BAMF.url}/cases/${caseRef}`);
    await page.getByTestId("who").waitFor();
    await screenshot(page, "oidc-07-back-on-the-case");
  });
});
