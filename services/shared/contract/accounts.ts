// Sessions, users and API clients: the roles, the rules for names and passwords, login and who-am-I.
// The service's auth modules take the same constants from here, so that the API and the checks agree.
import { z } from "zod";

/** clerk: read and record; auditor: read without personal data, audit export; admin: users, API clients, audit export. */
export const ROLES = ["clerk", "auditor", "admin"] as const;
export const Role = z.enum(ROLES, { error: `Rolle: ${ROLES.join(", ")} / Role: ${ROLES.join(", ")}` });
export type Role = z.infer<typeof Role>;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const CLIENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

export const LoginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export const SessionInfo = z.object({
  kind: z.enum(["user", "client"]),
  agency: z.string(),
  role: z.enum(ROLES),
  username: z.string().optional(),
  displayName: z.string().optional(),
  clientName: z.string().optional(),
  csrfToken: z.string().optional().describe("nur bei Sitzungen: für den Header X-CSRF-Token / sessions only: for the X-CSRF-Token header"),
  expiresAt: z.string().optional(),
});

export const CreateUserBody = z.strictObject({
  username: z.string().regex(USERNAME_PATTERN, {
    error: "Benutzername: 3–64 Zeichen a-z, 0-9, Punkt, Bindestrich, Unterstrich / Username: 3–64 characters a-z, 0-9, dot, hyphen, underscore",
  }),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
  role: Role,
});

export const UserCreated = z.object({ id: z.number().int(), username: z.string(), displayName: z.string(), role: z.enum(ROLES) });

export const CreateClientBody = z.strictObject({
  name: z.string().regex(CLIENT_NAME_PATTERN, {
    error: "Name: 3–64 Zeichen A-Z, a-z, 0-9, Punkt, Bindestrich, Unterstrich / Name: 3–64 characters A-Z, a-z, 0-9, dot, hyphen, underscore",
  }),
  role: Role,
});

export const ClientCreated = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(ROLES),
  token: z.string().describe("nur diesmal sichtbar / shown this once"),
});

export type LoginBody = z.input<typeof LoginBody>;
export type SessionInfo = z.infer<typeof SessionInfo>;
