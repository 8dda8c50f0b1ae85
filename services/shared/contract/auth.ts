// How people sign in: which ways this service offers (password, the agency's identity provider), and the
// two addresses of OpenID Connect sign-on the browser is sent through.
import { z } from "zod";

/** A path on this service to return to after signing in: same origin only (no scheme, host or "//"). */
export const RETURN_TO_PATTERN = /^\/([^/\\\s][^\s\\]*)?$/;
export const ReturnTo = z
  .string()
  .max(2000)
  .regex(RETURN_TO_PATTERN, { error: "returnTo: ein Pfad dieses Dienstes, beginnend mit / / returnTo: a path of this service, starting with /" });

export const AuthMethods = z.object({
  password: z.enum(["all", "break-glass"]).describe("all: every account logs in with its password; break-glass: only break-glass accounts (sign-on through the identity provider is on)"),
  oidc: z.boolean().describe("sign-on through the agency's identity provider is configured"),
  oidcLoginPath: z.string().optional().describe("where the browser starts the sign-on (add ?returnTo=/path)"),
});

export const OidcLoginQuery = z.strictObject({ returnTo: ReturnTo.optional() });

/**
 * What the identity provider sends back (RFC 6749 §4.1.2): code and state, or error; other parameters
 * (iss, session_state, …) are passed on to the checks as they are.
 */
export const OidcCallbackQuery = z.looseObject({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2000).optional(),
  iss: z.string().max(2000).optional(),
});

/** Why a sign-on was refused; the login page (/login?signOnError=…) explains each in words. */
export const SIGN_ON_ERRORS = ["no-role", "several-roles", "account-conflict", "disabled", "failed", "expired", "unavailable"] as const;
export type SignOnError = (typeof SIGN_ON_ERRORS)[number];

export type AuthMethods = z.infer<typeof AuthMethods>;
