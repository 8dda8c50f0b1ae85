// The webhook in the admin area. Before it, the webhook was only a setting (WEBHOOK_URL, WEBHOOK_SECRET);
// now the admin area stores an override in the database (table WebhookSetting, row 1) that wins over the
// settings, field by field. The delivery reads the current endpoint for every batch, so a new URL or a
// rotated secret applies to the next delivery. The secret signs (HMAC), so it is kept as such, not hashed;
// the API shows it once, when it is made, and never again.
import type { WebhookEndpointSet, WebhookInfo, WebhookSecretIssued } from "../../shared/contract";
import type { z } from "zod";
import type { ServiceContext } from "../context";
import type { Db } from "../store/db";
import type { Principal } from "../auth/roles";
import { newToken } from "../auth/tokens";
import { serialized } from "../store/serialized";
import { recordAdminAction } from "./admin-trail";

const ROW = 1;

export interface WebhookEndpoint {
  url: string;
  secret: string;
}

/** The endpoint deliveries go to now: the admin area's values where set, else the settings'. */
export async function currentWebhook(db: Db, settings: WebhookEndpoint | undefined): Promise<WebhookEndpoint | undefined> {
  const row = await db.webhookSetting.findUnique({ where: { id: ROW } });
  const url = row?.url ?? settings?.url;
  const secret = row?.secret ?? settings?.secret;
  return url && secret ? { url, secret } : undefined;
}

export async function webhookInfo(ctx: ServiceContext): Promise<WebhookInfo> {
  const row = await ctx.db.webhookSetting.findUnique({ where: { id: ROW } });
  const settings = ctx.config.webhook;
  const url = row?.url ?? settings?.url ?? null;
  return {
    url,
    source: row?.url ? "admin" : settings?.url ? "settings" : "none",
    secretSet: Boolean(row?.secret ?? settings?.secret),
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

const newSecret = () => newToken("whsec");

/** Set the URL; when no secret exists yet (neither here nor in the settings), one is made and shown once. */
export async function setWebhookEndpoint(ctx: ServiceContext, by: Principal, url: string): Promise<z.infer<typeof WebhookEndpointSet>> {
  const secret = await serialized(ctx.db, async (tx) => {
    const row = await tx.webhookSetting.findUnique({ where: { id: ROW } });
    const made = row?.secret || ctx.config.webhook?.secret ? null : newSecret();
    await tx.webhookSetting.upsert({
      where: { id: ROW },
      create: { id: ROW, url, secret: made },
      update: { url, ...(made ? { secret: made } : {}) },
    });
    await recordAdminAction(tx, by, { action: "webhook.endpoint", targetType: "webhook", targetId: null, ...(made ? { detail: "secret-created" } : {}) });
    return made;
  });
  return { info: await webhookInfo(ctx), secret };
}

export async function rotateWebhookSecret(ctx: ServiceContext, by: Principal): Promise<z.infer<typeof WebhookSecretIssued>> {
  const secret = newSecret();
  await serialized(ctx.db, async (tx) => {
    await tx.webhookSetting.upsert({ where: { id: ROW }, create: { id: ROW, secret }, update: { secret } });
    await recordAdminAction(tx, by, { action: "webhook.secret", targetType: "webhook", targetId: null });
  });
  return { secret, info: await webhookInfo(ctx) };
}
