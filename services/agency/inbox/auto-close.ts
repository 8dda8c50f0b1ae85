// "Allocation due" notices close themselves when the case is allocated: the listener calls this in the
// same transaction in which it stores a MUNICIPAL_ALLOCATION step, so the ZAB inbox never shows a case as
// due that BAMF already sees as allocated. Only the due notices raised before the allocation (ledger order)
// are closed; a later AllocationDue (a new decision) opens a new one.
import type { Tx } from "../store/serialized";
import { stepByKey } from "../../shared/codelists";

/** Who closed the notice, as `acknowledgedBy` shows it. */
export const CLOSED_BY_ALLOCATION = "system:allocated";

export interface LedgerPosition {
  caseRef: string | null;
  name: string;
  stepCode: number | null;
  blockNumber: number;
  logIndex: number;
}

const ALLOCATION = stepByKey("MUNICIPAL_ALLOCATION").code;

/** Close the open ALLOCATION_DUE notices of the cases allocated by `events`; returns how many. */
export async function closeAllocatedDueNotices(tx: Tx, events: readonly LedgerPosition[], now: Date): Promise<number> {
  const allocatedAt = new Map<string, [number, number]>();
  for (const e of events) {
    if (e.name !== "StepRecorded" || e.stepCode !== ALLOCATION || !e.caseRef) continue;
    const seen = allocatedAt.get(e.caseRef);
    if (!seen || seen[0] < e.blockNumber || (seen[0] === e.blockNumber && seen[1] < e.logIndex)) allocatedAt.set(e.caseRef, [e.blockNumber, e.logIndex]);
  }
  if (!allocatedAt.size) return 0;
  const open = await tx.notification.findMany({
    where: { kind: "ALLOCATION_DUE", acknowledgedAt: null, caseRef: { in: [...allocatedAt.keys()] } },
    select: { id: true, caseRef: true, sourceKey: true, payload: true },
  });
  const close = open
    .filter((n) => {
      const [block, index] = allocatedAt.get(n.caseRef)!;
      const due = duePosition(n.sourceKey, n.payload);
      return !due || due[0] < block || (due[0] === block && due[1] < index);
    })
    .map((n) => n.id);
  if (!close.length) return 0;
  const { count } = await tx.notification.updateMany({ where: { id: { in: close }, acknowledgedAt: null }, data: { acknowledgedAt: now, acknowledgedBy: CLOSED_BY_ALLOCATION } });
  return count;
}

/** Block and log index of the AllocationDue event behind a notice (sourceKey txHash:logIndex, payload blockNumber). */
function duePosition(sourceKey: string, payload: string): [number, number] | undefined {
  const logIndex = Number(sourceKey.split(":")[1]);
  try {
    const block = (JSON.parse(payload) as { blockNumber?: unknown }).blockNumber;
    return typeof block === "number" && Number.isInteger(logIndex) ? [block, logIndex] : undefined;
  } catch {
    return undefined;
  }
}
