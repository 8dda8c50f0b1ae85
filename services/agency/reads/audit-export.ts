// The audit export (GET /api/audit/export): per own step handed to the chain (submitted or confirmed) its
// ledger event id, case reference, salt and data digest, so that every commitment can be checked without
// seeing data; erased steps are marked. No personal data.
import type { z } from "zod";
import type { AuditExport, AuditExportQuery } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { dataDigest } from "../../shared/commitment";
import { agencyOfEventId, eventIdOf, sequenceOfEventId } from "../../shared/ledger-codec";
import { invalidInput } from "../problems";

/** One page after the ledger event id `after` (this agency's own), at most `limit` lines. */
export async function auditExport(ctx: ServiceContext, query: z.output<typeof AuditExportQuery>): Promise<AuditExport> {
  let afterId = 0;
  if (query.after !== undefined) {
    const after = BigInt(query.after);
    if (agencyOfEventId(after) !== ctx.config.agencyCode)
      throw invalidInput([{ field: "after", message: "Ledger-Ereignis-ID einer anderen Behörde / Ledger event id of another agency" }]);
    afterId = Number(sequenceOfEventId(after));
  }
  const rows = await ctx.db.step.findMany({
    where: { id: { gt: afterId }, state: { in: ["submitted", "confirmed"] } },
    orderBy: { id: "asc" },
    take: query.limit,
    select: { id: true, caseRef: true, salt: true, data: true },
  });
  const lines = rows.map((r) => {
    const erased = r.data === null || r.salt === null;
    return {
      ledgerEventId: eventIdOf(ctx.config.agencyCode, r.id).toString(),
      caseRef: r.caseRef,
      salt: erased ? null : r.salt,
      dataDigest: erased ? null : dataDigest(r.data!),
      erased,
    };
  });
  return {
    agency: ctx.config.agency,
    generatedAt: new Date().toISOString(),
    lines,
    next: rows.length === query.limit ? lines[lines.length - 1].ledgerEventId : null,
  };
}
