// Phase 1 of an audit: everything read from the chain and the agencies' exports. The block ranges stream
// through the engine (engine.ts), which re-hashes headers and replays the events while the next ranges
// arrive; case heads are read as cases appear, the exports are indexed and the checkpoints' log-tree
// roots computed meanwhile (each on a worker thread where one starts). What comes back
// is the engine's verified stream and the raw answers the verify phase judges.
import type { Deployment } from "../../shared/deployment";
import { CaseHeadReader } from "../case-heads";
import type { ExportIndex } from "../commitments";
import { QBFT_DEFAULT_EPOCH_LENGTH, type ChainConsensus, type ConsensusChoice } from "../consensus/chain-consensus";
import { AuditEngine } from "../engine";
import { LEDGER_INTERFACE, STEP_RECORDED_TOPIC } from "../events";
import { indexExportsAlongside } from "../export-indexing";
import type { Progress } from "../progress";
import { fetchRanges, type RangePlan } from "../ranges";
import { BlockRangeLimit, DEFAULT_MAX_BLOCK_RANGE } from "../../shared/log-range";
import type { OnChainHead } from "../replay";
import { CannotRun, RpcClient } from "../rpc";
import type { AgencyExport, RpcBlock } from "../types";
import { StepHashWorker } from "../step-hash-worker";
import type { CaseHeadChains } from "../case-head-chains";
import { checkVerifiedHeadFits, type VerifiedHead } from "../verified-head";
import { prepareConsensus } from "./consensus";

export interface FetchInputs {
  rpcUrl: string;
  deployment: Deployment;
  exports?: AgencyExport[];
  /** the heights of every signed checkpoint given: their verified hashes are kept */
  checkpointHeights: number[];
  /** the heights whose log-tree roots the checkpoints sign: computed on a worker thread while the chain is read */
  logRootHeights?: number[];
  /** audit from block 0 instead of the deployment block */
  fromGenesis?: boolean;
  /** audit up to this block instead of the head */
  toBlock?: number;
  rpc?: { batchSize?: number; concurrency?: number };
  /** ledger logs wanted per eth_getLogs request (the block range adapts to it) */
  targetLogsPerRequest?: number;
  maxBlocksPerRequest?: number;
  /** most blocks one eth_getLogs request spans (the node's cap, e.g. Besu's --rpc-max-logs-range) */
  maxBlockRange?: number;
  /** ranges fetched ahead while one is verified */
  prefetch?: number;
  /** the chain's consensus: "auto" (default) detects it from block 0; who named it otherwise */
  consensus?: ConsensusChoice;
  consensusSource?: "option" | "deployment record";
  /** QBFT epoch length (default Besu's 30,000) */
  epochLength?: number;
  /** QBFT: the fewest blocks to seal-check for which the seals are checked in a process beside the audit (default 2,000) */
  sealProcessFromBlocks?: number;
  /**
   * the auditor's record of the head an earlier audit verified (--verified-head): the chain must still hash
   * to it there, and on QBFT the seals up to it are not recovered again; above the audited head it is only
   * reported
   */
  verifiedHead?: VerifiedHead;
  progress: Progress;
}

export interface Fetched {
  chainId: number;
  fromBlock: number;
  /** the audited head */
  head: number;
  /** headers, events and replay, verified as they streamed in; its sink collects every finding */
  engine: AuditEngine;
  /** caseHead() of each case at the audited block (absent: unreadable) */
  heads: Map<string, OnChainHead>;
  /** the code at the ledger address at the audited block */
  code: string;
  /** codeListHash() and codeListVersion() at the audited block, "" where unreadable */
  codeList: { hash: string; version: string };
  /** blocks at checkpoint heights outside the audited range, as the node returned them (null: none) */
  blocksOutsideRange: { height: number; block: RpcBlock | null }[];
  /** each agency's export lines by event id, with their commitments */
  exportIndexes: Map<number, ExportIndex>;
  /** the chain's consensus, its findings (QBFT seals, validator set) and the report's finality line */
  consensus?: ChainConsensus;
  /** the log tree's root at each of logRootHeights up to the head, from the worker (absent: none could run; verify computes them) */
  logRoots?: Map<number, string>;
  /** the cases' recomputed hash-chain heads, from the worker (absent: none could run; verify computes them) */
  caseHeads?: CaseHeadChains;
}

const hexQ = (n: number) => "0x" + n.toString(16);

