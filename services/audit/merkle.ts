// Inclusion proofs: a file that lets anyone check offline that a StepRecorded event is part of the
// history up to a block the agencies signed a checkpoint over (the signatures cover the proof's root).
// leaf = [blockNumber, logIndex, caseRef, packedStep, commitment] (services/shared/commitment-leaf.ts).
//
//   anker-inclusion-proof-v2  (written from now on) the RFC 6962 log tree the agencies sign
//                             (services/shared/commitments-log-root.ts): leaf index, tree size and audit
//                             path, checked by RFC 9162 §2.1.3.2, as CT / transparency tooling checks its
//                             own; its checkpoints are signed under the log tree's EIP-712 type.
//   anker-inclusion-proof-v1  (still verified) the sorted StandardMerkleTree (@openzeppelin/merkle-tree) of
//                             checkpoints signed before; its checkpoints are signed under that tree's type.
// The log tree's checkpoints sign its size (stepCount) with its root, as an RFC 6962 signed tree head does:
// a v2 proof's treeSize must be the signed one, which binds leafIndex too (the path's shape alone does not:
// leaf 0 of 36 or of 37 leaves has the same path). Without a checkpoint, only the root binds the proof.
// Pure, no I/O.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getBytes } from "ethers";
import { z } from "zod";
import { recoverCheckpointSigner } from "../shared/checkpoint";
import { COMMITMENT_LEAF_ENCODING } from "../shared/commitment-leaf";
import { toHex32 as hexOf, logAuditPath, logLeafHash, rootFromAuditPath } from "../shared/commitments-log-root";
import type { CommitmentsTree } from "../shared/vocab/commitments-tree";
import { logLeafHashOf } from "./commitment-log-leaf";
import type { StepRecorded } from "./events";
import type { StepLog } from "./step-log";

export const LEAF_ENCODING: string[] = [...COMMITMENT_LEAF_ENCODING];
export type Leaf = [string, string, string, string, string];

export function leafOf(s: StepRecorded): Leaf {
  return [String(s.block), String(s.logIndex), s.caseRef, BigInt("0x" + s.packedHex).toString(), s.commitment];
}

/** The sorted tree (v1) over every StepRecorded at or below `uptoBlock`, in log order. */
export function buildEventTree(steps: Iterable<StepRecorded>, uptoBlock: number): StandardMerkleTree<Leaf> {
  const leaves: Leaf[] = [];
  for (const s of steps) {
    if (s.block > uptoBlock) break;
    leaves.push(leafOf(s));
  }
  if (leaves.length === 0) throw new Error(`no events up to block ${uptoBlock}`);
  return StandardMerkleTree.of(leaves, LEAF_ENCODING);
}

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const decimal = z.string().regex(/^[0-9]+$/);

const ProofCheckpoint = z.object({
  blockNumber: z.number().int().nonnegative(),
  blockHash: hex32,
  caseCount: z.number().int().nonnegative(),
  /** the root the checkpoint signed (= root); absent or null on checkpoints signed before it was part of them */
  commitmentsRoot: hex32.nullish(),
  signer: address,
  signature: z.string(),
});

const common = {
  chainId: z.number().int().positive(),
  ledger: address,
  ledgerEventId: decimal,
  /** the tree covers every StepRecorded up to and including this block */
  uptoBlock: z.number().int().nonnegative(),
  blockHash: hex32,
  leafEncoding: z.array(z.string()),
  leaf: z.tuple([decimal, decimal, hex32, decimal, hex32]),
  root: hex32,
  note: z.string().optional(),
};

export const InclusionProofV1 = z.object({
  format: z.literal("anker-inclusion-proof-v1"),
  ...common,
  leafCount: z.number().int().positive(),
  proof: z.array(hex32),
  /** checkpoints the agencies signed over `uptoBlock` under the sorted tree's type (empty: the audited head, not co-signed) */
  checkpoints: z.array(ProofCheckpoint),
});

export const InclusionProofV2 = z.object({
  format: z.literal("anker-inclusion-proof-v2"),
  ...common,
  /** RFC 6962 Merkle Tree Hash with SHA-256 over the leaves in chain order */
  tree: z.literal("rfc6962"),
  /** the leaf's 0-based position in chain order among the StepRecorded up to uptoBlock */
  leafIndex: z.number().int().nonnegative(),
  /** how many StepRecorded there are up to uptoBlock */
  treeSize: z.number().int().positive(),
  /** RFC 6962 audit path, from the leaf's sibling up */
  auditPath: z.array(hex32),
  /** checkpoints the agencies signed over `uptoBlock` under the log tree's type (empty: the audited head, not co-signed) */
  checkpoints: z.array(ProofCheckpoint.extend({ commitmentsTree: z.literal("rfc6962"), stepCount: z.number().int().nonnegative().nullish() })),
});

