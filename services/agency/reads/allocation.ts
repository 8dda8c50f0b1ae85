// The allocation view (GET /api/allocation/proposals, ZAB): the cases whose allocation to a district is due
// (AllocationDue and no later MUNICIPAL_ALLOCATION), each with the proposed district and every district's
// standing. The proposal itself is allocation/propose.ts; every read is logged.
import type { AllocationProposals } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { seesPersonalData, type Principal } from "../auth/roles";
import { isPlaceholder } from "../store/partner-case";
import { proposeInOrder } from "../allocation/propose";
import { CODE_LISTS, stepByKey } from "../../shared/codelists";
import { serialized } from "../store/serialized";
import { LEDGER_ORDER } from "./ledger-events";
import { logAccess } from "./access-log";

export async function allocationProposals(ctx: ServiceContext, principal: Principal, limit: number): Promise<AllocationProposals> {
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
    const cases = [...open.values()].slice(0, limit);
    const districts = CODE_LISTS.distributionKey.districts.map((d) => ({ code: d.code, name: d.de, population: d.population }));
    const proposals = proposeInOrder(districts, counts, cases.length);
    await logAccess(
      tx,
      principal,
      cases.map((c) => c.caseRef!),
      "allocation-proposals",
    );
    // The clerk works by file number and name; auditors see neither (as on the cases list).
    const held = await tx.case.findMany({
      where: { caseRef: { in: cases.map((c) => c.caseRef!) } },
      select: { caseRef: true, fileNumber: true, familyName: true, givenNames: true },
    });
    const person = new Map(held.filter((c) => !isPlaceholder(c.fileNumber)).map((c) => [c.caseRef, c]));
    const withPerson = seesPersonalData(principal);
    return {
      distributionKey: { version: CODE_LISTS.distributionKey.version, source: CODE_LISTS.distributionKey.source },
      allocatedSoFar: [...counts.values()].reduce((s, n) => s + n, 0),
      proposals: cases.map((c, i) => ({
        caseRef: c.caseRef!,
        ...personOf(person.get(c.caseRef!), withPerson),
        dueSince: { ledgerEventId: c.eventId, blockNumber: c.blockNumber, blockTime: new Date(c.blockTime * 1000).toISOString() },
        proposed: { code: proposals[i].district.code, name: proposals[i].district.name },
        explanation: proposals[i].explanation,
        districts: proposals[i].standings,
      })),
    };
  });
}

function personOf(c: { fileNumber: string; familyName: string | null; givenNames: string | null } | undefined, withPerson: boolean): { held: boolean; fileNumber?: string; name?: string } {
  if (!c) return { held: false };
  if (!withPerson) return { held: true };
  const name = [c.familyName, c.givenNames].filter(Boolean).join(", ");
  return { held: true, fileNumber: c.fileNumber, ...(name ? { name } : {}) };
}
