// The allocation view (GET /api/allocation/proposals, ZAB): the cases whose allocation to a district is due
// (AllocationDue and no later MUNICIPAL_ALLOCATION), each with the proposed district and every district's
// standing. The proposal itself is allocation/propose.ts; every read is logged.
import type { AllocationProposals } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { Principal } from "../auth/roles";
import { lagInWords, proposeDistrict, proposeInOrder, type DistrictStanding } from "../allocation/propose";
import { casePersons } from "./case-persons";
import { CODE_LISTS, stepByKey } from "../../shared/codelists";
import { serialized } from "../store/serialized";
import { LEDGER_ORDER } from "./ledger-events";
import { logAccess } from "./access-log";

const withWords = (s: DistrictStanding) => ({ ...s, lagText: lagInWords(s.lag) });

/** One page of the due cases; the proposals of a later page count the ones on the pages before it. */
export async function allocationProposals(ctx: ServiceContext, principal: Principal, page: { limit: number; offset: number }): Promise<AllocationProposals> {
  const ALLOCATION = stepByKey("MUNICIPAL_ALLOCATION").code;
  return serialized(ctx.db, async (tx) => {
    const due = await tx.ledgerEvent.findMany({ where: { name: "AllocationDue" }, orderBy: LEDGER_ORDER });
    const allocations = await tx.ledgerEvent.findMany({ where: { name: "StepRecorded", stepCode: ALLOCATION }, orderBy: LEDGER_ORDER });
    const ownPending = await tx.step.findMany({ where: { stepCode: ALLOCATION, state: { in: ["queued", "submitted"] } } });
    const counts = new Map<number, number>();
    const lastAllocation = new Map<string, [number, number]>();
    for (const a of allocations) {
      const code = Number(a.detail ?? 0);
      counts.set(code, (counts.get(code) ?? 0) + 1);
      lastAllocation.set(a.caseRef!, [a.blockNumber, a.logIndex]);
    }
    // Own allocations not yet mirrored count as made: the proposal must not pile onto them.
    const pendingCases = new Set<string>();
    for (const s of ownPending) {
      counts.set(Number(s.detail), (counts.get(Number(s.detail)) ?? 0) + 1);
      pendingCases.add(s.caseRef);
    }
    const open = new Map<string, (typeof due)[number]>();
    for (const d of due) {
      const last = lastAllocation.get(d.caseRef!);
      const allocatedAfter = last && (last[0] > d.blockNumber || (last[0] === d.blockNumber && last[1] > d.logIndex));
      if (allocatedAfter || pendingCases.has(d.caseRef!)) open.delete(d.caseRef!);
      else if (!open.has(d.caseRef!)) open.set(d.caseRef!, d);
    }
    const allOpen = [...open.values()];
    const cases = allOpen.slice(page.offset, page.offset + page.limit);
    const districts = CODE_LISTS.distributionKey.districts.map((d) => ({ code: d.code, name: d.de, population: d.population }));
    const proposals = proposeInOrder(districts, counts, page.offset + cases.length).slice(page.offset);
    await logAccess(
      tx,
      principal,
      cases.map((c) => c.caseRef!),
      "allocation-proposals",
    );
    // The clerk works by file number and name; auditors see neither (as on every list).
    const persons = await casePersons(
      tx,
      principal,
      cases.map((c) => c.caseRef!),
    );
    return {
      distributionKey: { version: CODE_LISTS.distributionKey.version, source: CODE_LISTS.distributionKey.source },
      allocatedSoFar: [...counts.values()].reduce((s, n) => s + n, 0),
      total: allOpen.length,
      limit: page.limit,
      offset: page.offset,
      standings: proposeDistrict(districts, counts)
        .standings.map(withWords)
        .sort((a, b) => a.code - b.code),
      proposals: cases.map((c, i) => ({
        caseRef: c.caseRef!,
        ...personFields(persons.get(c.caseRef!)),
        dueSince: { ledgerEventId: c.eventId, blockNumber: c.blockNumber, blockTime: new Date(c.blockTime * 1000).toISOString() },
        proposed: { code: proposals[i].district.code, name: proposals[i].district.name },
        explanation: proposals[i].explanation,
        districts: proposals[i].standings.map(withWords),
      })),
    };
  });
}

function personFields(p: { held: boolean; fileNumber?: string; name?: string } | undefined): { held: boolean; fileNumber?: string; name?: string } {
  if (!p) return { held: false };
  return { held: p.held, ...(p.fileNumber ? { fileNumber: p.fileNumber } : {}), ...(p.name ? { name: p.name } : {}) };
}