export async function fetchAudit(inp: FetchInputs): Promise<Fetched> {
  const { progress, deployment: d } = inp;
  const ledger = d.contracts.ProcedureLedger.address.toLowerCase();
  const rpc = new RpcClient(inp.rpcUrl, { batchSize: inp.rpc?.batchSize ?? 250, concurrency: inp.rpc?.concurrency ?? 4 });

  const chainId = Number(BigInt(await rpc.call<string>("eth_chainId", [])));
  if (chainId !== d.chainId) throw new CannotRun(`the node at ${inp.rpcUrl} serves chain ${chainId}, the deployment record names chain ${d.chainId}`);
  const head = inp.toBlock ?? Number(BigInt(await rpc.call<string>("eth_blockNumber", [])));
  const fromBlock = inp.fromGenesis ? 0 : d.block;
  if (head < d.block) throw new CannotRun(`the chain at ${inp.rpcUrl} is at block ${head}, below the deployment block ${d.block}: a different chain than the deployment record describes`);

  if (inp.verifiedHead) checkVerifiedHeadFits(inp.verifiedHead, { chainId, ledger, deploymentBlock: d.block });
  // Compared (and its seals trusted) only where this audit reaches it; above the head it is only reported.
  const verifiedHead = inp.verifiedHead && inp.verifiedHead.block <= head ? inp.verifiedHead : undefined;
  const sealsFrom = Math.max(fromBlock, (verifiedHead?.block ?? -1) + 1);
  const { consensus, previousHash } = await prepareConsensus(rpc, {
    choice: inp.consensus ?? "auto",
    source: inp.consensusSource,
    epochLength: inp.epochLength ?? QBFT_DEFAULT_EPOCH_LENGTH,
    fromBlock,
    // a process costs about half a second to start: worth it beside a long audit, not a short one
    sealsApart: head - sealsFrom + 1 >= (inp.sealProcessFromBlocks ?? 2_000),
    verifiedHead,
    progress,
  });
  const engine = new AuditEngine({
    ledger,
    fromBlock,
    toBlock: head,
    anchorHash: inp.fromGenesis ? undefined : d.blockHash,
    keepHashesAt: [...inp.checkpointHeights, d.block],
    consensus,
    previousHash,
  });
  const plan: RangePlan = {
    ledger,
    fromBlock,
    toBlock: head,
    targetLogsPerRequest: inp.targetLogsPerRequest ?? 5_000,
    maxBlocksPerRequest: inp.maxBlocksPerRequest ?? 2_000,
    logRange: new BlockRangeLimit(inp.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE),
    prefetch: inp.prefetch ?? 3,
  };
  const at = hexQ(head);
  const heads = new CaseHeadReader(rpc, ledger, at);
  const indexing = indexExportsAlongside(inp.exports ?? []);
  // Awaited only once the chain has been read: a failure before then is thrown there, as the audit's
  // error, and must not count as unhandled meanwhile (Node ends the process on an unhandled rejection).
  indexing.catch(() => undefined);

  // Started beside the first range's reading; fed from the first range on once it is ready.
  const hashWorkerStarting = StepHashWorker.start((inp.logRootHeights ?? []).filter((n) => n <= head));
  let hashWorker: StepHashWorker | undefined;

  // ---- headers and logs, range by range, fetched ahead while the previous range is verified ---------
  progress.phase("headers + events", head - fromBlock + 1, "blocks");
  try {
    for await (const { range, blocks, batch } of fetchRanges(rpc, plan, STEP_RECORDED_TOPIC)) {
      engine.pushBatch(blocks, batch);
      hashWorker ??= await hashWorkerStarting;
      await hashWorker?.feed(engine.replayer.steps);
      if (consensus.kind === "qbft") await consensus.room();
      heads.readNew(engine.replayer.caseList);
      progress.tick(range[1] - range[0] + 1);
    }
  } catch (err) {
    void hashWorkerStarting.then((w) => w?.close());
    if (consensus.kind === "qbft") consensus.close();
    throw err;
  }
  hashWorker ??= await hashWorkerStarting;
  engine.finish();
  progress.done(`${engine.headers.headersChecked} headers, ${engine.logsChecked} events`);

  // ---- chain state at the audited block: code, code lists, case heads, other checkpoint blocks -------
  progress.phase("case heads", engine.replayer.caseList.length, "cases");
  heads.reportTo((n) => progress.tick(n));
  heads.readNew(engine.replayer.caseList, true);
  const callView = async (name: string): Promise<string> => {
    try {
      const res = await rpc.call<string>("eth_call", [{ to: ledger, data: LEDGER_INTERFACE.encodeFunctionData(name, []) }, at]);
      return String(LEDGER_INTERFACE.decodeFunctionResult(name, res)[0]);
    } catch {
      return "";
    }
  };
  // Checkpoints below the audited range, or above it (signed after the audited head was fixed), are
  // checked against the chain's current header at that height, re-hashed in the verify phase.
  const outside = [...new Set(inp.checkpointHeights.filter((n) => n < fromBlock || n > head))];
  const [headMap, code, hash, version, outsideBlocks, exportIndexes, stepHashes] = await Promise.all([
    heads.all(),
    rpc.call<string>("eth_getCode", [ledger, at]),
    callView("codeListHash"),
    callView("codeListVersion"),
    rpc.batch<RpcBlock | null>(outside.map((n) => ({ method: "eth_getBlockByNumber", params: [hexQ(n), false] }))),
    indexing,
    hashWorker?.hashes(),
    consensus.kind === "qbft" ? consensus.settle() : undefined,
  ]);
  progress.done();
  return {
    chainId,
    fromBlock,
    head,
    engine,
    heads: headMap,
    code,
    codeList: { hash, version },
    blocksOutsideRange: outside.map((height, i) => ({ height, block: outsideBlocks[i] ?? null })),
    exportIndexes,
    consensus,
    logRoots: stepHashes?.roots,
    caseHeads: stepHashes?.heads,
  };
}
