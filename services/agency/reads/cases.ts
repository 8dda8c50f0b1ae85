// The case list (GET /api/cases): every case known from the ledger or registered here, most recently active
// first, or the one case behind a file number; each with its phase and open stops. Every read is logged.
import type { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import type { CaseList, CaseSummary, ListCasesQuery } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { caseRefOf } from "../../shared/pseudonym";
import { stopReasonLabels } from "../../shared/vocab";
import { seesPersonalData, type Principal } from "../auth/roles";
import { isPlaceholder } from "../store/partner-case";
import { serialized, type Tx } from "../store/serialized";
import { ProblemError } from "../problems";
import { currentPhase, foldStops, LEDGER_ORDER } from "./ledger-events";
import { logAccess } from "./access-log";

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

/** The case behind a file number (registered here, or a partner's case known from the ledger); clerks only. */
async function findByFileNumber(ctx: ServiceContext, principal: Principal, fileNumber: string): Promise<CaseList> {
  if (!seesPersonalData(principal))
    throw new ProblemError("forbidden", "Suche nach Aktenzeichen nur für die Sachbearbeitung / Search by file number for clerks only");
  const caseRef = caseRefOf(fileNumber, ctx.config.consortiumKey);
  return serialized(ctx.db, async (tx) => {
    const held = await tx.case.findUnique({ where: { fileNumber }, select: { caseRef: true } });
    const known = held ?? (await tx.ledgerEvent.findFirst({ where: { caseRef }, select: { caseRef: true } }));
    const refs = known?.caseRef ? [known.caseRef] : [];
    await logAccess(tx, principal, refs, "search");
    return { total: refs.length, cases: await summaries(tx, refs, true) };
  });
}

/** With `fileNumber` the exact search, without it one page of all cases. */
export async function listCases(ctx: ServiceContext, principal: Principal, query: z.output<typeof ListCasesQuery>): Promise<CaseList> {
  if (query.fileNumber !== undefined) return findByFileNumber(ctx, principal, query.fileNumber);
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
    return { total: Number(count[0]?.n ?? 0), cases: await summaries(tx, refs, seesPersonalData(principal)) };
  });
}
