// The admin area (administrators only): staff accounts and roles (POST /api/users creates a local account,
// for demo and break-glass use), API clients (a token is shown once, at creation or rotation, and stored
// only as its sha-256), the webhook (the admin area's setting wins over WEBHOOK_URL / WEBHOOK_SECRET) and
// the admin trail. Every change is written to the trail in the same transaction (services/agency/admin/).
import { defineRoute, type AnyRouteSpec, type ResponseSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import {
  AccountIdParams,
  AdminLog,
  AdminLogQuery,
  ChangeRoleBody,
  ClientCreated,
  ClientList,
  ClientSummary,
  ClientTokenIssued,
  CreateClientBody,
  CreateUserBody,
  SetWebhookBody,
  UserCreated,
  UserList,
  UserSummary,
  WebhookEndpointSet,
  WebhookInfo,
  WebhookSecretIssued,
} from "../../../shared/contract";
import { changeRole, createLocalUser, listUsers, setDisabled } from "../../admin/users";
import { createClient, listClients, revokeClient, rotateClientToken } from "../../admin/api-clients";
import { rotateWebhookSecret, setWebhookEndpoint, webhookInfo } from "../../admin/webhook-setting";
import { listAdminActions } from "../../admin/admin-trail";

const UNKNOWN_USER: ResponseSpec = { description: "Benutzer unbekannt / unknown user" };
const UNKNOWN_CLIENT: ResponseSpec = { description: "API-Client unbekannt / unknown API client" };
const OWN_OR_LAST_ADMIN: ResponseSpec = {
  description: "eigenes Konto oder letztes aktives Administrationskonto / own account or the last enabled admin account",
};
const OWN_OR_REVOKED: ResponseSpec = { description: "eigenes Token oder bereits widerrufen / own token or already revoked" };
const SHOWN_ONCE =
  "Das Token steht nur in dieser Antwort; gespeichert wird sein SHA-256. / The token is only in this response; its SHA-256 is stored.";

export function adminRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  const admin = { tag: TAG.administration, access: ACCESS.admins };
  return [
    defineRoute({
      ...admin,
      method: "GET",
      url: "/api/users",
      operationId: "listUsers",
      summary: "Benutzer und Rollen / Users and their roles",
      responses: { 200: { description: "Benutzer / users", schema: UserList } },
      handler: async () => listUsers(ctx),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/users",
      operationId: "createUser",
      summary: "Lokales Konto anlegen (Demo, Notfallzugang) / Create a local account (demo, break-glass)",
      description:
        "Beschäftigte melden sich über den Identitätsanbieter der Behörde an; lokale Konten mit Passwort sind für den Demo-Modus und Notfallzugänge. / Staff sign in through the agency's identity provider; local accounts with a password are for demo mode and break-glass access.",
      body: CreateUserBody,
      responses: { 201: { description: "angelegt / created", schema: UserCreated }, 409: { description: "Benutzername vergeben / username taken" } },
      handler: async ({ body, principal, reply }) => reply.code(201).send(await createLocalUser(ctx, principal, body)),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/users/:id/role",
      operationId: "changeUserRole",
      summary: "Rolle ändern / Change a user's role",
      description:
        "Beendet die Sitzungen der Person. Bei Konten des Identitätsanbieters setzt dieser die Rolle bei der nächsten Anmeldung neu. / Ends the person's sessions. For identity-provider accounts, the provider sets the role again at the next sign-in.",
      params: AccountIdParams,
      body: ChangeRoleBody,
      responses: { 200: { description: "geändert / changed", schema: UserSummary }, 404: UNKNOWN_USER, 409: OWN_OR_LAST_ADMIN },
      handler: async ({ params, body, principal }) => changeRole(ctx, principal, params.id, body.role),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/users/:id/disable",
      operationId: "disableUser",
      summary: "Konto sperren / Disable an account",
      description: "Keine Anmeldung mehr; offene Sitzungen enden sofort. / No more logins; open sessions end at once.",
      params: AccountIdParams,
      responses: { 200: { description: "gesperrt / disabled", schema: UserSummary }, 404: UNKNOWN_USER, 409: OWN_OR_LAST_ADMIN },
      handler: async ({ params, principal }) => setDisabled(ctx, principal, params.id, true),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/users/:id/enable",
      operationId: "enableUser",
      summary: "Konto entsperren / Enable an account",
      params: AccountIdParams,
      responses: { 200: { description: "entsperrt / enabled", schema: UserSummary }, 404: UNKNOWN_USER, 409: OWN_OR_LAST_ADMIN },
      handler: async ({ params, principal }) => setDisabled(ctx, principal, params.id, false),
    }),
    defineRoute({
      ...admin,
      method: "GET",
      url: "/api/clients",
      operationId: "listApiClients",
      summary: "API-Clients / API clients",
      description: "Ohne Tokens: gespeichert ist nur ihr SHA-256. / Without tokens: only their SHA-256 is stored.",
      responses: { 200: { description: "API-Clients / API clients", schema: ClientList } },
      handler: async () => listClients(ctx),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/clients",
      operationId: "createApiClient",
      summary: "API-Client anlegen / Create an API client",
      description: SHOWN_ONCE,
      body: CreateClientBody,
      responses: { 201: { description: "angelegt / created", schema: ClientCreated }, 409: { description: "Name vergeben / name taken" } },
      handler: async ({ body, principal, reply }) => reply.code(201).send(await createClient(ctx, principal, body)),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/clients/:id/rotate",
      operationId: "rotateApiClientToken",
      summary: "Token erneuern / Rotate a client's token",
      description: `Das alte Token wird ab sofort abgelehnt. ${SHOWN_ONCE.split(" / ")[0]} / The old token is refused from now on. ${SHOWN_ONCE.split(" / ")[1]}`,
      params: AccountIdParams,
      responses: { 200: { description: "neues Token / new token", schema: ClientTokenIssued }, 404: UNKNOWN_CLIENT, 409: OWN_OR_REVOKED },
      handler: async ({ params, principal }) => rotateClientToken(ctx, principal, params.id),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/clients/:id/revoke",
      operationId: "revokeApiClient",
      summary: "API-Client widerrufen / Revoke an API client",
      description: "Sein Token wird ab sofort abgelehnt; der Eintrag bleibt für das Protokoll. / Its token is refused from now on; the entry stays for the log.",
      params: AccountIdParams,
      responses: { 200: { description: "widerrufen / revoked", schema: ClientSummary }, 404: UNKNOWN_CLIENT, 409: OWN_OR_REVOKED },
      handler: async ({ params, principal }) => revokeClient(ctx, principal, params.id),
    }),
    defineRoute({
      ...admin,
      method: "GET",
      url: "/api/admin/webhook",
      operationId: "getWebhook",
      summary: "Webhook der Fachanwendung / The specialist application's webhook",
      description: "Das Geheimnis wird nie gezeigt, nur ob eins besteht. / The secret is never shown, only whether one exists.",
      responses: { 200: { description: "Webhook", schema: WebhookInfo } },
      handler: async () => webhookInfo(ctx),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/admin/webhook",
      operationId: "setWebhookEndpoint",
      summary: "Webhook-Adresse setzen / Set the webhook URL",
      description:
        "Gilt vor WEBHOOK_URL ab der nächsten Zustellung; lief beim Start kein Webhook, ab dem nächsten Start. Fehlt ein Geheimnis, wird eins erzeugt und nur diesmal gezeigt. / Wins over WEBHOOK_URL from the next delivery; if no webhook ran at start, from the next start. Without a secret, one is made and shown this once.",
      body: SetWebhookBody,
      responses: { 200: { description: "gesetzt / set", schema: WebhookEndpointSet } },
      handler: async ({ body, principal }) => setWebhookEndpoint(ctx, principal, body.url),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/admin/webhook/secret",
      operationId: "rotateWebhookSecret",
      summary: "Webhook-Geheimnis erneuern / Rotate the webhook secret",
      description: "Das neue Geheimnis steht nur in dieser Antwort. / The new secret is only in this response.",
      responses: { 200: { description: "neues Geheimnis / new secret", schema: WebhookSecretIssued } },
      handler: async ({ principal }) => rotateWebhookSecret(ctx, principal),
    }),
    defineRoute({
      ...admin,
      method: "GET",
      url: "/api/admin/log",
      operationId: "listAdminActions",
      summary: "Verwaltungsprotokoll / Admin trail",
      description: "Jede Verwaltungshandlung: wer, was, wann, an welcher ID; ohne Personendaten; neueste zuerst. / Every admin action: who, what, when, on which id; no personal data; newest first.",
      query: AdminLogQuery,
      responses: { 200: { description: "Einträge / entries", schema: AdminLog } },
      handler: async ({ query }) => listAdminActions(ctx, query),
    }),
  ];
}
