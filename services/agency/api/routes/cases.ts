// Cases: register a case with its file number and person (POST /api/cases), find it by file number or
// list the cases with their phase and open stops (GET /api/cases).
import { Prisma } from "../../generated/prisma/client";
import { caseRefOf } from "../../../shared/pseudonym";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { CaseCreated, CaseList, CreateCaseBody, ListCasesQuery, type CaseSummary } from "../../../shared/contract";
import { isPlaceholder } from "../../store/partner-case";
import { currentPhase, foldStops, LEDGER_ORDER } from "../../reads/ledger-events";
import { stopReasonLabels } from "../../../shared/vocab";
import { logAccess } from "../access-log";
import { seesPersonalData } from "../../auth/roles";
import { ProblemError } from "../problem";
import { serialized, type Tx } from "../../store/serialized";
import { registerCase } from "../../steps/register-case";

async function summaries(db: Tx, refs: string[], withFileNumber: boolean): Promise<CaseSummary[]> {
  const [events, cases] = await Promise.all([
    db.ledgerEvent.findMany({ where: { caseRef: { in: refs }, name: { in: ["StepRecorded", "StopChanged", "StopIgnored"] } }, orderBy: LEDGER_ORDER }),
    db.case.findMany({ where: { caseRef: { in: refs } }, select: { caseRef: true, fileNumber: true } }),
  ]);
  const byRef = new Map<string, typeof events>();
  for (const e of events) byRef.set(e.caseRef!, [...(byRef.get(e.caseRef!) ?? []), e]);
  const caseByRef = new Map(cases.map((c) => [c.caseRef, c]));
  return refs.map((ref) => {
    const ev = byRef.get(ref) ?? [];
    const c = caseByRef.get(ref);
    const held = !!c && !isPlaceholder(c.fileNumber);
    const phase = currentPhase(ev);
    const bits = foldStops(ev);
    return {
      caseRef: ref,
      held,
      ...(held && withFileNumber ? { fileNumber: c!.fileNumber } : {}),
      phase: phase.phase,
      lastStep: phase.lastStep,
      lastActivity: phase.lastBlockTime === null ? null : new Date(phase.lastBlockTime * 1000).toISOString(),
      openStops: { bits, reasons: stopReasonLabels(bits) },
    };
  });
}

export function caseRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "POST",
      url: "/api/cases",
      operationId: "createCase",
      tag: "Fälle / Cases",
      summary: "Fall anlegen / Register a case",
      description:
        "Legt den Fall mit Aktenzeichen und Personendaten bei dieser Behörde an (nur hier gespeichert, nie auf der Kette) und liefert die pseudonyme Fallreferenz. Idempotent über das Aktenzeichen: ein bereits angelegter Fall liefert 200 mit derselben Fallreferenz (Personendaten werden dabei nicht geändert). / Registers the case with this agency; idempotent on the file number.",
      access: { roles: ["clerk"] },
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
      tag: "Fälle / Cases",
      summary: "Fälle suchen und auflisten / Find and list cases",
      description:
        "Mit `fileNumber`: exakte Suche (auch Fälle der Partnerbehörde, die nur aus dem Ledger bekannt sind). Ohne: alle Fälle aus Ledger und eigener Datenbank, zuletzt aktive zuerst, mit Phase und offenen Stopps. / With `fileNumber`: exact search; without: all cases, most recently active first.",
      access: { roles: ["clerk", "auditor"] },
      query: ListCasesQuery,
      responses: { 200: { description: "Fälle / cases", schema: CaseList } },
      handler: async ({ query, principal }) => {
        const withFileNumber = seesPersonalData(principal);
        if (query.fileNumber !== undefined) {
          if (!withFileNumber)
            throw new ProblemError("forbidden", "Suche nach Aktenzeichen nur für die Sachbearbeitung / Search by file number for clerks only");
          const caseRef = caseRefOf(query.fileNumber, ctx.config.consortiumKey);
          return serialized(ctx.db, async (tx) => {
            const held = await tx.case.findUnique({ where: { fileNumber: query.fileNumber }, select: { caseRef: true } });
            const known = held ?? (await tx.ledgerEvent.findFirst({ where: { caseRef }, select: { caseRef: true } }));
            const refs = known?.caseRef ? [known.caseRef] : [];
            await logAccess(tx, principal, refs, "search");
            return { total: refs.length, cases: await summaries(tx, refs, withFileNumber) };
          });
        }
        return serialized(ctx.db, async (tx) => {
          const rows = await tx.$queryRaw<{ ref: string }[]>(Prisma.sql`
          SELECT ref, MAX(k) AS k FROM (
            SELECT "caseRef" AS ref, "id" AS k FROM "LedgerEvent" WHERE "caseRef" IS NOT NULL
            UNION ALL
            SELECT "caseRef" AS ref, 0 AS k FROM "Case"
          ) refs GROUP BY ref ORDER BY k DESC, ref ASC LIMIT ${query.limit} OFFSET ${query.offset}`);
          const count = await tx.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`
          SELECT COUNT(*) AS n FROM (
            SELECT "caseRef" AS ref FROM "LedgerEvent" WHERE "caseRef" IS NOT NULL
            UNION
            SELECT "caseRef" AS ref FROM "Case"
          ) refs`);
          const refs = rows.map((r) => r.ref);
          await logAccess(tx, principal, refs, "list");
          return { total: Number(count[0]?.n ?? 0), cases: await summaries(tx, refs, withFileNumber) };
        });
      },
    }),
  ];
}
