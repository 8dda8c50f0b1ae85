// Who read which case, for the data-protection officer: one AccessLog row per case and read, written in
// the same transaction as the read.
import type { Tx } from "../store/serialized";
import { actorOf, type Principal } from "../auth/roles";

export async function logAccess(db: Tx, principal: Principal, caseRefs: readonly string[], action: string): Promise<void> {
  if (caseRefs.length === 0) return;
  const actor = actorOf(principal);
  await db.accessLog.createMany({ data: caseRefs.map((caseRef) => ({ actor, caseRef, action })) });
}
