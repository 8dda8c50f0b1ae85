// Runs one audit in three phases: fetch (phases/fetch.ts: JSON-RPC, batched, block ranges pipelined
// through the streaming engine; the exports indexed meanwhile), verify (phases/verify.ts: the pure
// checks' verdicts on what was fetched) and report (phases/report.ts). Used by the CLI, the tests and the
// benchmark.
import { CODE_LISTS, codeListHash } from "../shared/codelists";
import type { AuditEngine } from "./engine";
import { initFastKeccak } from "../shared/keccak";
import type { InclusionProof } from "./merkle";
import { fetchAudit, type FetchInputs } from "./phases/fetch";
import { buildReport, inclusionProofOf } from "./phases/report";
import { verifyAudit } from "./phases/verify";
import { silentProgress, type Progress } from "./progress";
import type { AuditReport } from "./report";
import type { Artifact } from "./source";
import type { AgencyExport, CheckpointSet, StepRow } from "./types";
import type { StoreRestore } from "./agency-db/reader";

/** What the fetch phase takes (phases/fetch.ts) and the rest of one audit's inputs. */
export interface AuditOptions extends Omit<FetchInputs, "exports" | "checkpointHeights" | "logRootHeights" | "progress"> {
  artifact: Artifact;
  /**
   * the agencies' audit exports; undefined: the commitment check is skipped. An export read into an
   * ExportTable is audited once: the audit releases its salts and digests as it takes their commitments
   * (export-table.ts); an array of parsed lines may be given again.
   */
  exports?: AgencyExport[];
  /** signed checkpoints; undefined: the checkpoint check is skipped */
  checkpoints?: CheckpointSet[];
  /** internal mode: an agency database's rows (and its checkpoints) */
  db?: { source: string; agency?: number; rows: StepRow[]; checkpoints?: CheckpointSet; restores?: StoreRestore[] };
  /** overdue when an allocation is due longer than this (days) */
  allocationDays?: number;
  /** write an inclusion proof for this ledger event id */
  prove?: bigint;
  progress?: Progress;
}

export interface AuditOutcome {
  report: AuditReport;
  proof?: InclusionProof;
  engine: AuditEngine;
}

export async function runAudit(opts: AuditOptions): Promise<AuditOutcome> {
  const started = performance.now();
  await initFastKeccak();
  const progress = opts.progress ?? silentProgress;
  const allocationDays = opts.allocationDays ?? 30;
  const given: CheckpointSet[] = [...(opts.checkpoints ?? []), ...(opts.db?.checkpoints ? [opts.db.checkpoints] : [])];

  const fetched = await fetchAudit({
    ...opts,
    checkpointHeights: given.flatMap((s) => s.checkpoints.map((c) => c.blockNumber)),
    logRootHeights: given.flatMap((s) => s.checkpoints.filter((c) => c.commitmentsTree === "rfc6962" && c.commitmentsRoot).map((c) => c.blockNumber)),
    progress,
  });

  progress.phase("verification", 1);
  const verified = verifyAudit(fetched, {
    deployment: opts.deployment,
    artifact: opts.artifact,
    exportsGiven: opts.exports !== undefined,
    checkpoints: opts.checkpoints ?? [],
    db: opts.db,
    codeLists: { version: CODE_LISTS.version, hash: codeListHash(CODE_LISTS) },
    allocationDays,
    fromGenesis: opts.fromGenesis,
    verifiedHead: opts.verifiedHead,
    now: Math.floor(Date.now() / 1000),
  });
  progress.done();

  const proof = opts.prove === undefined ? undefined : inclusionProofOf(fetched, verified.checkpoints, verified.checkpointSets, opts.deployment, opts.prove);
  const report = buildReport(fetched, verified, {
    rpcUrl: opts.rpcUrl,
    deployment: opts.deployment,
    artifact: opts.artifact,
    exports: opts.exports,
    dbSource: opts.db?.source,
    allocationDays,
    generatedAt: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
  });
  return { report, proof, engine: fetched.engine };
}
