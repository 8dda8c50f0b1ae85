// Part of the fetch phase: the chain's consensus, read before the audited range streams in. Detected from
// block 0 unless named; on QBFT the trusted epoch block (the last one at or before the first audited
// block) is read, and the headers from it up to the audited range are checked and linked, so that the
// validator set and the votes are known when the range starts.
import { decodeQbftExtraData } from "../../shared/qbft/extra-data";
import { DevConsensus, QbftConsensus, anchorReason, detectConsensus, type ChainConsensus, type ConsensusChoice } from "../consensus/chain-consensus";
import type { Progress } from "../progress";
import { CannotRun, fetchHeaders, type RpcClient } from "../rpc";
import type { RpcBlock } from "../types";
import type { VerifiedHead } from "../verified-head";

export interface ConsensusInputs {
  choice: ConsensusChoice;
  /** who named the choice when it is not "auto" (default: an option) */
  source?: "option" | "deployment record";
  /** QBFT epoch length (the genesis file's qbft.epochlength) */
  epochLength: number;
  /** the first audited block */
  fromBlock: number;
  /** headers per request while reading the blocks before the audited range */
  chunk?: number;
  /** QBFT: check the commit seals in a process beside the audit (seal-check-worker.ts) */
  sealsApart?: boolean;
  /** the auditor's record of a head verified before, at or below the audited head (verified-head.ts) */
  verifiedHead?: VerifiedHead;
  progress: Progress;
}

export interface PreparedConsensus {
  consensus: ChainConsensus;
  /** QBFT, when the audited range starts after the anchor: the verified hash of block fromBlock - 1 */
  previousHash?: string;
}

const hexQ = (n: number) => "0x" + n.toString(16);

async function blockAt(rpc: RpcClient, n: number): Promise<RpcBlock> {
  const b = await rpc.call<RpcBlock | null>("eth_getBlockByNumber", [hexQ(n), false]);
  if (!b) throw new CannotRun(`the node has no block ${n}`);
  return b;
}

export async function prepareConsensus(rpc: RpcClient, inp: ConsensusInputs): Promise<PreparedConsensus> {
  const detectedFrom = inp.choice === "auto" ? "genesis" : (inp.source ?? "option");
  const kind = inp.choice === "auto" ? detectConsensus(await blockAt(rpc, 0)) : inp.choice;
  if (kind === "dev") return { consensus: new DevConsensus(detectedFrom, inp.verifiedHead) };

  const epochBlock = inp.fromBlock - (inp.fromBlock % inp.epochLength);
  const anchor = await blockAt(rpc, epochBlock);
  try {
    decodeQbftExtraData(anchor.extraData);
  } catch (err) {
    throw new CannotRun(`QBFT: block ${epochBlock}, the epoch block the finality check starts from, has no QBFT extraData (${(err as Error).message}); is this a QBFT chain (--consensus)?`);
  }
  const consensus = new QbftConsensus(anchor, inp.epochLength, anchorReason(epochBlock, inp.fromBlock, inp.epochLength), detectedFrom, inp.sealsApart ?? false, inp.verifiedHead);
  if (inp.fromBlock <= epochBlock) return { consensus };

  // The headers between the epoch block and the audited range carry the votes that shape the set.
  const chunk = inp.chunk ?? 1_000;
  inp.progress.phase("validator set", inp.fromBlock - epochBlock - 1, "blocks");
  try {
    for (let from = epochBlock + 1; from < inp.fromBlock; from += chunk) {
      const to = Math.min(inp.fromBlock - 1, from + chunk - 1);
      consensus.pushBeforeRange(await fetchHeaders(rpc, from, to));
      await consensus.room();
      inp.progress.tick(to - from + 1);
    }
  } catch (err) {
    consensus.close();
    throw err;
  }
  inp.progress.done();
  return { consensus, previousHash: consensus.lastHash };
}