export const InclusionProof = z.discriminatedUnion("format", [InclusionProofV1, InclusionProofV2]);
export type InclusionProof = z.infer<typeof InclusionProof>;
export type InclusionProofV1 = z.infer<typeof InclusionProofV1>;
export type InclusionProofV2 = z.infer<typeof InclusionProofV2>;

export interface ProofContext<C> {
  chainId: number;
  ledger: string;
  uptoBlock: number;
  blockHash: string;
  checkpoints: C[];
}

/** The index of event `eventId` among `steps`, checked to be at or below uptoBlock. */
function targetOf(steps: Iterable<StepRecorded>, eventId: bigint, uptoBlock: number): { target: StepRecorded; index: number; size: number } {
  let target: StepRecorded | undefined;
  let index = -1;
  let size = 0;
  for (const s of steps) {
    if (s.block > uptoBlock) break;
    if (s.eventId === eventId) [target, index] = [s, size];
    size++;
  }
  if (!target) {
    for (const s of steps) if (s.eventId === eventId) throw new Error(`event ${eventId} (block ${s.block}) is above block ${uptoBlock}`);
    throw new Error(`event ${eventId} is not on chain`);
  }
  return { target, index, size };
}

/** The v2 inclusion proof of event `eventId` in the log tree up to `ctx.uptoBlock`. */
export function proveEvent(steps: StepLog | readonly StepRecorded[], eventId: bigint, ctx: ProofContext<InclusionProofV2["checkpoints"][number]>): InclusionProofV2 {
  const { target, index, size } = targetOf(steps, eventId, ctx.uptoBlock);
  const leafHashAt = (i: number): Uint8Array => logLeafHashOf(steps, i);
  const path = logAuditPath(leafHashAt, index, size);
  const root = rootFromAuditPath(leafHashAt(index), index, size, path)!;
  return {
    format: "anker-inclusion-proof-v2",
    chainId: ctx.chainId,
    ledger: ctx.ledger,
    ledgerEventId: eventId.toString(),
    uptoBlock: ctx.uptoBlock,
    blockHash: ctx.blockHash,
    leafEncoding: LEAF_ENCODING,
    leaf: leafOf(target),
    tree: "rfc6962",
    leafIndex: index,
    treeSize: size,
    auditPath: path.map(hexOf),
    root: hexOf(root),
    checkpoints: ctx.checkpoints,
    note:
      "leaf = [blockNumber, logIndex, caseRef, packedStep, commitment] of the StepRecorded event, abi-encoded (5 x 32 bytes). " +
      "The tree (RFC 6962 Merkle Tree Hash, SHA-256: leaf hash SHA-256(0x00 || leaf), node SHA-256(0x01 || left || right)) holds every " +
      "StepRecorded of the ledger up to uptoBlock in chain order (block, log index); leafIndex, treeSize and auditPath are an RFC 6962 " +
      "inclusion proof (verify as RFC 9162 section 2.1.3.2). The checkpoints sign blockHash, this root (as commitmentsLogRoot) and " +
      "treeSize (as stepCount) at uptoBlock; the root can be recomputed by anyone from the chain's logs up to that block.",
  };
}

/** The v1 inclusion proof (sorted tree) of event `eventId` up to `ctx.uptoBlock`; no longer written by the audit, kept to test v1 files. */
export function proveEventV1(steps: Iterable<StepRecorded>, eventId: bigint, ctx: ProofContext<InclusionProofV1["checkpoints"][number]>): InclusionProofV1 {
  const { target } = targetOf(steps, eventId, ctx.uptoBlock);
  const tree = buildEventTree(steps, ctx.uptoBlock);
  const leaf = leafOf(target);
  return {
    format: "anker-inclusion-proof-v1",
    chainId: ctx.chainId,
    ledger: ctx.ledger,
    ledgerEventId: eventId.toString(),
    uptoBlock: ctx.uptoBlock,
    blockHash: ctx.blockHash,
    leafCount: tree.length,
    leafEncoding: LEAF_ENCODING,
    leaf,
    proof: tree.getProof(leaf),
    root: tree.root,
    checkpoints: ctx.checkpoints,
    note:
      "leaf = [blockNumber, logIndex, caseRef, packedStep, commitment] of the StepRecorded event; the tree " +
      "(OpenZeppelin StandardMerkleTree) holds every StepRecorded of the ledger up to uptoBlock. The checkpoints " +
      "sign blockHash and this root (commitmentsRoot) at uptoBlock; the root can be recomputed by anyone from the " +
      "chain's logs up to that block.",
  };
}

export interface ProofVerdict {
  valid: boolean;
  problems: string[];
  /** addresses that signed checkpoints over uptoBlock with matching block hash */
  signers: string[];
}

