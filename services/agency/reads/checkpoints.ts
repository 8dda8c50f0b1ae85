// The checkpoints this agency signed (GET /api/checkpoints), newest first.
import type { z } from "zod";
import type { CheckpointList } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { COMMITMENTS_TREES, type CommitmentsTree } from "../../shared/vocab/commitments-tree";

/** The row's tree as the contract names it (the column is free text to the database). */
export function commitmentsTreeOf(stored: string): CommitmentsTree {
  const tree = COMMITMENTS_TREES.find((t) => t === stored);
  if (!tree) throw new Error(`SignedCheckpoint names an unknown commitments tree: ${stored}`);
  return tree;
}

export async function signedCheckpoints(ctx: ServiceContext, limit: number): Promise<z.infer<typeof CheckpointList>> {
  const rows = await ctx.db.signedCheckpoint.findMany({ orderBy: { blockNumber: "desc" }, take: limit });
  return {
    checkpoints: rows.map((c) => ({
      blockNumber: c.blockNumber,
      blockHash: c.blockHash,
      caseCount: c.caseCount,
      commitmentsRoot: c.commitmentsRoot,
      commitmentsTree: commitmentsTreeOf(c.commitmentsTree),
      stepCount: c.stepCount,
      signer: c.signer,
      signature: c.signature,
      createdAt: c.createdAt.toISOString(),
    })),
  };
}
