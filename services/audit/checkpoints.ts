// Checkpoints the agencies signed (EIP-712, services/shared/checkpoint.ts): each signature, over the whole
// signed struct, must come from a registered member key of the serving agency, and the chain must still
// have the signed block hash at that height; otherwise the history was rewritten or forked after the
// agency had seen it. Up to the audited head, the signed case count, step count (log tree only) and
// commitments root must equal what the chain's logs give at that block, the root in the tree the row names
// (the RFC 6962 log tree signed from now on, or the sorted tree of checkpoints signed before it, each under
// its own EIP-712 type); otherwise events were withheld, added or changed. The member agencies sign at the
// same heights: coSigning() tells which blocks carry a valid signature of each agency that was a member
// there. Pure, no I/O.
import { recoverCheckpointSigner } from "../shared/checkpoint";
import type { CommitmentsTree } from "../shared/vocab/commitments-tree";
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
  /** StepRecorded events up to and including a block (the log tree's size there) */
  stepCountAt(n: number): number;
  /** the commitments root in `tree` (services/shared/vocab/commitments-tree.ts) up to and including a block, from the chain's logs */
  commitmentsRootAt(n: number, tree: CommitmentsTree): string;
  /** the agency an account wrote for at a block (0: not a member) */
  memberAgencyAt(account: string, block: number): number;
  /** the agency an account wrote for at any time, 0 if never: a member's signature stays its statement after it leaves */
  agencyEverOf?(account: string): number;
}

export interface CheckpointVerdict {
  agency?: string;
  source: string;
  blockNumber: number;
  blockHash: string;
  caseCount: number;
  /** null: signed before the root was part of the checkpoint */
  commitmentsRoot: string | null;
  /** the tree the root is of: "rfc6962" (the log tree) or "sorted" (signed before it) */
  commitmentsTree: CommitmentsTree;
  /** whether the signed root was recomputed from the chain's logs and matched (false: no root, or above the audited head) */
  rootVerified: boolean;
  signer: string;
  signerAgency?: string;
  valid: boolean;
  problems: string[];
}

/** How the report names each tree. */
export const TREE_NAMES: Record<CommitmentsTree, string> = {
  rfc6962: "RFC 6962 log tree",
  sorted: "sorted StandardMerkleTree, signed before the log tree",
};

export function verifyCheckpoint(
  cp: SignedCheckpoint,
  ctx: CheckpointContext,
  servedBy?: number,
): { valid: boolean; problems: { kind: string; severity: "critical" | "error"; message: string }[]; signerAgency: number; rootVerified: boolean } {
  const problems: { kind: string; severity: "critical" | "error"; message: string }[] = [];
  const signedRoot = cp.commitmentsRoot ?? null;
  let rootVerified = false;
  let recovered: string | undefined;
  try {
    recovered = recoverCheckpointSigner(
      { chainId: ctx.chainId, ledger: ctx.ledger, blockNumber: cp.blockNumber, blockHash: cp.blockHash, caseCount: cp.caseCount, commitmentsRoot: signedRoot, commitmentsTree: cp.commitmentsTree, stepCount: cp.stepCount ?? null },
      cp.signature,
    );
  } catch (err) {
    problems.push({ kind: "checkpoint-signature-invalid", severity: "error", message: `the signature cannot be read: ${(err as Error).message}` });
  }
  if (recovered && recovered.toLowerCase() !== cp.signer.toLowerCase()) {
    problems.push({ kind: "checkpoint-signature-invalid", severity: "error", message: `the signature was made by ${recovered}, not by the stated signer ${cp.signer} (or the signed fields were changed)` });
  }
  // A key that joined later may sign heights it caught up on; one that left keeps its earlier signatures.
  const signerAgency = recovered ? ctx.memberAgencyAt(recovered, cp.blockNumber) || (ctx.agencyEverOf?.(recovered) ?? ctx.memberAgencyAt(recovered, ctx.headBlock)) : 0;
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
    if (signedRoot !== null && cp.commitmentsTree === "rfc6962" && cp.stepCount != null) {
      const steps = ctx.stepCountAt(cp.blockNumber);
      if (steps !== cp.stepCount) {
        problems.push({ kind: "checkpoint-step-count", severity: "critical", message: `the agency signed ${cp.stepCount} steps up to block ${cp.blockNumber}, the ledger's events show ${steps}: events were withheld or added` });
      }
    }
    if (signedRoot !== null) {
      const root = ctx.commitmentsRootAt(cp.blockNumber, cp.commitmentsTree);
      if (root.toLowerCase() !== signedRoot.toLowerCase()) {
        problems.push({
          kind: "checkpoint-commitments-root",
          severity: "critical",
          message: `the agency signed the commitments root ${signedRoot} (${TREE_NAMES[cp.commitmentsTree]}) up to block ${cp.blockNumber}, the chain's StepRecorded events give ${root}: events were withheld, added or changed`,
        });
      } else {
        rootVerified = true;
      }
    }
  }
  return { valid: problems.length === 0, problems, signerAgency, rootVerified };
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
        commitmentsRoot: cp.commitmentsRoot ?? null,
        commitmentsTree: cp.commitmentsTree,
        rootVerified: v.rootVerified,
        signer: cp.signer,
        signerAgency: v.signerAgency ? agencyName(v.signerAgency) : undefined,
        valid: v.valid,
        problems: v.problems.map((p) => p.message),
      });
    }
  }
  return verdicts;
}

