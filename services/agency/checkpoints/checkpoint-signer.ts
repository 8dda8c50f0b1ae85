// Every CHECKPOINT_EVERY_BLOCKS blocks the agency signs what it has seen of the chain (EIP-712, definition
// in services/shared/checkpoint.ts, the log tree's type): block number and hash, how many cases the ledger
// holds up to there, and the RFC 6962 root of every step's commitment up to there in chain order with the
// number of steps (commitments-root.ts). The row stores which tree its root is, as rows signed before (sorted tree) say
// too. Only blocks the listener has stored completely are signed, so caseCount and root are exact. Both agencies sign at the
// same heights (multiples of CHECKPOINT_EVERY_BLOCKS), so each of those blocks is co-signed. The audit
// checks these signatures against the chain it is shown: a rewritten or forked history, or events
// withheld, added or changed, no longer match.
import type { Logger } from "pino";
import type { Db } from "../store/db";
import type { ChainAdapter } from "../chain/adapter";
import { checkpointDomain, firstCheckpointBlock, typedDataOf, type Checkpoint } from "../../shared/checkpoint";
import { CURRENT_COMMITMENTS_TREE } from "../../shared/vocab/commitments-tree";
import { metrics } from "../metrics";
import { serialized } from "../store/serialized";
import { ServiceLoop } from "../util/service-loop";
import { errorSummary } from "../chain/rpc-errors";
import { CheckpointTally } from "./commitments-root";

export interface CheckpointOptions {
  everyBlocks: number;
  /** highest block whose events are all stored (the listener's) */
  storedThrough: () => number;
  intervalMs?: number;
  /** checkpoints signed per round at most (catching up after a long stop goes in rounds) */
  maxPerRound?: number;
}

/** Distinct cases with a recorded step up to and including `block`. */
export async function caseCountAt(db: Db, block: number): Promise<number> {
  const rows = await db.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(DISTINCT "caseRef") AS n FROM "LedgerEvent" WHERE "name" = 'StepRecorded' AND "blockNumber" <= ${block}`;
  return Number(rows[0]?.n ?? 0);
}

export class CheckpointSigner extends ServiceLoop {
  /** root and case count carried from one checkpoint to the next (commitments-root.ts) */
  private readonly tally = new CheckpointTally();

  constructor(
    private readonly db: Db,
    private readonly chain: ChainAdapter,
    private readonly log: Logger,
    private readonly opts: CheckpointOptions,
  ) {
    super();
  }

  protected async run(): Promise<void> {
    while (this.running) {
      try {
        await this.signDue();
      } catch (err) {
        this.log.warn({ err: errorSummary(err) }, "checkpoint signing failed; retrying");
      }
      await this.waker.sleep(this.opts.intervalMs ?? 1000);
    }
  }

  /** Sign every due checkpoint block up to what the listener has stored; returns how many. */
  async signDue(): Promise<number> {
    const every = this.opts.everyBlocks;
    const last = await this.db.signedCheckpoint.findFirst({ orderBy: { blockNumber: "desc" }, select: { blockNumber: true } });
    let block = last ? last.blockNumber + every : firstCheckpointBlock(this.chain.deploymentBlock, every);
    const through = this.opts.storedThrough();
    const max = this.opts.maxPerRound ?? 200;
    let signed = 0;
    for (; block <= through && signed < max; block += every) {
      const b = await this.chain.block(block);
      const cp: Checkpoint = {
        chainId: this.chain.chainId,
        ledger: this.chain.ledgerAddress,
        blockNumber: block,
        blockHash: b.hash,
        ...(await this.tally.at(this.db, block)),
        commitmentsTree: CURRENT_COMMITMENTS_TREE,
      };
      const [types, value] = typedDataOf(cp);
      const signature = await this.chain.signTypedData(checkpointDomain(cp.chainId, cp.ledger), types, value);
      await serialized(this.db, (tx) =>
        tx.signedCheckpoint.create({
          data: { blockNumber: block, blockHash: b.hash, caseCount: cp.caseCount, commitmentsRoot: cp.commitmentsRoot, commitmentsTree: cp.commitmentsTree, stepCount: cp.stepCount, signer: this.chain.address, signature },
        }),
      );
      metrics.checkpointsSigned.inc();
      this.log.info({ block, caseCount: cp.caseCount, commitmentsRoot: cp.commitmentsRoot, commitmentsTree: cp.commitmentsTree }, "checkpoint signed");
      signed++;
    }
    return signed;
  }
}
