// For auditors: the audit export, the signed checkpoints and the audit tool's latest report.
import { z } from "zod";
import { LedgerEventId, limitQuery } from "./common";
import { COMMITMENTS_TREES } from "../vocab/commitments-tree";

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

export const AuditExportQuery = z.strictObject({ after: LedgerEventId.optional(), limit: limitQuery(1000, 10000) });

export const Checkpoint = z.object({
  blockNumber: z.number().int(),
  blockHash: z.string(),
  caseCount: z.number().int(),
  commitmentsRoot: z
    .string()
    .nullable()
    .describe("Merkle-Wurzel über alle StepRecorded bis zum Block; null bei Checkpoints von vor ihrer Einführung / Merkle root over every StepRecorded up to the block; null on checkpoints signed before it was introduced"),
  commitmentsTree: z
    .enum(COMMITMENTS_TREES)
    .describe(
      "Baum der Wurzel: rfc6962 (RFC-6962-Baum, SHA-256, Ereignisse in Kettenreihenfolge, signiert als commitmentsLogRoot) oder sorted (OpenZeppelin StandardMerkleTree, vor dessen Einführung) / " +
        "the root's tree: rfc6962 (RFC 6962 tree, SHA-256, events in chain order, signed as commitmentsLogRoot) or sorted (OpenZeppelin StandardMerkleTree, before it)",
    ),
  stepCount: z
    .number()
    .int()
    .nullable()
    .describe("StepRecorded-Ereignisse bis zum Block (Größe des RFC-6962-Baums), mit der Wurzel signiert; null bei sorted / StepRecorded events up to the block (the RFC 6962 tree's size), signed with its root; null on sorted"),
  signer: z.string(),
  signature: z.string(),
  createdAt: z.string(),
});

export const CheckpointList = z.object({ checkpoints: z.array(Checkpoint) });
export const CheckpointsQuery = z.strictObject({ limit: limitQuery(100, 1000) });

/**
 * The audit tool's report (format anker-audit-report-v1, services/audit/report.ts) as the service passes it
 * on: the parts the web app shows are described; the rest passes through unchanged.
 */
export const AuditReport = z.looseObject({
  format: z.string().optional(),
  generatedAt: z.string().optional(),
  verdict: z.enum(["clean", "findings"]).optional(),
  summary: z.looseObject({ critical: z.number(), error: z.number(), warning: z.number(), findings: z.number(), suppressed: z.number() }).optional(),
  scope: z.looseObject({ fromBlock: z.number(), toBlock: z.number(), events: z.number(), steps: z.number(), cases: z.number(), headersChecked: z.number() }).partial().optional(),
  checks: z.array(z.looseObject({ id: z.string(), title: z.string(), status: z.string(), summary: z.string().optional() })).optional(),
  findings: z
    .array(
      z.looseObject({
        check: z.string(),
        kind: z.string(),
        severity: z.string(),
        message: z.string(),
        caseRef: z.string().optional(),
        blockNumber: z.number().optional(),
        agency: z.string().optional(),
      }),
    )
    .optional(),
});

export type AuditExport = z.infer<typeof AuditExport>;
export type Checkpoint = z.infer<typeof Checkpoint>;
export type AuditReport = z.infer<typeof AuditReport>;
