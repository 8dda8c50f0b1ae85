// For auditors: the audit export (per own on-chain step: ledger event id, case reference, salt, data
// digest — no personal data) and the checkpoints this agency signed.
import { z } from "zod";
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { LedgerEventId, limitQuery } from "../schemas";
import { dataDigest } from "../../../shared/commitment";
import { agencyOfEventId, eventIdOf, sequenceOfEventId } from "../../../shared/ledger-codec";
import { invalidInput } from "../problem";

export const AuditLine = z.object({
  ledgerEventId: z.string(),
  caseRef: z.string(),
  salt: z.string().nullable().describe("null, wenn gelöscht / null when erased"),
  dataDigest: z.string().nullable().describe("keccak-256 der kanonischen Daten; null, wenn gelöscht / keccak-256 of the canonical data; null when erased"),
  erased: z.boolean(),
});

export const AuditExport = z.object({
  agency: z.string(),
  generatedAt: z.string(),
  lines: z.array(AuditLine),
  next: z.string().nullable().describe("für die nächste Seite als `after` übergeben / pass as `after` for the next page"),
});

export const CheckpointSchema = z.object({
  blockNumber: z.number().int(),
  blockHash: z.string(),
  caseCount: z.number().int(),
  signer: z.string(),
  signature: z.string(),
  createdAt: z.string(),
});

export function auditRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/audit/export",
      operationId: "auditExport",
      tag: "Prüfung / Audit",
      summary: "Prüfexport / Audit export",
      description:
        "Je eigenem an die Kette übergebenen Schritt (Zustand submitted oder confirmed): Ledger-Ereignis-ID, Fallreferenz, Salz und Daten-Digest, damit jede Verpflichtung auf der Kette ohne Einsicht in Daten geprüft werden kann (commitment = keccak256(salt ‖ dataDigest)). Gelöschte Schritte sind als erased markiert. Keine Personendaten. / Per own step handed to the chain: salt and data digest, so that every commitment can be checked without seeing data.",
      access: { roles: ["auditor", "admin"] },
      query: z.strictObject({ after: LedgerEventId.optional(), limit: limitQuery(1000, 10000) }),
      responses: { 200: { description: "Export", schema: AuditExport } },
      handler: async ({ query }) => {
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
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/checkpoints",
      operationId: "listCheckpoints",
      tag: "Prüfung / Audit",
      summary: "Signierte Checkpoints / Signed checkpoints",
      access: { roles: ["auditor", "admin"] },
      query: z.strictObject({ limit: limitQuery(100, 1000) }),
      responses: { 200: { description: "Checkpoints, neueste zuerst / newest first", schema: z.object({ checkpoints: z.array(CheckpointSchema) }) } },
      handler: async ({ query }) => {
        const rows = await ctx.db.signedCheckpoint.findMany({ orderBy: { blockNumber: "desc" }, take: query.limit });
        return {
          checkpoints: rows.map((c) => ({
            blockNumber: c.blockNumber,
            blockHash: c.blockHash,
            caseCount: c.caseCount,
            signer: c.signer,
            signature: c.signature,
            createdAt: c.createdAt.toISOString(),
          })),
        };
      },
    }),
  ];
}
