// Webhook signatures: HMAC-SHA-256 over the raw request body with the shared WEBHOOK_SECRET, sent as
// `X-Anker-Signature: sha256=<hex>`. The body carries the same timestamp as the X-Anker-Timestamp header,
// so the timestamp is covered by the signature and a receiver can refuse stale replays.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-anker-signature";
export const TIMESTAMP_HEADER = "x-anker-timestamp";

export function signBody(secret: string, rawBody: string): string {
  return "sha256=" + createHmac("sha256", secret).update(rawBody, "utf8").digest("hex");
}

/** For receivers (and the tests): constant-time check of the header against the raw body. */
export function verifySignature(secret: string, rawBody: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, rawBody));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
