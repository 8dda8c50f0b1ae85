// The only module that talks to the chain. Standard Ethereum JSON-RPC only (no anvil or Hardhat
// methods), so that the same service runs against a Besu QBFT network unchanged.
import {
  JsonRpcProvider,
  Network,
  getAddress,
  toQuantity,
  type HDNodeWallet,
  type TypedDataDomain,
  type TypedDataField,
  type Wallet,
} from "ethers";
import { ProcedureLedger__factory, type ProcedureLedger } from "../../../typechain-types";
import type { ChainPort } from "../context";
import { decodeLedgerLog, STEP_RECORDED_TOPIC, type LedgerLog, type RpcLog } from "./ledger-logs";
import { isLogRangeTooLarge, isUnreachable, revertOf, type LedgerRevert } from "./rpc-errors";
import { chooseFees, type FeeChoice } from "./fees";
import { FetchJsonRpcProvider } from "./json-rpc-transport";
import { encodeRecordBatch, signBatchTx } from "./batch-tx";
import { BlockRangeLimit, blockRangePages, DEFAULT_MAX_BLOCK_RANGE, type RangePage } from "../../shared/log-range";

export interface ChainAdapterOptions {
  rpcUrl: string;
  chainId: number;
  ledgerAddress: string;
  /** the block the ledger was deployed in: nothing of it exists before */
  deploymentBlock: number;
  /** the agency's key: signs batches and checkpoints */
  wallet: Wallet | HDNodeWallet;
  /** per request; the default of ethers (5 minutes) would hide an unreachable node */
  requestTimeoutMs?: number;
  /** most blocks one eth_getLogs request spans (LOGS_MAX_BLOCK_RANGE; nodes cap it, Besu at 5000 by default) */
  maxBlockRange?: number;
}

/** One step in the form recordBatch takes it. */
export interface ChainStep {
  caseRef: string;
  packedStep: bigint;
  commitment: string;
}

export interface SignedBatch {
  raw: string;
  hash: string;
  nonce: number;
  gasLimit: bigint;
}

export interface ReceiptSummary {
  hash: string;
  status: number;
  blockNumber: number;
  blockHash: string;
  gasUsed: bigint;
  /** the ledger's events in this transaction */
  logs: LedgerLog[];
}

export interface BlockSummary {
  number: number;
  hash: string;
  timestamp: number;
  gasLimit: bigint;
}

interface RpcReceipt {
  transactionHash: string;
  status: string;
  blockNumber: string | null;
  blockHash: string;
  gasUsed: string;
  logs: RpcLog[];
}

interface Fees {
  at: number;
  choice: FeeChoice;
}

const FEE_CACHE_MS = 3000;

export class ChainAdapter implements ChainPort {
  readonly provider: JsonRpcProvider;
  readonly ledger: ProcedureLedger;
  readonly ledgerAddress: string;
  readonly chainId: number;
  readonly deploymentBlock: number;
  readonly address: string;
  private readonly wallet: Wallet | HDNodeWallet;
  private fees?: Fees;
  private blockGasLimit?: bigint;
  /** the eth_getLogs range this node accepts, shared by every reader of this adapter */
  readonly logRange: BlockRangeLimit;

