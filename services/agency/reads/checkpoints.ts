// The checkpoints this agency signed (GET /api/checkpoints), newest first.
import type { z } from "zod";
import type { CheckpointList } from "../../shared/contract";
import type { ServiceContext } from "../context";

export async function signedCheckpoints(ctx: ServiceContext, limit: number): Promise<z.infer<typeof CheckpointList>> {
  const rows = await ctx.db.signedCheckpoint.findMany({ orderBy: { blockNumber: "desc" }, take: limit });
  return {
    checkpoints: rows.map((c) => ({
      blockNumber: c.blockNumber,
      blockHash: c.blockHash,
      caseCount: c.caseCount,
      commitmentsRoot: c.commitmentsRoot,
      signer: c.signer,
      signature: c.signature,
      createdAt: c.createdAt.toISOString(),
    })),
  };
}
