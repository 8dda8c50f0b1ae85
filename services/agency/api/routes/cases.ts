// Cases: register a case with its file number and person (POST /api/cases), find it by file number or
// list the cases with their phase and open stops (GET /api/cases).
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { CaseCreated, CaseList, CreateCaseBody, ListCasesQuery } from "../../../shared/contract";
import { registerCase } from "../../steps/register-case";
import { listCases } from "../../reads/cases";

export function caseRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "POST",
      url: "/api/cases",
      operationId: "createCase",
      tag: TAG.cases,
      summary: "Fall anlegen / Register a case",
      description:
        "Legt den Fall mit Aktenzeichen und Personendaten bei dieser Behörde an (nur hier gespeichert, nie auf der Kette) und liefert die pseudonyme Fallreferenz. Idempotent über das Aktenzeichen: ein bereits angelegter Fall liefert 200 mit derselben Fallreferenz (Personendaten werden dabei nicht geändert). / Registers the case with this agency; idempotent on the file number.",
      access: ACCESS.clerks,
      body: CreateCaseBody,
      responses: {
        201: { description: "angelegt / created", schema: CaseCreated },
        200: { description: "bereits angelegt / already registered", schema: CaseCreated },
      },
      handler: async ({ body, reply }) => {
        const { caseRef, created } = await registerCase(ctx, body.fileNumber, body.person);
        if (!created) return reply.code(200).send({ caseRef });
        return reply.code(201).header("location", `/api/cases/${caseRef}/timeline`).send({ caseRef });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/cases",
      operationId: "listCases",
      tag: TAG.cases,
      summary: "Fälle suchen und auflisten / Find and list cases",
      description:
        "Mit `fileNumber`: exakte Suche (auch Fälle anderer Mitgliedsbehörden, die nur aus dem Ledger bekannt sind). Ohne: alle Fälle aus Ledger und eigener Datenbank, zuletzt aktive zuerst, mit Phase und offenen Stopps. / With `fileNumber`: exact search; without: all cases, most recently active first.",
      access: ACCESS.caseReaders,
      query: ListCasesQuery,
      responses: { 200: { description: "Fälle / cases", schema: CaseList } },
      handler: async ({ query, principal }) => listCases(ctx, principal, query),
    }),
  ];
}
