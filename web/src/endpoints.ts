// Every endpoint the web app calls, named by the operationId the service gives it in /api/openapi.json,
// with its request and response types taken from the API contract (services/shared/contract). Types only:
// no zod reaches the browser from here. test/services/api-contract.test.ts compares this table with the
// service's OpenAPI document, so a path the service does not declare fails the tests, not the clerk.
import type { z } from "zod";
import type * as C from "../../services/shared/contract";

export const ENDPOINTS = {
  getServiceMeta: { method: "GET", path: "/api/meta" },
  whoAmI: { method: "GET", path: "/api/session" },
  login: { method: "POST", path: "/api/session" },
  logout: { method: "DELETE", path: "/api/session" },
  getAuthMethods: { method: "GET", path: "/api/auth/methods" },
  /** a link the browser follows (redirect to the identity provider), never fetched */
  startOidcSignOn: { method: "GET", path: "/api/auth/oidc/login" },
  listCases: { method: "GET", path: "/api/cases" },
  createCase: { method: "POST", path: "/api/cases" },
  getTimeline: { method: "GET", path: "/api/cases/{caseRef}/timeline" },
  getCaseAlerts: { method: "GET", path: "/api/cases/{caseRef}/alerts" },
  recordStep: { method: "POST", path: "/api/cases/{caseRef}/steps" },
  getStepStatus: { method: "GET", path: "/api/steps/{eventId}" },
  /** text/event-stream, opened by live.ts with EventSource (not with request()) */
  eventStream: { method: "GET", path: "/api/events/stream" },
  listNotifications: { method: "GET", path: "/api/notifications" },
  acknowledgeNotification: { method: "POST", path: "/api/notifications/{id}/ack" },
  acknowledgeNotifications: { method: "POST", path: "/api/notifications/ack" },
  getNotificationCounts: { method: "GET", path: "/api/notifications/counts" },
  listDeadlines: { method: "GET", path: "/api/deadlines" },
  /** CSV downloads: plain links (urlOf), not request() */
  exportCasesCsv: { method: "GET", path: "/api/exports/cases.csv" },
  exportStatsCsv: { method: "GET", path: "/api/exports/stats.csv" },
  listAllocationProposals: { method: "GET", path: "/api/allocation/proposals" },
  listReceivedAllocations: { method: "GET", path: "/api/allocation/received" },
  getStats: { method: "GET", path: "/api/stats" },
  getLedgerStatus: { method: "GET", path: "/api/ledger/status" },
  getAuditReport: { method: "GET", path: "/api/audit/report" },
  auditExport: { method: "GET", path: "/api/audit/export" },
  listUsers: { method: "GET", path: "/api/users" },
  createUser: { method: "POST", path: "/api/users" },
  changeUserRole: { method: "POST", path: "/api/users/{id}/role" },
  disableUser: { method: "POST", path: "/api/users/{id}/disable" },
  enableUser: { method: "POST", path: "/api/users/{id}/enable" },
  listApiClients: { method: "GET", path: "/api/clients" },
  createApiClient: { method: "POST", path: "/api/clients" },
  rotateApiClientToken: { method: "POST", path: "/api/clients/{id}/rotate" },
  revokeApiClient: { method: "POST", path: "/api/clients/{id}/revoke" },
  getWebhook: { method: "GET", path: "/api/admin/webhook" },
  setWebhookEndpoint: { method: "POST", path: "/api/admin/webhook" },
  rotateWebhookSecret: { method: "POST", path: "/api/admin/webhook/secret" },
  listAdminActions: { method: "GET", path: "/api/admin/log" },
  getMembership: { method: "GET", path: "/api/admin/membership" },
  proposeMembership: { method: "POST", path: "/api/admin/membership/proposals" },
  approveProposal: { method: "POST", path: "/api/admin/membership/proposals/{id}/approve" },
} as const satisfies Record<string, { method: "GET" | "POST" | "DELETE"; path: `/api/${string}` }>;

type In<S extends z.ZodType> = z.input<S>;
type Out<S extends z.ZodType> = z.output<S>;

