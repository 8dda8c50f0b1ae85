// The captured ledger (vectors/ledger.json) and a helper that runs the pure checks over it offline.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AuditEngine } from "../../../services/audit/engine";
import { ExportIndex, matchCommitments, type CommitmentCounts } from "../../../services/audit/commitments";
import { compareHeads, type OnChainHead } from "../../../services/audit/replay";
import { verifyCheckpoints, type CheckpointVerdict } from "../../../services/audit/checkpoints";
import { CommitmentRoots } from "../../../services/audit/commitment-roots";
import { ethersKeccak } from "../../../services/shared/commitments-sorted-root";
import { compliance, type Compliance } from "../../../services/audit/compliance";
import type { Deployment } from "../../../services/shared/deployment";
import type { ExportLine, RpcBlock, RpcLog, SignedCheckpoint } from "../../../services/audit/types";

export interface LedgerVector {
  deployment: Deployment;
  keys: { BAMF: string; ZAB: string };
  head: number;
  blocks: RpcBlock[];
  logs: RpcLog[];
  heads: Record<string, OnChainHead>;
  exports: { BAMF: ExportLine[]; ZAB: ExportLine[] };
  /** signed by BAMF at the head under the log tree's type (what the agencies sign) */
  checkpoint: SignedCheckpoint;
  /** the same block signed under the sorted tree's type, as checkpoints signed before the log tree are */
  sortedCheckpoint: SignedCheckpoint;
  scenario: { erasedCase: string; skippedBamfSequence: number; correctedEventId: string };
}

/** A fresh deep copy each time, so that a test can tamper with it. */
export function loadVector(): LedgerVector {
  return JSON.parse(readFileSync(join(__dirname, "..", "vectors", "ledger.json"), "utf8")) as LedgerVector;
}

export interface VectorAudit {
  engine: AuditEngine;
  commitments: Record<string, CommitmentCounts>;
  checkpoints: CheckpointVerdict[];
  compliance: Compliance;
  kinds: string[];
}

/** The external audit's pure part over a (possibly tampered) vector. */
export function auditVector(v: LedgerVector, opts: { asOf?: number; checkpoints?: SignedCheckpoint[] } = {}): VectorAudit {
  const d = v.deployment;
  const engine = new AuditEngine({ ledger: d.contracts.ProcedureLedger.address.toLowerCase(), fromBlock: d.block, toBlock: v.head, anchorHash: d.blockHash, keepHashesAt: [v.checkpoint.blockNumber] });
  engine.pushRange(v.blocks, v.logs);
  engine.finish();
  const r = engine.replayer;
  compareHeads(r, new Map(Object.entries(v.heads)), engine.sink);
  const commitments: Record<string, CommitmentCounts> = {};
  for (const [name, agency] of [["BAMF", 1], ["ZAB", 2]] as const) {
    const idx = new ExportIndex(agency);
    idx.add({ agency, source: name, lines: v.exports[name] });
    commitments[name] = matchCommitments(r, idx, engine.sink);
  }
  const roots = new CommitmentRoots(r.steps, ethersKeccak);
  const checkpoints = verifyCheckpoints(
    [{ agency: 1, source: "vector", checkpoints: opts.checkpoints ?? [v.checkpoint] }],
    {
      chainId: d.chainId,
      ledger: d.contracts.ProcedureLedger.address,
      headBlock: v.head,
      blockHashAt: (n) => engine.headers.hashAt(n),
      caseCountAt: (n) => r.caseCountAt(n),
      stepCountAt: (n) => roots.stepsUpTo(n),
      commitmentsRootAt: (n, tree) => (tree === "rfc6962" ? roots.logRootAt(n) : roots.sortedRootAt(n)),
      memberAgencyAt: (a, b) => r.memberAgencyAt(a, b),
    },
    engine.sink,
  );
  const asOf = opts.asOf ?? engine.headers.timestampAt(v.head)!;
  const comp = compliance(r, { asOf, allocationDays: 30, arrivalOverdueDays: 14 }, engine.sink);
  return { engine, commitments, checkpoints, compliance: comp, kinds: engine.sink.findings.map((f) => f.kind) };
}
