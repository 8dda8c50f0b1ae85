// The case list (GET /api/cases): every case known from the ledger or registered here, most recently active
// first, or the one case behind a file number; each with its phase, open stops and (for clerks) file number
// and name. Search (`q`), filters (phase, open stop, last step, activity dates) and sorting run on the server,
// and only the asked-for page is sent. Every case on the page is written to the access log.
import type { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import type { CaseList, CaseSummary, ListCasesQuery } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { caseRefOf } from "../../shared/pseudonym";
import { agencyKeyOrCode, stepByKey, stopReasonLabels } from "../../shared/vocab";
import { seesPersonalData, type Principal } from "../auth/roles";
import { serialized, type Tx } from "../store/serialized";
import { ProblemError } from "../problems";
import { currentPhase, foldStops, LEDGER_ORDER } from "./ledger-events";
import { casePersons } from "./case-persons";
import { matchingCaseRefs } from "./case-search";
import { dayOf } from "./stats";
import { logAccess } from "./access-log";

type Query = z.output<typeof ListCasesQuery>;

/** Above this many references the events are read without an IN list (SQLite's bound-parameter limit). */
const IN_LIST_MAX = 500;

const ERASED = stepByKey("ERASED").code;

async function summaries(db: Tx, principal: Principal, refs: string[]): Promise<CaseSummary[]> {
  const names = new Set(["StepRecorded", "StopChanged", "StopIgnored"]);
  const [events, persons] = await Promise.all([
    // By case alone (the names filtered below): with the name in the query as well, SQLite reads the
    // events of that name of every case (the name index) instead of the page's cases' events.
    db.ledgerEvent.findMany({
      where: refs.length > IN_LIST_MAX ? { name: { in: [...names] } } : { caseRef: { in: refs } },
      orderBy: LEDGER_ORDER,
      select: { caseRef: true, name: true, stepCode: true, blockTime: true, stopReasons: true, agency: true },
    }),
    casePersons(db, principal, refs),
  ]);
  const byRef = new Map<string, typeof events>();
  for (const e of events) {
    if (!names.has(e.name)) continue;
    const list = byRef.get(e.caseRef!);
    if (list) list.push(e);
    else byRef.set(e.caseRef!, [e]);
  }
  return refs.map((ref) => {
    const ev = byRef.get(ref) ?? [];
    const person = persons.get(ref) ?? { held: false };
    const phase = currentPhase(ev);
    const bits = foldStops(ev);
    // Erasure is per member (the chain's erasedBy bitmap): each agency that recorded ERASED for the case.
    const erasedBy = [...new Set(ev.filter((e) => e.name === "StepRecorded" && e.stepCode === ERASED && e.agency !== null).map((e) => e.agency!))].sort((a, b) => a - b);
    return {
      caseRef: ref,
      held: person.held,
      ...(person.fileNumber ? { fileNumber: person.fileNumber } : {}),
      ...(person.name ? { name: person.name } : {}),
      phase: phase.phase,
      lastStep: phase.lastStep,
      lastActivity: phase.lastBlockTime === null ? null : new Date(phase.lastBlockTime * 1000).toISOString(),
      openStops: { bits, reasons: stopReasonLabels(bits) },
      erasedBy: erasedBy.map(agencyKeyOrCode),
    };
  });
}

/** The case behind a file number (registered here, or a partner's case known from the ledger); clerks only. */
async function findByFileNumber(ctx: ServiceContext, principal: Principal, fileNumber: string, query: Query): Promise<CaseList> {
  if (!seesPersonalData(principal))
    throw new ProblemError("forbidden", "Suche nach Aktenzeichen nur für die Sachbearbeitung / Search by file number for clerks only");
  const caseRef = caseRefOf(fileNumber, ctx.config.consortiumKey);
  return serialized(ctx.db, async (tx) => {
    const held = await tx.case.findUnique({ where: { fileNumber }, select: { caseRef: true } });
    const known = held ?? (await tx.ledgerEvent.findFirst({ where: { caseRef }, select: { caseRef: true } }));
    const refs = known?.caseRef ? [known.caseRef] : [];
    await logAccess(tx, principal, refs, "search");
    return { total: refs.length, limit: query.limit, offset: 0, cases: await summaries(tx, principal, refs) };
  });
}

/** Every case reference, most recently active first (the ledger's newest event, then registration). */
const BY_ACTIVITY = Prisma.sql`
      SELECT ref, MAX(k) AS k FROM (
        SELECT "caseRef" AS ref, "id" AS k FROM "LedgerEvent" WHERE "caseRef" IS NOT NULL
        UNION ALL
        SELECT "caseRef" AS ref, 0 AS k FROM "Case"
      ) refs GROUP BY ref ORDER BY k DESC, ref ASC`;

const filtered = (q: Query) => q.phase !== undefined || q.openStop !== undefined || q.lastStep !== undefined || q.from !== undefined || q.to !== undefined;

function keep(q: Query, c: CaseSummary): boolean {
  if (q.phase !== undefined && c.phase !== q.phase) return false;
  if (q.openStop !== undefined && c.openStops.bits !== 0 !== q.openStop) return false;
  if (q.lastStep !== undefined && c.lastStep?.key !== q.lastStep) return false;
  if (q.from !== undefined || q.to !== undefined) {
    if (!c.lastActivity) return false;
    const day = dayOf(Date.parse(c.lastActivity) / 1000);
    if (q.from !== undefined && day < q.from) return false;
    if (q.to !== undefined && day > q.to) return false;
  }
  return true;
}

const collator = new Intl.Collator("de-DE", { sensitivity: "base", numeric: true });

/** Compare by the sort column; cases without the value (not held: no file number, no name) go last. */
function comparator(q: Query): (a: CaseSummary, b: CaseSummary) => number {
  const dir = (q.order ?? (q.sort === "lastActivity" ? "desc" : "asc")) === "asc" ? 1 : -1;
  const text = (get: (c: CaseSummary) => string | undefined) => (a: CaseSummary, b: CaseSummary) => {
    const x = get(a);
    const y = get(b);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    return dir * collator.compare(x, y);
  };
  switch (q.sort) {
    case "fileNumber":
      return text((c) => c.fileNumber);
    case "name":
      return text((c) => c.name);
    case "phase":
      return (a, b) => dir * (a.phase - b.phase);
    case "openStops":
      return (a, b) => dir * (a.openStops.reasons.length - b.openStops.reasons.length);
    default:
      return text((c) => c.lastActivity ?? undefined);
  }
}

/** With `fileNumber` the exact search; otherwise one page of the cases that match `q` and the filters. */
export async function listCases(ctx: ServiceContext, principal: Principal, query: Query): Promise<CaseList> {
  if (query.fileNumber !== undefined) return findByFileNumber(ctx, principal, query.fileNumber, query);
  return serialized(ctx.db, async (tx) => {
    let page: CaseSummary[];
    let total: number;
    if (query.q === undefined && !filtered(query) && query.sort === "lastActivity" && query.order !== "asc") {
      // the common view: paged in SQL, then only that page's events are read
      const rows = await tx.$queryRaw<{ ref: string }[]>(Prisma.sql`${BY_ACTIVITY} LIMIT ${query.limit} OFFSET ${query.offset}`);
      const count = await tx.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`
            SELECT COUNT(*) AS n FROM (
              SELECT "caseRef" AS ref FROM "LedgerEvent" WHERE "caseRef" IS NOT NULL
              UNION
              SELECT "caseRef" AS ref FROM "Case"
            ) refs`);
      total = Number(count[0]?.n ?? 0);
      page = await summaries(
        tx,
        principal,
        rows.map((r) => r.ref),
      );
    } else {
      let refs = (await tx.$queryRaw<{ ref: string }[]>(BY_ACTIVITY)).map((r) => r.ref);
      if (query.q !== undefined) {
        const hits = await matchingCaseRefs(tx, ctx, principal, query.q);
        refs = refs.filter((r) => hits.has(r));
      }
      const all = (await summaries(tx, principal, refs)).filter((c) => keep(query, c));
      if (query.sort !== "lastActivity" || query.order === "asc") all.sort(comparator(query));
      total = all.length;
      page = all.slice(query.offset, query.offset + query.limit);
    }
    await logAccess(
      tx,
      principal,
      page.map((c) => c.caseRef),
      query.q !== undefined ? "search" : "list",
    );
    return { total, limit: query.limit, offset: query.offset, cases: page };
  });
}

/** Every case that matches the filters, sorted, without paging: the CSV export. */
export async function allCases(ctx: ServiceContext, principal: Principal, query: Query): Promise<CaseSummary[]> {
  const r = await listCases(ctx, principal, { ...query, fileNumber: undefined, offset: 0, limit: 1_000_000 });
  return r.cases;
}