/** Query, body and answer of each endpoint, as the contract declares them. */
export interface Operations {
  getServiceMeta: { response: Out<typeof C.ServiceMeta> };
  whoAmI: { response: Out<typeof C.SessionInfo> };
  login: { body: In<typeof C.LoginBody>; response: Out<typeof C.SessionInfo> };
  logout: { response: undefined };
  getAuthMethods: { response: Out<typeof C.AuthMethods> };
  startOidcSignOn: { query: In<typeof C.OidcLoginQuery>; response: undefined };
  listCases: { query: In<typeof C.ListCasesQuery>; response: Out<typeof C.CaseList> };
  createCase: { body: In<typeof C.CreateCaseBody>; response: Out<typeof C.CaseCreated> };
  getTimeline: { query: In<typeof C.TimelineQuery>; response: Out<typeof C.Timeline> };
  getCaseAlerts: { response: Out<typeof C.CaseAlerts> };
  recordStep: { body: C.RecordStepBody; response: Out<typeof C.StepAccepted> };
  getStepStatus: { response: Out<typeof C.StepStatus> };
  eventStream: { query: In<typeof C.LiveStreamQuery>; response: string };
  listNotifications: { query: In<typeof C.ListNotificationsQuery>; response: Out<typeof C.NotificationList> };
  acknowledgeNotification: { response: Out<typeof C.Notification> };
  acknowledgeNotifications: { body: In<typeof C.AcknowledgeManyBody>; response: Out<typeof C.AcknowledgedMany> };
  getNotificationCounts: { response: Out<typeof C.NotificationCounts> };
  listDeadlines: { query: In<typeof C.DeadlinesQuery>; response: Out<typeof C.DeadlineList> };
  exportCasesCsv: { query: In<typeof C.CasesExportQuery>; response: string };
  exportStatsCsv: { query: In<typeof C.StatsExportQuery>; response: string };
  listAllocationProposals: { query: In<typeof C.AllocationProposalsQuery>; response: Out<typeof C.AllocationProposals> };
  listReceivedAllocations: { query: In<typeof C.ReceivedAllocationsQuery>; response: Out<typeof C.ReceivedAllocations> };
  getStats: { query: In<typeof C.StatsQuery>; response: Out<typeof C.Stats> };
  getLedgerStatus: { query: In<typeof C.LedgerStatusQuery>; response: Out<typeof C.LedgerStatus> };
  getAuditReport: { response: Out<typeof C.AuditReport> };
  auditExport: { query: In<typeof C.AuditExportQuery>; response: Out<typeof C.AuditExport> };
  listUsers: { response: Out<typeof C.UserList> };
  createUser: { body: In<typeof C.CreateUserBody>; response: Out<typeof C.UserCreated> };
  changeUserRole: { body: In<typeof C.ChangeRoleBody>; response: Out<typeof C.UserSummary> };
  disableUser: { response: Out<typeof C.UserSummary> };
  enableUser: { response: Out<typeof C.UserSummary> };
  listApiClients: { response: Out<typeof C.ClientList> };
  createApiClient: { body: In<typeof C.CreateClientBody>; response: Out<typeof C.ClientCreated> };
  rotateApiClientToken: { response: Out<typeof C.ClientTokenIssued> };
  revokeApiClient: { response: Out<typeof C.ClientSummary> };
  getWebhook: { response: Out<typeof C.WebhookInfo> };
  setWebhookEndpoint: { body: In<typeof C.SetWebhookBody>; response: Out<typeof C.WebhookEndpointSet> };
  rotateWebhookSecret: { response: Out<typeof C.WebhookSecretIssued> };
  listAdminActions: { query: In<typeof C.AdminLogQuery>; response: Out<typeof C.AdminLog> };
  getMembership: { response: Out<typeof C.MembershipOverview> };
  proposeMembership: { body: In<typeof C.ProposeMembershipBody>; response: Out<typeof C.GovernanceTxResult> };
  approveProposal: { response: Out<typeof C.GovernanceTxResult> };
}

export type OperationId = keyof typeof ENDPOINTS;

type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | ParamNames<Rest> : never;
type PathParams<K extends OperationId> = { [N in ParamNames<(typeof ENDPOINTS)[K]["path"]>]: string | number };

/** What a call of `K` takes: the path parameters, the query and the body where the endpoint has them. */
export type RequestOf<K extends OperationId> = ([ParamNames<(typeof ENDPOINTS)[K]["path"]>] extends [never] ? object : { params: PathParams<K> }) &
  (Operations[K] extends { query: infer Q } ? { query?: Q } : object) &
  (Operations[K] extends { body: infer B } ? { body: B } : object);

export type ResponseOf<K extends OperationId> = Operations[K]["response"];

/** The URL of a call: path parameters filled in (encoded), the query's given values appended. */
export function urlOf<K extends OperationId>(op: K, req: RequestOf<K>): string {
  const r = req as { params?: Record<string, string | number>; query?: Record<string, unknown> };
  const path = ENDPOINTS[op].path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(r.params?.[name] ?? "")));
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}