export interface CoSigning {
  /** checkpoint blocks with at least one valid signature */
  blocks: number;
  /** of those, the blocks validly signed by every agency named that was a member there (co-signed) */
  coSigned: number;
  /** of the co-signed blocks, those whose commitments root every signature carried and the audit recomputed */
  rootVerified: number;
  /** blocks validly signed by only some of the agencies, with the agencies that did */
  partial: { blockNumber: number; agencies: string[] }[];
}

/**
 * Which checkpoint blocks carry a valid signature of each of `agencies` (by the signer key's agency);
 * `memberAt(agency, block)`: whether that agency was a member at the block (an agency that joined later,
 * or had left, is not expected to sign it; default: always).
 */
export function coSigning(verdicts: CheckpointVerdict[], agencies: string[], memberAt: (agency: string, block: number) => boolean = () => true): CoSigning {
  const byBlock = new Map<number, CheckpointVerdict[]>();
  for (const v of verdicts) {
    if (!v.valid || !v.signerAgency) continue;
    byBlock.set(v.blockNumber, [...(byBlock.get(v.blockNumber) ?? []), v]);
  }
  const out: CoSigning = { blocks: byBlock.size, coSigned: 0, rootVerified: 0, partial: [] };
  for (const [blockNumber, vs] of [...byBlock].sort((a, b) => a[0] - b[0])) {
    const signedBy = new Set(vs.map((v) => v.signerAgency!));
    if (agencies.every((a) => signedBy.has(a) || !memberAt(a, blockNumber))) {
      out.coSigned++;
      if (vs.every((v) => v.rootVerified)) out.rootVerified++;
    } else {
      out.partial.push({ blockNumber, agencies: [...signedBy].sort() });
    }
  }
  return out;
}

/**
 * The checkpoint check's line in the report, e.g. "3 checkpoints (6 signatures from …), each co-signed by
 * BAMF and ZAB, commitments root verified", with counts for report.json.
 */
export function checkpointSummary(
  verdicts: CheckpointVerdict[],
  sources: string[],
  agencies: string[],
  headBlock: number,
  memberAt?: (agency: string, block: number) => boolean,
): { text: string; counts: Record<string, number> } {
  const cs = coSigning(verdicts, agencies, memberAt);
  const both = agencies.length <= 2 ? agencies.join(" and ") : `${agencies.slice(0, -1).join(", ")} and ${agencies[agencies.length - 1]}`;
  const parts = [`${cs.blocks} checkpoint${cs.blocks === 1 ? "" : "s"} (${verdicts.length} signature${verdicts.length === 1 ? "" : "s"} from ${sources.join(", ")})`];
  if (cs.blocks > 0) {
    if (cs.partial.length === 0) parts.push(`${cs.blocks === 1 ? "" : "each "}co-signed by ${both}`);
    else {
      const shown = cs.partial.slice(-5).map((p) => `${p.blockNumber} by ${p.agencies.join("+")}`);
      parts.push(`${cs.coSigned} co-signed by ${both}, ${cs.partial.length} not (block ${shown.join(", ")}${cs.partial.length > 5 ? ", …" : ""})`);
    }
    const valid = verdicts.filter((v) => v.valid);
    const rooted = valid.filter((v) => v.rootVerified).length;
    const above = valid.filter((v) => v.blockNumber > headBlock).length;
    const withoutRoot = valid.filter((v) => v.commitmentsRoot === null).length;
    // Which tree each verified root was recomputed in: the log tree's, or the sorted one of older rows.
    const trees = (["rfc6962", "sorted"] as const).map((t) => [t, valid.filter((v) => v.rootVerified && v.commitmentsTree === t).length] as const).filter(([, n]) => n > 0);
    const inTrees = trees.length === 0 ? "" : ` (${trees.map(([t, n]) => (trees.length === 1 ? `in the ${TREE_NAMES[t]}` : `${n} in the ${TREE_NAMES[t]}`)).join(", ")})`;
    if (rooted === valid.length) parts.push(`commitments root verified${inTrees}`);
    else {
      parts.push(`commitments root verified on ${rooted} of ${valid.length} signatures${inTrees}`);
      if (above > 0) parts.push(`${above} above the audited head checked by block hash only`);
      if (withoutRoot > 0) parts.push(`${withoutRoot} signed without a root (before it was part of the checkpoint)`);
    }
  }
  return {
    text: parts.join(", "),
    counts: {
      checkpointBlocks: cs.blocks,
      coSigned: cs.coSigned,
      coSignedRootVerified: cs.rootVerified,
      notCoSigned: cs.partial.length,
      signatures: verdicts.length,
      rootVerifiedLogTree: verdicts.filter((v) => v.valid && v.rootVerified && v.commitmentsTree === "rfc6962").length,
      rootVerifiedSortedTree: verdicts.filter((v) => v.valid && v.rootVerified && v.commitmentsTree === "sorted").length,
    },
  };
}
