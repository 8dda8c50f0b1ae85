// The API contract holds on both sides: every endpoint the web app calls (web/src/endpoints.ts) is in the
// service's OpenAPI document under the same operationId, method and path, and what the service answers
// on those endpoints is exactly what the contract's schemas describe (no field missing, none extra).
import { expect } from "chai";
import type { z } from "zod";
import { startTestChain, type TestChain } from "../support/chain";
import { startApi, chainPortFor, type ApiHarness } from "../support/api-harness";
import { LedgerMirror } from "../support/ledger-mirror";
import { ENDPOINTS, type OperationId } from "../../web/src/endpoints";
import * as C from "../../services/shared/contract";
import type { recordStepBody } from "../../services/agency/steps/step-input";

// The web's request type for recording a step accepts every body the service's schema accepts, and the reverse.
type ServiceStepBody = z.input<ReturnType<typeof recordStepBody>>;
const stepBodyFits: [ServiceStepBody] extends [C.RecordStepBody] ? ([C.RecordStepBody] extends [ServiceStepBody] ? true : never) : never = true;

/** Parsing with the schema keeps every field and changes none: the answer is exactly the contract's shape. */
function expectExactly(schema: z.ZodType, json: unknown, what: string): void {
  const parsed = schema.safeParse(json);
  expect(parsed.success, `${what}: ${parsed.success ? "" : JSON.stringify(parsed.error.issues.slice(0, 3))}`).to.equal(true);
  expect(parsed.data, `${what}: fields the schema does not declare`).to.deep.equal(json);
}