/** Whether the leaf and its proof lead to the stated root, in the tree the format names. */
function leafInTree(p: InclusionProof, problems: string[]): boolean {
  try {
    if (p.format === "anker-inclusion-proof-v1") return StandardMerkleTree.verify(p.root, LEAF_ENCODING, p.leaf, p.proof);
    if (p.leafIndex >= p.treeSize) problems.push(`leaf index ${p.leafIndex} is not below the tree size ${p.treeSize}`);
    const [blockNumber, logIndex, caseRef, packedStep, commitment] = p.leaf;
    const leafHash = logLeafHash({ blockNumber: Number(blockNumber), logIndex: Number(logIndex), caseRef, packedStep: BigInt(packedStep), commitment });
    const root = rootFromAuditPath(leafHash, p.leafIndex, p.treeSize, p.auditPath.map((h) => getBytes(h)));
    if (root === undefined) problems.push(`the audit path of ${p.auditPath.length} hashes does not fit leaf ${p.leafIndex} of a tree of ${p.treeSize}`);
    return root !== undefined && hexOf(root) === p.root.toLowerCase();
  } catch (err) {
    problems.push(`the proof cannot be evaluated: ${(err as Error).message}`);
    return false;
  }
}

/**
 * Verify a proof offline: the leaf is in the tree with the stated root (v2: at leafIndex of treeSize
 * leaves), the leaf's packed step carries the stated event id, its block is at or below uptoBlock, and
 * every checkpoint signature is valid for (chainId, ledger, uptoBlock, blockHash, caseCount, root) under
 * the EIP-712 type of the proof's tree. With `expect`, also the root (e.g. from an audit report) and the
 * signer keys the verifier trusts.
 */
export function verifyInclusionProof(input: unknown, expect: { root?: string; signers?: string[] } = {}): ProofVerdict {
  const parsed = InclusionProof.safeParse(input);
  if (!parsed.success) return { valid: false, problems: [`not an inclusion proof: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`], signers: [] };
  const p = parsed.data;
  const tree: CommitmentsTree = p.format === "anker-inclusion-proof-v1" ? "sorted" : "rfc6962";
  const problems: string[] = [];
  if (JSON.stringify(p.leafEncoding) !== JSON.stringify(LEAF_ENCODING)) problems.push(`unexpected leaf encoding ${p.leafEncoding.join(",")}`);
  if (!leafInTree(p, problems)) problems.push("the leaf and proof do not lead to the stated root");
  const packed = BigInt(p.leaf[3]);
  if ((packed & ((1n << 64n) - 1n)).toString() !== p.ledgerEventId) problems.push(`the leaf carries event id ${packed & ((1n << 64n) - 1n)}, not ${p.ledgerEventId}`);
  if (Number(p.leaf[0]) > p.uptoBlock) problems.push(`the leaf's block ${p.leaf[0]} is above uptoBlock ${p.uptoBlock}`);
  if (expect.root && expect.root.toLowerCase() !== p.root.toLowerCase()) problems.push(`the root ${p.root} is not the expected ${expect.root}`);
  const signers: string[] = [];
  for (const cp of p.checkpoints) {
    if (cp.blockNumber !== p.uptoBlock || cp.blockHash.toLowerCase() !== p.blockHash.toLowerCase()) {
      problems.push(`a checkpoint signs block ${cp.blockNumber} ${cp.blockHash}, not ${p.uptoBlock} ${p.blockHash}`);
      continue;
    }
    const signedRoot = cp.commitmentsRoot ?? null;
    if (signedRoot !== null && signedRoot.toLowerCase() !== p.root.toLowerCase()) {
      problems.push(`a checkpoint signs the commitments root ${signedRoot}, not the proof's root ${p.root}`);
      continue;
    }
    const stepCount = "stepCount" in cp ? (cp.stepCount ?? null) : null;
    if (p.format === "anker-inclusion-proof-v2" && signedRoot !== null && stepCount !== p.treeSize) {
      problems.push(`a checkpoint signs a tree of ${stepCount ?? "no"} steps, not the proof's ${p.treeSize}`);
      continue;
    }
    let who: string;
    try {
      who = recoverCheckpointSigner({ chainId: p.chainId, ledger: p.ledger, blockNumber: cp.blockNumber, blockHash: cp.blockHash, caseCount: cp.caseCount, commitmentsRoot: signedRoot, commitmentsTree: tree, stepCount }, cp.signature);
    } catch (err) {
      problems.push(`a checkpoint signature cannot be read: ${(err as Error).message}`);
      continue;
    }
    if (who.toLowerCase() !== cp.signer.toLowerCase()) {
      problems.push(`a checkpoint signature is by ${who}, not by the stated ${cp.signer}`);
      continue;
    }
    signers.push(who);
  }
  if (expect.signers) {
    const trusted = new Set(expect.signers.map((s) => s.toLowerCase()));
    if (!signers.some((s) => trusted.has(s.toLowerCase()))) problems.push("no checkpoint is signed by a trusted key");
  }
  return { valid: problems.length === 0, problems, signers };
}
