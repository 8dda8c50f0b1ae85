// For auditors: the audit export (per own on-chain step: ledger event id, case reference, salt, data
// digest — no personal data), the checkpoints this agency signed and the audit tool's latest report.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { AuditExport, AuditExportQuery, AuditReport, CheckpointList, CheckpointsQuery } from "../../../shared/contract";
import { dataDigest } from "../../../shared/commitment";
import { agencyOfEventId, eventIdOf, sequenceOfEventId } from "../../../shared/ledger-codec";
import { ProblemError, invalidInput, notFound } from "../problem";
import { auditReportFile, readAuditReport } from "../../reads/audit-report";

export function auditRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  const reportFile = auditReportFile(ctx.config.dataDir);
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
      query: AuditExportQuery,
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
      query: CheckpointsQuery,
      responses: { 200: { description: "Checkpoints, neueste zuerst / newest first", schema: CheckpointList } },
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
    defineRoute({
      method: "GET",
      url: "/api/audit/report",
      operationId: "getAuditReport",
      tag: "Prüfung / Audit",
      summary: "Letzter Prüfbericht / Latest audit report",
      description:
        "Der Bericht, den das Prüfwerkzeug zuletzt geschrieben hat (nur lesend, ohne Personendaten); 404, solange es keinen gibt. / The audit tool's latest report, read-only; 404 while there is none.",
      access: { roles: ["auditor", "admin"] },
      responses: { 200: { description: "Bericht / report", schema: AuditReport }, 404: { description: "noch kein Bericht / no report yet" } },
      handler: async () => {
        const r = await readAuditReport(reportFile);
        if (!r.found) throw notFound("Noch kein Prüfbericht vorhanden / No audit report yet");
        if ("invalid" in r) {
          throw new ProblemError("internal", "Der Prüfbericht ist kein gültiges JSON (wird er gerade geschrieben?) / The audit report is not valid JSON (being written?)");
        }
        return r.report;
      },
    }),
  ];
}
