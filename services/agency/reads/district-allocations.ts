// The district authority's allocation list (GET /api/allocation/received): every case whose current
// allocation (its latest MUNICIPAL_ALLOCATION) names this agency's district, with where it stands: arrival
// due, overdue (allocated more than arrivalOverdueDays ago without ARRIVED_REGISTERED or NOT_ARRIVED),
// allocation received, arrived, not arrived. From the chain mirror; every case shown is logged.
import type { z } from "zod";
import type { ReceivedAllocations, ReceivedAllocationsQuery } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { Principal } from "../auth/roles";
import { CODE_LISTS, stepByKey } from "../../shared/codelists";
import { serialized } from "../store/serialized";
import { casePersons } from "./case-persons";
import { logAccess } from "./access-log";
import { LEDGER_ORDER } from "./ledger-events";
import { berlinYmd } from "../deadlines/deadline-notices";

const code = (k: string) => stepByKey(k).code;
const STEPS = { allocation: code("MUNICIPAL_ALLOCATION"), received: code("ALLOCATION_RECEIVED"), arrived: code("ARRIVED_REGISTERED"), notArrived: code("NOT_ARRIVED") };

type Status = ReceivedAllocations["allocations"][number]["status"];

const iso = (ymd: number) => `${String(Math.floor(ymd / 10000)).padStart(4, "0")}-${String(Math.floor(ymd / 100) % 100).padStart(2, "0")}-${String(ymd % 100).padStart(2, "0")}`;
const addDays = (ymd: number, days: number) => {
  const d = new Date(Date.UTC(Math.floor(ymd / 10000), (Math.floor(ymd / 100) % 100) - 1, ymd % 100) + days * 86_400_000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
};

function districtOf(codeNumber: number): { code: number; name: string } {
  return { code: codeNumber, name: CODE_LISTS.distributionKey.districts.find((d) => d.code === codeNumber)?.de ?? String(codeNumber) };
}

export async function receivedAllocations(
  ctx: ServiceContext,
  principal: Principal,
  query: z.output<typeof ReceivedAllocationsQuery>,
  now = new Date(),
): Promise<ReceivedAllocations> {
  const scope = ctx.config.agencyScope;
  const days = CODE_LISTS.parameters.arrivalOverdueDays;
  const today = berlinYmd(now);
  return serialized(ctx.db, async (tx) => {
    const events = await tx.ledgerEvent.findMany({
      where: { name: "StepRecorded", stepCode: { in: Object.values(STEPS) } },
      orderBy: LEDGER_ORDER,
      select: { caseRef: true, eventId: true, stepCode: true, detail: true, blockNumber: true, blockTime: true },
    });
    // Per case: its current allocation and the district's steps since (a re-allocation starts over).
    const cases = new Map<string, { allocation: (typeof events)[number]; received: boolean; arrived: boolean; notArrived: boolean }>();
    for (const e of events) {
      const c = e.caseRef!;
      if (e.stepCode === STEPS.allocation) cases.set(c, { allocation: e, received: false, arrived: false, notArrived: false });
      const s = cases.get(c);
      if (!s) continue;
      if (e.stepCode === STEPS.received) s.received = true;
      else if (e.stepCode === STEPS.arrived) {
        s.arrived = true;
        s.notArrived = false; // ARRIVED_REGISTERED clears NOT_ARRIVED, as on chain
      }
      else if (e.stepCode === STEPS.notArrived) s.notArrived = true;
    }
    const all = [...cases.entries()]
      .filter(([, s]) => Number(s.allocation.detail) === scope)
      .map(([caseRef, s]) => {
        const dueBy = addDays(berlinYmd(new Date(s.allocation.blockTime * 1000)), days);
        const open = !s.arrived && !s.notArrived;
        const overdue = open && dueBy < today;
        const status: Status = s.arrived ? "arrived" : s.notArrived ? "not-arrived" : overdue ? "overdue" : s.received ? "received" : "due";
        return {
          caseRef,
          district: districtOf(scope),
          allocatedAt: { ledgerEventId: s.allocation.eventId, blockNumber: s.allocation.blockNumber, blockTime: new Date(s.allocation.blockTime * 1000).toISOString() },
          arrivalDueBy: iso(dueBy),
          status,
          overdue,
          // the status says "overdue" also after a receipt; the next step to offer depends on it
          received: s.received,
        };
      });
    const overdueCount = all.filter((a) => a.overdue).length;
    // Overdue first, then the soonest due, then the rest by allocation.
    const chosen = all
      .filter((a) => !query.status || a.status === query.status || (query.status === "due" && a.status === "received"))
      .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.arrivalDueBy.localeCompare(b.arrivalDueBy) || a.caseRef.localeCompare(b.caseRef));
    const page = chosen.slice(query.offset, query.offset + query.limit);
    const persons = await casePersons(
      tx,
      principal,
      page.map((a) => a.caseRef),
    );
    await logAccess(
      tx,
      principal,
      page.map((a) => a.caseRef),
      "allocations",
    );
    return {
      district: districtOf(scope),
      arrivalOverdueDays: days,
      today: iso(today),
      total: chosen.length,
      overdue: overdueCount,
      limit: query.limit,
      offset: query.offset,
      allocations: page.map((a) => ({ ...a, case: persons.get(a.caseRef) ?? { held: false } })),
    };
  });
}
