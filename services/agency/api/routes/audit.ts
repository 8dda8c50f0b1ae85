// For auditors: the audit export (per own on-chain step: ledger event id, case reference, salt, data
// digest — no personal data), the checkpoints this agency signed and the audit tool's latest report.
import { defineRoute, type AnyRouteSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { AuditExport, AuditExportQuery, AuditReport, CheckpointList, CheckpointsQuery } from "../../../shared/contract";
import { auditExport } from "../../reads/audit-export";
import { signedCheckpoints } from "../../reads/checkpoints";
import { latestAuditReport } from "../../reads/audit-report";

export function auditRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  return [
    defineRoute({
      method: "GET",
      url: "/api/audit/export",
      operationId: "auditExport",
      tag: TAG.audit,
      summary: "Prüfexport / Audit export",
      description:
        "Je eigenem an die Kette übergebenen Schritt (Zustand submitted oder confirmed): Ledger-Ereignis-ID, Fallreferenz, Salz und Daten-Digest, damit jede Verpflichtung auf der Kette ohne Einsicht in Daten geprüft werden kann (commitment = keccak256(salt ‖ dataDigest)). Gelöschte Schritte sind als erased markiert. Keine Personendaten. / Per own step handed to the chain: salt and data digest, so that every commitment can be checked without seeing data.",
      access: ACCESS.auditors,
      query: AuditExportQuery,
      responses: { 200: { description: "Export", schema: AuditExport } },
      handler: async ({ query }) => auditExport(ctx, query),
    }),
    defineRoute({
      method: "GET",
      url: "/api/checkpoints",
      operationId: "listCheckpoints",
      tag: TAG.audit,
      summary: "Signierte Checkpoints / Signed checkpoints",
      access: ACCESS.auditors,
      query: CheckpointsQuery,
      responses: { 200: { description: "Checkpoints, neueste zuerst / newest first", schema: CheckpointList } },
      handler: async ({ query }) => signedCheckpoints(ctx, query.limit),
    }),
    defineRoute({
      method: "GET",
      url: "/api/audit/report",
      operationId: "getAuditReport",
      tag: TAG.audit,
      summary: "Letzter Prüfbericht / Latest audit report",
      description:
        "Der Bericht, den das Prüfwerkzeug zuletzt geschrieben hat (nur lesend, ohne Personendaten); 404, solange es keinen gibt. / The audit tool's latest report, read-only; 404 while there is none.",
      access: ACCESS.auditors,
      responses: { 200: { description: "Bericht / report", schema: AuditReport }, 404: { description: "noch kein Bericht / no report yet" } },
      handler: async () => latestAuditReport(ctx.config.dataDir),
    }),
  ];
}
