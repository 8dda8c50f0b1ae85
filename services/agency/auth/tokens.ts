// Random tokens (API tokens, session tokens, CSRF tokens) and their stored form (sha-256, hex).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new random token: 32 bytes, base64url, with a prefix that says what it is. */
export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Constant-time comparison of two strings (false when the lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
