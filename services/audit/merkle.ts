// Inclusion proofs: a StandardMerkleTree (@openzeppelin/merkle-tree) over the StepRecorded events up to a
// checkpoint's block, leaf = [blockNumber, logIndex, caseRef, packedStep, commitment]. Its root is the
// commitmentsRoot the agencies sign in their checkpoints (services/shared/commitments-root.ts computes the
// same root faster). A proof file lets anyone check offline that an event is part of the history up to
// a checkpoint the agencies signed: the signatures cover the proof's root itself. Pure, no I/O.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { z } from "zod";
import { recoverCheckpointSigner } from "../shared/checkpoint";
import { COMMITMENT_LEAF_ENCODING } from "../shared/commitments-root";
import type { StepRecorded } from "./events";

export const LEAF_ENCODING: string[] = [...COMMITMENT_LEAF_ENCODING];
export type Leaf = [string, string, string, string, string];

export function leafOf(s: StepRecorded): Leaf {
  return [String(s.block), String(s.logIndex), s.caseRef, BigInt("0x" + s.packedHex).toString(), s.commitment];
}

/** The tree over every StepRecorded at or below `uptoBlock`, in log order. */
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

export const InclusionProof = z.object({
  format: z.literal("anker-inclusion-proof-v1"),
  chainId: z.number().int().positive(),
  ledger: address,
  ledgerEventId: z.string().regex(/^[0-9]+$/),
  /** the tree covers every StepRecorded up to and including this block */
  uptoBlock: z.number().int().nonnegative(),
  blockHash: hex32,
  leafCount: z.number().int().positive(),
  leafEncoding: z.array(z.string()),
  leaf: z.tuple([z.string(), z.string(), hex32, z.string(), hex32]),
  proof: z.array(hex32),
  root: hex32,
  /** checkpoints the agencies signed over `uptoBlock` (empty: the audited head, not co-signed) */
  checkpoints: z.array(
    z.object({
      blockNumber: z.number().int().nonnegative(),
      blockHash: hex32,
      caseCount: z.number().int().nonnegative(),
      /** the root the checkpoint signed (= root); absent or null on checkpoints signed before it was part of them */
      commitmentsRoot: hex32.nullish(),
      signer: address,
      signature: z.string(),
    }),
  ),
  note: z.string().optional(),
});
export type InclusionProof = z.infer<typeof InclusionProof>;

export interface ProofContext {
  chainId: number;
  ledger: string;
  uptoBlock: number;
  blockHash: string;
  checkpoints: InclusionProof["checkpoints"];
}

/** The inclusion proof of event `eventId` in the tree up to `ctx.uptoBlock`. */
export function proveEvent(steps: Iterable<StepRecorded>, eventId: bigint, ctx: ProofContext): InclusionProof {
  let target: StepRecorded | undefined;
  for (const s of steps) {
    if (s.eventId === eventId) {
      target = s;
      break;
    }
  }
  if (!target) throw new Error(`event ${eventId} is not on chain`);
  if (target.block > ctx.uptoBlock) throw new Error(`event ${eventId} (block ${target.block}) is above block ${ctx.uptoBlock}`);
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

/**
 * Verify a proof offline: the leaf is in the tree with the stated root, the leaf's packed step carries
 * the stated event id, its block is at or below uptoBlock, and every checkpoint signature is valid for
 * (chainId, ledger, uptoBlock, blockHash, caseCount, commitmentsRoot) with commitmentsRoot = root. With
 * `expect`, also the root (e.g. from an audit report) and the signer keys the verifier trusts.
 */
export function verifyInclusionProof(input: unknown, expect: { root?: string; signers?: string[] } = {}): ProofVerdict {
  const parsed = InclusionProof.safeParse(input);
  if (!parsed.success) return { valid: false, problems: [`not an inclusion proof: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`], signers: [] };
  const p = parsed.data;
  const problems: string[] = [];
  if (JSON.stringify(p.leafEncoding) !== JSON.stringify(LEAF_ENCODING)) problems.push(`unexpected leaf encoding ${p.leafEncoding.join(",")}`);
  let inTree = false;
  try {
    inTree = StandardMerkleTree.verify(p.root, LEAF_ENCODING, p.leaf, p.proof);
  } catch (err) {
    problems.push(`the proof cannot be evaluated: ${(err as Error).message}`);
  }
  if (!inTree) problems.push("the leaf and proof do not lead to the stated root");
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
    let who: string;
    try {
      who = recoverCheckpointSigner({ chainId: p.chainId, ledger: p.ledger, blockNumber: cp.blockNumber, blockHash: cp.blockHash, caseCount: cp.caseCount, commitmentsRoot: signedRoot }, cp.signature);
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
