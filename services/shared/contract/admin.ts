// The admin area: staff accounts and their roles, API clients (tokens shown once), the webhook, and the
// admin trail (who did what when to which id; no personal data). Creating a user or a client keeps its
// schemas in accounts.ts (POST /api/users, POST /api/clients).
import { z } from "zod";
import { ROLES, Role } from "./accounts";
import { decimalInteger, limitQuery, offsetQuery } from "./common";

/** The id of a user or API client in the path: decimal digits only. */
export const AccountIdParams = z.strictObject({ id: decimalInteger(1, 2_147_483_647).describe("ID") });

export const UserSummary = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  signOn: z
    .enum(["identity-provider", "break-glass", "local"])
    .describe("identity-provider: meldet sich über den Identitätsanbieter an; break-glass: lokaler Notfallzugang mit Passwort; local: lokales Konto (Demo) / identity-provider: signs in through the identity provider; break-glass: local emergency account with a password; local: local account (demo)"),
  createdAt: z.string(),
});
export const UserList = z.object({ users: z.array(UserSummary) });

export const ChangeRoleBody = z.strictObject({ role: Role });

export const ClientSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: z.string(),
  tokenSetAt: z.string().nullable().describe("letzte Erneuerung des Tokens / last token rotation"),
  revoked: z.boolean(),
  revokedAt: z.string().nullable(),
});
export const ClientList = z.object({ clients: z.array(ClientSummary) });

export const ClientTokenIssued = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(ROLES),
  token: z.string().describe("nur diesmal sichtbar; gespeichert wird sein SHA-256 / shown this once; its SHA-256 is stored"),
});

export const WEBHOOK_SOURCES = ["admin", "settings", "none"] as const;
export const WebhookInfo = z.object({
  url: z.string().nullable(),
  source: z
    .enum(WEBHOOK_SOURCES)
    .describe("admin: im Verwaltungsbereich gesetzt (gilt vor WEBHOOK_URL); settings: WEBHOOK_URL; none: kein Webhook / admin: set in the admin area (wins over WEBHOOK_URL); settings: WEBHOOK_URL; none: no webhook"),
  secretSet: z.boolean(),
  updatedAt: z.string().nullable().describe("letzte Änderung im Verwaltungsbereich / last change in the admin area"),
});

export const SetWebhookBody = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: "http- oder https-Adresse erwartet / http or https URL expected" })
    .max(2000),
});

export const WebhookSecretIssued = z.object({
  secret: z.string().describe("nur diesmal sichtbar / shown this once"),
  info: WebhookInfo,
});

export const WebhookEndpointSet = z.object({
  info: WebhookInfo,
  secret: z.string().nullable().describe("neu erzeugt, falls noch keins bestand; nur diesmal sichtbar / generated if none existed; shown this once"),
});

export const ADMIN_ACTIONS = [
  "user.create",
  "user.role",
  "user.disable",
  "user.enable",
  "client.create",
  "client.rotate",
  "client.revoke",
  "webhook.endpoint",
  "webhook.secret",
] as const;
export const AdminActionKind = z.enum(ADMIN_ACTIONS);

export const AdminAction = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string().describe("user:<Kennung> oder client:<Name> / user:<username> or client:<name>"),
  action: AdminActionKind,
  targetType: z.enum(["user", "client", "webhook"]),
  targetId: z.number().int().nullable(),
  detail: z.string().nullable().describe("z. B. die neue Rolle; nie Personendaten / e.g. the new role; never personal data"),
});

export const AdminLog = z.object({ actions: z.array(AdminAction), total: z.number().int(), offset: z.number().int(), limit: z.number().int() });
export const AdminLogQuery = z.strictObject({ offset: offsetQuery, limit: limitQuery(50, 500) });

export type UserSummary = z.infer<typeof UserSummary>;
export type UserList = z.infer<typeof UserList>;
export type ClientList = z.infer<typeof ClientList>;
export type AdminLog = z.infer<typeof AdminLog>;
export type ClientSummary = z.infer<typeof ClientSummary>;
export type WebhookInfo = z.infer<typeof WebhookInfo>;
export type AdminAction = z.infer<typeof AdminAction>;
export type AdminActionKind = z.infer<typeof AdminActionKind>;
