// Administration: people (POST /api/users) and specialist applications (POST /api/clients, whose token
// is shown once and stored only as its sha-256).
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { ClientCreated, CreateClientBody, CreateUserBody, UserCreated } from "../../../shared/contract";
import { createApiClient, createUser } from "../../accounts/new-accounts";

export function adminRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "POST",
      url: "/api/users",
      operationId: "createUser",
      tag: TAG.administration,
      summary: "Benutzer anlegen / Create a user",
      access: ACCESS.admins,
      body: CreateUserBody,
      responses: { 201: { description: "angelegt / created", schema: UserCreated }, 409: { description: "Benutzername vergeben / username taken" } },
      handler: async ({ body, reply }) => reply.code(201).send(await createUser(ctx, body)),
    }),
    defineRoute({
      method: "POST",
      url: "/api/clients",
      operationId: "createApiClient",
      tag: TAG.administration,
      summary: "API-Client anlegen / Create an API client",
      description:
        "Das Token wird nur in dieser Antwort gezeigt; gespeichert wird sein SHA-256. / The token is shown only in this response; its SHA-256 is stored.",
      access: ACCESS.admins,
      body: CreateClientBody,
      responses: { 201: { description: "angelegt / created", schema: ClientCreated }, 409: { description: "Name vergeben / name taken" } },
      handler: async ({ body, reply }) => reply.code(201).send(await createApiClient(ctx, body)),
    }),
  ];
}
