// Shared types of the audit: findings, the raw JSON-RPC shapes the pure checks accept, export lines and
// checkpoints as the agencies serve them.
import { z } from "zod";
import type { RpcLog } from "../shared/rpc-log";
import { COMMITMENTS_TREES } from "../shared/vocab/commitments-tree";

/**
 * critical: the shared history or the audited code is not what it claims to be (broken header chain,
 *           replaced contract, hash chain or checkpoint mismatch, rules differ from the audited build).
 * error:    a record is missing, forged, changed or deleted.
 * warning:  a compliance breach (ignored stop, overdue allocation) or data kept after erasure.
 */
export type Severity = "critical" | "error" | "warning";
export const SEVERITIES: readonly Severity[] = ["critical", "error", "warning"];

export type CheckId = "chain" | "code" | "events" | "hashchains" | "rules" | "commitments" | "internal" | "checkpoints" | "compliance";

export interface Finding {
  check: CheckId;
  /** a stable machine-readable kind, e.g. "commitment-mismatch" */
  kind: string;
  severity: Severity;
  message: string;
  /** decimal ledger event id */
  eventId?: string;
  caseRef?: string;
  blockNumber?: number;
  agency?: string;
  details?: Record<string, string | number | boolean | null>;
}

export type CheckStatus = "pass" | "fail" | "skipped";

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** what was checked, in one line */
  summary: string;
  counts?: Record<string, number>;
}

// ---- JSON-RPC shapes --------------------------------------------------------------------------------
/** A block as eth_getBlockByNumber(n, false) returns it. */
export interface RpcBlock {
  hash: string;
  parentHash: string;
  sha3Uncles: string;
  miner: string;
  stateRoot: string;
  transactionsRoot: string;
  receiptsRoot: string;
  logsBloom: string;
  difficulty: string;
  number: string;
  gasLimit: string;
  gasUsed: string;
  timestamp: string;
  extraData: string;
  mixHash: string;
  nonce: string;
  baseFeePerGas?: string;
  withdrawalsRoot?: string;
  blobGasUsed?: string;
  excessBlobGas?: string;
  parentBeaconBlockRoot?: string;
  requestsHash?: string;
  [other: string]: unknown;
}

export type { RpcLog };

// ---- agency inputs ----------------------------------------------------------------------------------
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);

/** One line of an agency's audit export (GET /api/audit/export): no personal data. */
export const ExportLine = z.object({
  ledgerEventId: z.string().regex(/^[0-9]+$/, "decimal event id"),
  caseRef: hex32,
  salt: hex32.nullish(),
  dataDigest: hex32.nullish(),
  erased: z.boolean().optional(),
});
export type ExportLine = z.infer<typeof ExportLine>;

/** A checkpoint an agency signed (GET /api/checkpoints, or the SignedCheckpoint table). */
export const SignedCheckpoint = z.object({
  blockNumber: z.coerce.number().int().nonnegative(),
  blockHash: hex32,
  caseCount: z.coerce.number().int().nonnegative(),
  /** absent or null: signed before the root was part of the checkpoint (services/shared/checkpoint.ts) */
  commitmentsRoot: hex32.nullish(),
  /** the tree commitmentsRoot is the root of; absent on rows signed before the log tree, which are "sorted" */
  commitmentsTree: z.enum(COMMITMENTS_TREES).default("sorted"),
  /** StepRecorded events up to the block, signed with a log-tree root (absent or null on the others) */
  stepCount: z.coerce.number().int().nonnegative().nullish(),
  signer: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
});
export type SignedCheckpoint = z.infer<typeof SignedCheckpoint>;

/** What an export's lines are to the audit: a list (an array of parsed lines is one, an ExportTable another). */
export interface ExportLineList {
  readonly length: number;
  at(i: number): ExportLine | undefined;
}

export interface AgencyExport {
  /** agency code (1 BAMF, 2 ZAB) */
  agency: number;
  /** where it came from (file name or URL), for messages */
  source: string;
  /** parsed lines, or (at scale) an ExportTable that holds them as columns (export-table.ts) */
  lines: ExportLineList;
}

export interface CheckpointSet {
  /** the agency that served them, when known */
  agency?: number;
  source: string;
  checkpoints: SignedCheckpoint[];
}

/** One row of an agency's Step table (services/agency/prisma/schema.prisma), as internal mode reads it. */
export const StepRow = z.object({
  id: z.number().int().nonnegative(),
  caseRef: z.string(),
  stepCode: z.number().int(),
  detail: z.string(),
  businessDate: z.number().int(),
  data: z.string().nullable(),
  salt: z.string().nullable(),
  commitment: z.string(),
  state: z.string(),
});
export type StepRow = z.infer<typeof StepRow>;

/** Keeps the number of findings of one kind bounded; counts the rest. */
export class FindingSink {
  readonly findings: Finding[] = [];
  readonly suppressed = new Map<string, number>();
  private readonly perKind = new Map<string, number>();
  constructor(private readonly maxPerKind = 10_000) {}

  add(f: Finding): void {
    const n = (this.perKind.get(f.kind) ?? 0) + 1;
    this.perKind.set(f.kind, n);
    if (n <= this.maxPerKind) this.findings.push(f);
    else this.suppressed.set(f.kind, (this.suppressed.get(f.kind) ?? 0) + 1);
  }

  count(kind?: string): number {
    if (kind === undefined) return [...this.perKind.values()].reduce((a, b) => a + b, 0);
    return this.perKind.get(kind) ?? 0;
  }
}
