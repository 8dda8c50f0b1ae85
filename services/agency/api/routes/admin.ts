// Administration: people (POST /api/users) and specialist applications (POST /api/clients, whose token
// is shown once and stored only as its sha-256).
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { ClientCreated, CreateClientBody, CreateUserBody, UserCreated } from "../../../shared/contract";
import { hashPassword } from "../../auth/password";
import { newToken, sha256Hex } from "../../auth/tokens";
import { isUniqueViolation } from "../../store/unique-violation";
import { ProblemError } from "../problem";
import { serialized } from "../../store/serialized";

export function adminRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  const conflict = (what: string) => new ProblemError("conflict", `${what} existiert bereits / ${what} already exists`);
  return [
    defineRoute({
      method: "POST",
      url: "/api/users",
      operationId: "createUser",
      tag: "Verwaltung / Administration",
      summary: "Benutzer anlegen / Create a user",
      access: { roles: ["admin"] },
      body: CreateUserBody,
      responses: { 201: { description: "angelegt / created", schema: UserCreated }, 409: { description: "Benutzername vergeben / username taken" } },
      handler: async ({ body, reply }) => {
        try {
          const passwordHash = await hashPassword(body.password);
          const u = await serialized(ctx.db, (tx) =>
            tx.user.create({ data: { username: body.username, displayName: body.displayName, role: body.role, passwordHash } }),
          );
          return reply.code(201).send({ id: u.id, username: u.username, displayName: u.displayName, role: body.role });
        } catch (err) {
          if (isUniqueViolation(err)) throw conflict(`Benutzer ${body.username}`);
          throw err;
        }
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/clients",
      operationId: "createApiClient",
      tag: "Verwaltung / Administration",
      summary: "API-Client anlegen / Create an API client",
      description:
        "Das Token wird nur in dieser Antwort gezeigt; gespeichert wird sein SHA-256. / The token is shown only in this response; its SHA-256 is stored.",
      access: { roles: ["admin"] },
      body: CreateClientBody,
      responses: { 201: { description: "angelegt / created", schema: ClientCreated }, 409: { description: "Name vergeben / name taken" } },
      handler: async ({ body, reply }) => {
        const token = newToken("ank");
        try {
          const c = await serialized(ctx.db, (tx) => tx.apiClient.create({ data: { name: body.name, role: body.role, tokenHash: sha256Hex(token) } }));
          return reply.code(201).send({ id: c.id, name: c.name, role: body.role, token });
        } catch (err) {
          if (isUniqueViolation(err)) throw conflict(`API-Client ${body.name}`);
          throw err;
        }
      },
    }),
  ];
}