  constructor(opts: ChainAdapterOptions) {
    // A static network: no chain-id probing that retries forever while the node is down. No result cache:
    // ethers would answer a repeated request (receipt, block number, nonce) from a 250 ms cache.
    this.provider = new FetchJsonRpcProvider(opts.rpcUrl, opts.requestTimeoutMs ?? 10_000, Network.from(opts.chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    this.ledgerAddress = getAddress(opts.ledgerAddress);
    this.ledger = ProcedureLedger__factory.connect(this.ledgerAddress, this.provider);
    this.chainId = opts.chainId;
    this.deploymentBlock = opts.deploymentBlock;
    this.wallet = opts.wallet;
    this.address = opts.wallet.address;
    this.logRange = new BlockRangeLimit(opts.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE);
  }

  // --- reads (ChainPort) ---------------------------------------------------------------------------

  blockNumber(): Promise<number> {
    return this.provider.getBlockNumber();
  }

  async codeListHash(): Promise<string> {
    return (await this.ledger.codeListHash()).toLowerCase();
  }

  async openStops(caseRef: string): Promise<number> {
    return Number(await this.ledger.openStops(caseRef));
  }

  isRecorded(eventId: bigint): Promise<boolean> {
    return this.ledger.isRecorded(eventId);
  }

  async remoteChainId(): Promise<number> {
    return Number(await this.provider.send("eth_chainId", []));
  }

  /** The account's nonce: "latest" counts mined transactions, "pending" also those in the pool. */
  transactionCount(tag: "latest" | "pending"): Promise<number> {
    return this.provider.getTransactionCount(this.address, tag);
  }

  async block(tag: number | "latest"): Promise<BlockSummary> {
    const b = await this.provider.getBlock(tag);
    if (!b || !b.hash) throw new Error(`block ${tag} is not available`);
    return { number: b.number, hash: b.hash, timestamp: b.timestamp, gasLimit: b.gasLimit };
  }

  /** Unix timestamps of the given blocks (up to 32 requests at a time). */
  async blockTimes(numbers: Iterable<number>): Promise<Map<number, number>> {
    const unique = [...new Set(numbers)];
    const times = new Map<number, number>();
    for (let i = 0; i < unique.length; i += 32) {
      const blocks = await Promise.all(unique.slice(i, i + 32).map((n) => this.block(n)));
      for (const b of blocks) times.set(b.number, b.timestamp);
    }
    return times;
  }

  // --- writing a batch -----------------------------------------------------------------------------

  /** The last batch's calldata: a batch is estimated, then signed (and maybe simulated) with the same steps. */
  private lastBatch?: { steps: ChainStep[]; data: string };

  private batchData(steps: ChainStep[]): string {
    if (this.lastBatch?.steps !== steps) this.lastBatch = { steps, data: encodeRecordBatch(steps) };
    return this.lastBatch.data;
  }

  /** Gas for recordBatch(steps) against the pending state; throws on a revert (see revertOf). */
  async estimateBatchGas(steps: ChainStep[]): Promise<bigint> {
    return this.provider.estimateGas({ from: this.address, to: this.ledgerAddress, data: this.batchData(steps), blockTag: "pending" });
  }

  /**
   * Whether recordBatch(steps) runs to its end on the pending state with at most `gasLimit` gas (one
   * eth_call with that gas: the intrinsic gas is charged as for the transaction). False for any failure,
   * out of gas or a revert alike: the caller then asks eth_estimateGas, which tells them apart. Throws only
   * when the node is unreachable.
   */
  async batchRunsWithin(steps: ChainStep[], gasLimit: bigint): Promise<boolean> {
    try {
      await this.callBatch(steps, gasLimit);
      return true;
    } catch (err) {
      if (isUnreachable(err)) throw err;
      return false;
    }
  }

  /** recordBatch(steps) as an eth_call on the pending state, with the node's gas cap or `gasLimit`. */
  private callBatch(steps: ChainStep[], gasLimit?: bigint): Promise<string> {
    return this.provider.call({ from: this.address, to: this.ledgerAddress, data: this.batchData(steps), blockTag: "pending", ...(gasLimit === undefined ? {} : { gasLimit }) });
  }

  /** Run recordBatch(steps) as a call on the pending state: the revert it would meet, if any. */
  async simulateBatch(steps: ChainStep[]): Promise<LedgerRevert | undefined> {
    try {
      await this.callBatch(steps);
      return undefined;
    } catch (err) {
      const revert = revertOf(err);
      if (!revert) throw err;
      return revert;
    }
  }

  /** The block gas limit (read once): no batch may ask for more. */
  async maxGas(): Promise<bigint> {
    this.blockGasLimit ??= (await this.block("latest")).gasLimit;
    return this.blockGasLimit;
  }

  /** The fees to sign with (fees.ts decides legacy or EIP-1559), read from the node at most every few seconds. */
  async currentFees(): Promise<FeeChoice> {
    if (this.fees && Date.now() - this.fees.at < FEE_CACHE_MS) return this.fees.choice;
    const [latest, gasPrice] = await Promise.all([
      this.provider.send("eth_getBlockByNumber", ["latest", false]) as Promise<{ baseFeePerGas?: string | null } | null>,
      this.provider.send("eth_gasPrice", []) as Promise<string>,
    ]);
    const baseFeePerGas = latest?.baseFeePerGas ? BigInt(latest.baseFeePerGas) : undefined;
    // Only asked where a base fee is charged; a node without the method gets the default tip.
    const priorityFee = baseFeePerGas
      ? await (this.provider.send("eth_maxPriorityFeePerGas", []) as Promise<string>).then(BigInt, (err: unknown) => {
          if (isUnreachable(err)) throw err;
          return undefined;
        })
      : undefined;
    const choice = chooseFees({ baseFeePerGas, gasPrice: BigInt(gasPrice), priorityFee });
    this.fees = { at: Date.now(), choice };
    return choice;
  }

  /** Forget the cached fees (after the node refused a transaction as underpriced). */
  refreshFees(): void {
    this.fees = undefined;
  }

  /** Sign recordBatch(steps) with the agency key: the hash is known before anything is sent. */
  async signBatch(steps: ChainStep[], nonce: number, gasLimit: bigint): Promise<SignedBatch> {
    const fees = await this.currentFees();
    const { raw, hash } = signBatchTx({ fees, chainId: this.chainId, to: this.ledgerAddress, data: this.batchData(steps), nonce, gasLimit }, this.wallet.signingKey);
    return { raw, hash, nonce, gasLimit };
  }

  /** eth_sendRawTransaction; resolves with the hash the node reports. */
  async sendSigned(raw: string): Promise<string> {
    return (await this.provider.send("eth_sendRawTransaction", [raw])) as string;
  }

  /** A transaction the node knows but has not mined (in its pool), or null. */
  async pendingTransaction(hash: string): Promise<{ nonce: number; gasLimit: bigint } | null> {
    const tx = (await this.provider.send("eth_getTransactionByHash", [hash])) as { nonce: string; gas: string; blockNumber: string | null } | null;
    if (!tx || tx.blockNumber) return null;
    return { nonce: Number(tx.nonce), gasLimit: BigInt(tx.gas) };
  }

  /** The receipt, read raw: ethers' formatting checksums every log address (a keccak each). */
  async receipt(hash: string): Promise<ReceiptSummary | null> {
    const r = (await this.provider.send("eth_getTransactionReceipt", [hash])) as RpcReceipt | null;
    if (!r || !r.blockNumber) return null;
    return {
      hash: r.transactionHash,
      status: Number(r.status),
      blockNumber: Number(r.blockNumber),
      blockHash: r.blockHash,
      gasUsed: BigInt(r.gasUsed),
      logs: this.decodeLogs(r.logs),
    };
  }

  private decodeLogs(logs: RpcLog[]): LedgerLog[] {
    const ledger = this.ledgerAddress.toLowerCase();
    return logs
      .filter((l) => l.address.toLowerCase() === ledger)
      .map((l) => decodeLedgerLog(l))
      .filter((l): l is LedgerLog => l !== undefined);
  }

  // --- reading events ------------------------------------------------------------------------------

  /** One eth_getLogs request for the ledger's events in [fromBlock, toBlock], in chain order. */
  private async fetchLedgerLogs(fromBlock: number, toBlock: number, topics?: (string | null)[]): Promise<LedgerLog[]> {
    const filter = { address: this.ledgerAddress, fromBlock: toQuantity(fromBlock), toBlock: toQuantity(toBlock), topics: topics ?? [] };
    const logs = (await this.provider.send("eth_getLogs", [filter])) as RpcLog[];
    return this.decodeLogs(logs).sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  }

  /**
   * The ledger's events in [fromBlock, toBlock] page by page, each page at most as many blocks as the node
   * accepts (logRange: the configured maximum, halved while the node refuses a range as too large).
   */
  ledgerLogPages(fromBlock: number, toBlock: number, topics?: (string | null)[], descending = false): AsyncGenerator<RangePage<LedgerLog[]>> {
    return blockRangePages(fromBlock, toBlock, this.logRange, (a, b) => this.fetchLedgerLogs(a, b, topics), isLogRangeTooLarge, descending);
  }

  /** The ledger's events in [fromBlock, toBlock], in chain order (as many requests as the node's range cap needs). */
  async getLedgerLogs(fromBlock: number, toBlock: number, topics?: (string | null)[]): Promise<LedgerLog[]> {
    const out: LedgerLog[] = [];
    for await (const page of this.ledgerLogPages(fromBlock, toBlock, topics)) for (const l of page.result) out.push(l);
    return out;
  }

  /**
   * The StepRecorded event of `eventId` in case `caseRef`, searched backwards from the head page by page.
   * Used when the chain says a step is recorded but we do not hold the transaction that recorded it.
   */
  async findStepLog(caseRef: string, eventId: bigint): Promise<LedgerLog | undefined> {
    const head = await this.blockNumber();
    for await (const page of this.ledgerLogPages(this.deploymentBlock, head, [STEP_RECORDED_TOPIC, caseRef], true)) {
      const hit = page.result.find((l) => l.eventId === eventId);
      if (hit) return hit;
    }
    return undefined;
  }

  /** The agency's key on this adapter's provider, for the admin area's governance votes (admin/membership.ts). */
  governanceSigner(): Wallet | HDNodeWallet {
    return this.wallet.connect(this.provider);
  }

  // --- signing checkpoints -------------------------------------------------------------------------

  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
    return this.wallet.signTypedData(domain, types, value);
  }

  destroy(): void {
    this.provider.destroy();
  }
}
