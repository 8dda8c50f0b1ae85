// Checkpoints the agencies signed (EIP-712, services/shared/checkpoint.ts): each signature must come from
// a registered member key of the serving agency, and the chain must still have the signed block hash at
// that height; otherwise the history was rewritten or forked after the agency had seen it. Pure, no I/O.
import { recoverCheckpointSigner } from "../shared/checkpoint";
import { agencyName } from "./names";
import type { CheckpointSet, FindingSink, SignedCheckpoint } from "./types";

export interface CheckpointContext {
  chainId: number;
  ledger: string;
  /** the audited head */
  headBlock: number;
  /** the verified block hash at a height (also above the audited head, fetched afterwards), undefined when the chain has none */
  blockHashAt(n: number): string | undefined;
  /** distinct cases with a StepRecorded up to and including a block */
  caseCountAt(n: number): number;
  /** the agency an account wrote for at a block (0: not a member) */
  memberAgencyAt(account: string, block: number): number;
}

export interface CheckpointVerdict {
  agency?: string;
  source: string;
  blockNumber: number;
  blockHash: string;
  caseCount: number;
  signer: string;
  signerAgency?: string;
  valid: boolean;
  problems: string[];
}

export function verifyCheckpoint(cp: SignedCheckpoint, ctx: CheckpointContext, servedBy?: number): { valid: boolean; problems: { kind: string; severity: "critical" | "error"; message: string }[]; signerAgency: number } {
  const problems: { kind: string; severity: "critical" | "error"; message: string }[] = [];
  let recovered: string | undefined;
  try {
    recovered = recoverCheckpointSigner({ chainId: ctx.chainId, ledger: ctx.ledger, blockNumber: cp.blockNumber, blockHash: cp.blockHash, caseCount: cp.caseCount }, cp.signature);
  } catch (err) {
    problems.push({ kind: "checkpoint-signature-invalid", severity: "error", message: `the signature cannot be read: ${(err as Error).message}` });
  }
  if (recovered && recovered.toLowerCase() !== cp.signer.toLowerCase()) {
    problems.push({ kind: "checkpoint-signature-invalid", severity: "error", message: `the signature was made by ${recovered}, not by the stated signer ${cp.signer} (or the signed fields were changed)` });
  }
  const signerAgency = recovered ? ctx.memberAgencyAt(recovered, cp.blockNumber) || ctx.memberAgencyAt(recovered, ctx.headBlock) : 0;
  if (recovered && signerAgency === 0) {
    problems.push({ kind: "checkpoint-signer-not-member", severity: "error", message: `the signer ${recovered} is not a registered member key of the consortium` });
  } else if (recovered && servedBy !== undefined && signerAgency !== servedBy) {
    problems.push({ kind: "checkpoint-signer-other-agency", severity: "error", message: `${agencyName(servedBy)} served a checkpoint signed by a key of ${agencyName(signerAgency)}` });
  }
  const actual = ctx.blockHashAt(cp.blockNumber);
  if (actual === undefined) {
    if (cp.blockNumber > ctx.headBlock) {
      problems.push({ kind: "checkpoint-beyond-head", severity: "critical", message: `the chain has no block ${cp.blockNumber} (head ${ctx.headBlock}), which the agency signed: the chain lost blocks an agency had seen (history rewritten)` });
    } else {
      problems.push({ kind: "checkpoint-block-unknown", severity: "error", message: `the block hash at height ${cp.blockNumber} could not be verified` });
    }
  } else if (actual.toLowerCase() !== cp.blockHash.toLowerCase()) {
    problems.push({ kind: "checkpoint-fork", severity: "critical", message: `the chain has block ${actual} at height ${cp.blockNumber}, but the agency signed ${cp.blockHash}: the history was rewritten or forked after the checkpoint` });
  } else if (cp.blockNumber <= ctx.headBlock) {
    // (A checkpoint newer than the audited block is checked by its hash only: its events were not replayed.)
    const count = ctx.caseCountAt(cp.blockNumber);
    if (count !== cp.caseCount) {
      problems.push({ kind: "checkpoint-case-count", severity: "critical", message: `the agency signed ${cp.caseCount} cases up to block ${cp.blockNumber}, the ledger's events show ${count}: events were withheld or added` });
    }
  }
  return { valid: problems.length === 0, problems, signerAgency };
}

export function verifyCheckpoints(sets: CheckpointSet[], ctx: CheckpointContext, sink: FindingSink): CheckpointVerdict[] {
  const verdicts: CheckpointVerdict[] = [];
  for (const set of sets) {
    for (const cp of set.checkpoints) {
      const v = verifyCheckpoint(cp, ctx, set.agency);
      const agency = set.agency === undefined ? undefined : agencyName(set.agency);
      for (const p of v.problems) {
        sink.add({ check: "checkpoints", kind: p.kind, severity: p.severity, agency, blockNumber: cp.blockNumber, message: `checkpoint at block ${cp.blockNumber} from ${set.source}: ${p.message}`, details: { signer: cp.signer, signedBlockHash: cp.blockHash } });
      }
      verdicts.push({
        agency,
        source: set.source,
        blockNumber: cp.blockNumber,
        blockHash: cp.blockHash,
        caseCount: cp.caseCount,
        signer: cp.signer,
        signerAgency: v.signerAgency ? agencyName(v.signerAgency) : undefined,
        valid: v.valid,
        problems: v.problems.map((p) => p.message),
      });
    }
  }
  return verdicts;
}
