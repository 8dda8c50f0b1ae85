// Fills an agency database (the agency's own Prisma schema, services/agency/prisma) with the steps an
// agency recorded, as its service stores them: Step.id = the sequence of the ledger event id, canonical
// JSON and salt (null once erased), state confirmed; plus the checkpoints it signed.
import type { Db } from "../../../services/agency/store/db";
import type { SignedCheckpoint } from "../../../services/audit/types";
import type { Kept } from "./writer";

/** Fictitious person data in the Case table: must never appear in an audit report. */
export const FICTITIOUS_FAMILY_NAME = "Mustermann-Fiktiv";

export async function fillAgencyDb(db: Db, agency: number, kept: Kept[], checkpoints: SignedCheckpoint[] = []): Promise<void> {
  const caseIds = new Map<string, number>();
  for (const k of kept) {
    if (k.agency !== agency || caseIds.has(k.caseRef)) continue;
    const c = await db.case.create({ data: { caseRef: k.caseRef, fileNumber: `9${String(caseIds.size).padStart(6, "0")}-${agency}`, familyName: FICTITIOUS_FAMILY_NAME, givenNames: "Erika", fictitious: true } });
    caseIds.set(k.caseRef, c.id);
  }
  for (const k of kept) {
    if (k.agency !== agency) continue;
    await db.step.create({
      data: {
        id: k.sequence,
        eventId: `test-${agency}-${k.sequence}`,
        caseId: caseIds.get(k.caseRef)!,
        caseRef: k.caseRef,
        stepCode: k.step,
        detail: k.detail.toString(),
        businessDate: k.businessDate,
        data: k.data,
        salt: k.salt,
        commitment: k.commitment,
        state: k.onChain ? "confirmed" : "queued",
        blockNumber: k.block ?? null,
      },
    });
  }
  for (const cp of checkpoints) {
    await db.signedCheckpoint.create({ data: { blockNumber: cp.blockNumber, blockHash: cp.blockHash, caseCount: cp.caseCount, commitmentsRoot: cp.commitmentsRoot ?? null, commitmentsTree: cp.commitmentsTree, stepCount: cp.stepCount ?? null, signer: cp.signer, signature: cp.signature } });
  }
}