describe("API contract: the web app's endpoints and the OpenAPI document", function () {
  let chain: TestChain;
  let bamf: ApiHarness;
  let caseRef: string;
  const clerk = () => ({ token: bamf.tokens.clerk });
  const auditor = () => ({ token: bamf.tokens.auditor });

  before(async () => {
    expect(stepBodyFits).to.equal(true);
    chain = await startTestChain();
    bamf = await startApi({ agency: "BAMF", chain: chainPortFor(chain, "BAMF") });
    caseRef = (await bamf.call("POST", "/api/cases", { ...clerk(), body: { fileNumber: "6543219-423", person: { familyName: "Haddad (fiktiv)", givenNames: "Leila", dateOfBirth: "1988-03-14", nationality: "SYR" } } })).json.caseRef;
    const mirror = new LedgerMirror(bamf.db);
    await mirror.record({ caseRef, agency: "ZAB", seq: 41, step: "REGISTERED" });
    await mirror.record({ caseRef, agency: "BAMF", seq: 900, step: "HEARING_HELD", notices: [{ name: "OutOfOrder", args: { step: 4, missing: 1 << 2 } }] });
  });
  after(async () => {
    await bamf?.close();
    await chain?.dispose();
  });

  it("lists every endpoint the web app calls, with the same operationId", async () => {
    const doc = (await bamf.call("GET", "/api/openapi.json")).json as { paths: Record<string, Record<string, { operationId: string }>> };
    const missing: string[] = [];
    for (const [op, e] of Object.entries(ENDPOINTS) as [OperationId, (typeof ENDPOINTS)[OperationId]][]) {
      const declared = doc.paths[e.path]?.[e.method.toLowerCase()];
      if (!declared) missing.push(`${e.method} ${e.path}`);
      else expect(declared.operationId, `${e.method} ${e.path}`).to.equal(op);
    }
    expect(missing, "endpoints the web app calls but the OpenAPI document lacks").to.deep.equal([]);
  });

  it("declares the web app's routes with their response schemas", async () => {
    const doc = (await bamf.call("GET", "/api/openapi.json")).json;
    for (const path of ["/api/meta", "/api/stats", "/api/ledger/status", "/api/audit/report"]) {
      expect(doc.paths[path].get.responses["200"].content["application/json"].schema, path).to.be.an("object");
    }
    expect(doc.paths["/api/ledger/status"].get.responses["200"].content["application/json"].schema.properties.ruleHistory.items.properties.kind.enum).to.not.include("allocation-due");
  });

  it("answers exactly in the contract's shapes", async () => {
    expectExactly(C.ServiceMeta, (await bamf.call("GET", "/api/meta")).json, "meta");
    const s = await bamf.login("clerk");
    expectExactly(C.SessionInfo, (await bamf.call("GET", "/api/session", { cookie: s.cookie })).json, "session");
    expectExactly(C.CaseList, (await bamf.call("GET", "/api/cases", clerk())).json, "cases");
    expectExactly(C.CaseList, (await bamf.call("GET", "/api/cases", auditor())).json, "cases (auditor)");
    const recorded = await bamf.call("POST", `/api/cases/${caseRef}/steps`, { ...clerk(), body: { step: "DECISION_ISSUED", detail: "REFUGEE_PROTECTION", data: { ref: "B-1" } } });
    expect(recorded.status).to.equal(202);
    expectExactly(C.StepAccepted, recorded.json, "step accepted");
    expectExactly(C.StepStatus, (await bamf.call("GET", `/api/steps/${recorded.json.eventId}`, clerk())).json, "step status");
    const timeline = (await bamf.call("GET", `/api/cases/${caseRef}/timeline`, clerk())).json;
    expect(timeline.steps).to.have.length(2);
    expect(timeline.pending).to.have.length(1);
    expectExactly(C.Timeline, timeline, "timeline");
    expectExactly(C.Timeline, (await bamf.call("GET", `/api/cases/${caseRef}/timeline`, auditor())).json, "timeline (auditor)");
    const alerts = (await bamf.call("GET", `/api/cases/${caseRef}/alerts`, clerk())).json;
    expect(alerts.alerts).to.have.length(1);
    expectExactly(C.CaseAlerts, alerts, "alerts");
    expectExactly(C.NotificationList, (await bamf.call("GET", "/api/notifications", clerk())).json, "notifications");
    expectExactly(C.Stats, (await bamf.call("GET", "/api/stats", clerk())).json, "stats");
    const status = (await bamf.call("GET", "/api/ledger/status", auditor())).json;
    expect(status.ruleHistory).to.have.length(1);
    expectExactly(C.LedgerStatus, status, "ledger status");
    expectExactly(C.AuditExport, (await bamf.call("GET", "/api/audit/export", auditor())).json, "audit export");
  });

  it("answers the ways to sign in exactly in the contract's shape", async () => {
    expectExactly(C.AuthMethods, (await bamf.call("GET", "/api/auth/methods")).json, "auth methods");
  });

  it("answers the admin area exactly in the contract's shapes", async () => {
    const admin = { token: bamf.tokens.admin };
    const created = await bamf.call("POST", "/api/clients", { ...admin, body: { name: "contract-app", role: "auditor" } });
    expect(created.status).to.equal(201);
    expectExactly(C.ClientCreated, created.json, "client created");
    expectExactly(C.ClientTokenIssued, (await bamf.call("POST", `/api/clients/${created.json.id}/rotate`, admin)).json, "client rotated");
    expectExactly(C.ClientSummary, (await bamf.call("POST", `/api/clients/${created.json.id}/revoke`, admin)).json, "client revoked");
    expectExactly(C.ClientList, (await bamf.call("GET", "/api/clients", admin)).json, "clients");
    const user = await bamf.call("POST", "/api/users", { ...admin, body: { username: "contract.user", displayName: "Vertrag", password: "ein-langes-passwort", role: "clerk" } });
    expectExactly(C.UserCreated, user.json, "user created");
    expectExactly(C.UserSummary, (await bamf.call("POST", `/api/users/${user.json.id}/role`, { ...admin, body: { role: "auditor" } })).json, "role changed");
    expectExactly(C.UserSummary, (await bamf.call("POST", `/api/users/${user.json.id}/disable`, admin)).json, "user disabled");
    expectExactly(C.UserSummary, (await bamf.call("POST", `/api/users/${user.json.id}/enable`, admin)).json, "user enabled");
    expectExactly(C.UserList, (await bamf.call("GET", "/api/users", admin)).json, "users");
    expectExactly(C.WebhookInfo, (await bamf.call("GET", "/api/admin/webhook", admin)).json, "webhook");
    expectExactly(C.WebhookEndpointSet, (await bamf.call("POST", "/api/admin/webhook", { ...admin, body: { url: "https://fach.example/hook" } })).json, "webhook set");
    expectExactly(C.WebhookSecretIssued, (await bamf.call("POST", "/api/admin/webhook/secret", admin)).json, "webhook secret");
    const log = (await bamf.call("GET", "/api/admin/log?limit=5", admin)).json;
    expect(log.actions).to.have.length(5);
    expectExactly(C.AdminLog, log, "admin log");
  });
});
