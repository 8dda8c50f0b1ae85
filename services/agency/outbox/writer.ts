// The outbox writer: the only path to the chain. One writer per agency key; it owns the key's nonce.
//
// Life of a batch: take up to batchSize queued steps in id order -> its gas limit (gas-limit.ts: an
// eth_call proving a limit learned from earlier estimates, else an estimate; a revert here names the bad
// step before anything is sent) -> sign -> write ahead (steps submitted with the tx hash, next nonce
// persisted) -> send -> a watcher waits for the receipt and confirms the steps with block and log index.
// Several batches may be in flight with consecutive nonces; sends are strictly sequential, only the
// receipts are awaited in parallel.
//
// Why nothing is lost or doubled on a crash: every step is in SQLite before it is sent, the tx hash is in
// SQLite before the send, and at restart (and after any ambiguous send) `reconcile` settles every
// submitted step against the chain (receipt, isRecorded) before anything new is sent. A step that reaches
// the chain twice is refused by the contract (AlreadyRecorded: its event id is marked once per agency),
// and that refusal confirms the step instead of failing it.
import type { Logger } from "pino";
import type { Db } from "../store/db";
import type { OutboxPort } from "../context";
import type { ChainAdapter, ReceiptSummary } from "../chain/adapter";
import { errorSummary, isUnreachable, nodeMessage, revertOf, type LedgerRevert } from "../chain/rpc-errors";
import { eventIdOf } from "../../shared/ledger-codec";
import { metrics } from "../metrics";
import { Waker, backoffMs, delay } from "../util/waker";
import { findRecordedLog } from "./recorded-log";
import { BatchGasLimit } from "./gas-limit";
import {
  type OutboxRow,
  type Confirmation,
  toChainStep,
  takeQueued,
  submittedRows,
  countQueued,
  markSubmitted,
  unmarkSubmitted,
  confirmSteps,
  requeue,
  failStep,
  persistedNonce,
  persistNonce,
} from "./step-rows";

export interface OutboxOptions {
  agencyCode: number;
  batchSize: number;
  /** how often to look for queued steps when nobody calls wake() */
  pollMs: number;
  /** batches in flight at once (consecutive nonces) */
  maxInFlight?: number;
  /** a batch without receipt for this long sends the writer to reconcile (dropped from the pool?) */
  receiptTimeoutMs?: number;
  /** the local code-list hash: the writer refuses to start when the chain's differs */
  localCodeListHash: string;
}

export type WriterStatus = "stopped" | "starting" | "refused" | "reconciling" | "running" | "waiting-for-chain";

interface InFlight {
  nonce: number;
  hash: string;
  gasLimit: bigint;
  rows: OutboxRow[];
  done: Promise<void>;
}

/** Errors that no batch of ours can cure: the key is not a member. The writer pauses instead of failing steps. */
const KEY_ERRORS = new Set(["NotAMember", "UnknownAgency"]);

export class OutboxWriter implements OutboxPort {
  private readonly work = new Waker();
  private readonly stopSignal = new Waker();
  private running = false;
  private loop?: Promise<void>;
  private readonly inFlight = new Map<number, InFlight>();
  private abortWatchers = false;
  private nextNonce = 0;
  private needReconcile = true;
  private unreachableSince?: number;
  private failures = 0;
  /** an estimate reverted while earlier batches were in flight: let them land, then estimate again */
  private drainFirst = false;
  /** steps up to this id go one per batch: a revert that names no index is pinned on one step this way */
  private singlesUpTo = 0;
  private pausedUntil = 0;
  private lastDepthAt = 0;
  private _status: WriterStatus = "stopped";
  /** resolves when stop() is called: no wait of the loop outlasts it */
  private stopped!: Promise<void>;
  private signalStopped = (): void => undefined;
  private refusal?: string;
  private readonly gasLimit: BatchGasLimit;

  constructor(
    private readonly db: Db,
    private readonly chain: ChainAdapter,
    private readonly log: Logger,
    private readonly opts: OutboxOptions,
  ) {
    this.gasLimit = new BatchGasLimit(chain);
  }

  get status(): WriterStatus {
    return this._status;
  }

  /** Why the writer refused to start (code lists or chain id differ), if it did. */
  get refusedBecause(): string | undefined {
    return this.refusal;
  }

  wake(): void {
    this.work.wake();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this._status = "starting";
    this.stopped = new Promise((resolve) => (this.signalStopped = resolve));
    this.loop = this.run();
  }

  /** Stop sending; wait for the batches in flight to be confirmed (or give up on them after timeoutMs). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.running = false;
    this.signalStopped();
    this.work.wake();
    this.stopSignal.wake();
    await this.loop;
    const pending = [...this.inFlight.values()].map((f) => f.done);
    if (pending.length) {
      const timer = delay(timeoutMs).then(() => (this.abortWatchers = true));
      await Promise.race([Promise.all(pending), timer]);
      this.abortWatchers = true;
      await Promise.all(pending);
    }
    this._status = "stopped";
  }

  private async run(): Promise<void> {
    if (!(await this.gate())) return;
    while (this.running) {
      try {
        if (this.needReconcile) await this.reconcile();
        if (!this.running) break;
        this._status = "running";
        const busy = await this.step();
        this.failures = 0;
        if (this.unreachableSince) {
          this.log.info({ downMs: Date.now() - this.unreachableSince }, "chain reachable again; outbox resumes");
          this.unreachableSince = undefined;
        }
        if (!busy) await this.work.sleep(this.opts.pollMs);
      } catch (err) {
        await this.onLoopError(err);
      }
    }
  }

  private async onLoopError(err: unknown): Promise<void> {
    this.failures++;
    if (isUnreachable(err)) {
      metrics.chainErrors.inc();
      if (!this.unreachableSince) {
        this.unreachableSince = Date.now();
        this.log.warn({ err: errorSummary(err) }, "chain unreachable; steps stay queued, retrying with backoff");
      }
      this._status = "waiting-for-chain";
    } else {
      this.log.error({ err: errorSummary(err) }, "outbox error; reconciling and retrying");
    }
    // Whatever failed, the writer's view of its transactions may be off: settle everything before sending
    // again (cheap when nothing is submitted).
    this.needReconcile = true;
    await this.stopSignal.sleep(backoffMs(this.failures, 250, 10_000));
  }

  /** Before anything is written: the chain must be ours and must run the code lists we run. */
  private async gate(): Promise<boolean> {
    for (let attempt = 0; this.running; attempt++) {
      try {
        const chainId = await this.chain.remoteChainId();
        if (chainId !== this.chain.chainId) return this.refuse(`the node answers with chain id ${chainId}, the deployment names ${this.chain.chainId}`);
        const onChain = await this.chain.codeListHash();
        if (onChain !== this.opts.localCodeListHash.toLowerCase()) {
          return this.refuse(
            `the local code lists (hash ${this.opts.localCodeListHash}) differ from the version in force on chain (hash ${onChain}); ` +
              "update codelists/codelists.json to the version in force (or have the consortium approve the new version) and restart",
          );
        }
        return true;
      } catch (err) {
        this._status = "waiting-for-chain";
        if (attempt === 0) this.log.warn({ err: errorSummary(err) }, "chain not reachable at start; the outbox waits for it");
        await this.stopSignal.sleep(backoffMs(attempt, 250, 10_000));
      }
    }
    return false;
  }

  private refuse(reason: string): false {
    this.refusal = reason;
    this._status = "refused";
    this.running = false;
    this.signalStopped();
    this.log.error({ reason }, "REFUSING TO WRITE to the ledger");
    return false;
  }

  /** The code lists on chain changed (listener saw CodeListChanged): check again, stop writing if they differ. */
  async recheckCodeList(): Promise<void> {
    const onChain = await this.chain.codeListHash();
    if (onChain !== this.opts.localCodeListHash.toLowerCase() && this.running) {
      this.refuse(`the code lists on chain changed to hash ${onChain}; the local ones (hash ${this.opts.localCodeListHash}) are out of date`);
      this.work.wake();
      this.stopSignal.wake();
    }
  }

  // --- one round -----------------------------------------------------------------------------------

  /** Submit one batch or wait for one in flight; false when there was nothing to do. */
  private async step(): Promise<boolean> {
    if (Date.now() < this.pausedUntil) {
      await this.stopSignal.sleep(this.pausedUntil - Date.now());
      return true;
    }
    const max = this.opts.maxInFlight ?? 3;
    if (this.inFlight.size >= max || (this.drainFirst && this.inFlight.size > 0)) {
      await Promise.race([...[...this.inFlight.values()].map((f) => f.done), this.stopped]);
      return true;
    }
    await this.updateDepth();
    const rows = await takeQueued(this.db, this.opts.batchSize);
    if (rows.length === 0) return false;
    if (rows.length < this.opts.batchSize && this.inFlight.size > 0 && rows[0].id > this.singlesUpTo) {
      // Under load, a part batch waits until one in flight has landed and takes what arrived meanwhile:
      // fewer, fuller transactions. Without anything in flight it goes at once (no added latency).
      await Promise.race([...[...this.inFlight.values()].map((f) => f.done), this.stopped]);
      return true;
    }
    await this.submit(rows[0].id <= this.singlesUpTo ? rows.slice(0, 1) : rows);
    return true;
  }

  private async updateDepth(force = false): Promise<void> {
    if (!force && Date.now() - this.lastDepthAt < 500) return;
    this.lastDepthAt = Date.now();
    metrics.queueDepth.set(await countQueued(this.db));
  }

  private async submit(rows: OutboxRow[]): Promise<void> {
    const steps = rows.map((r) => toChainStep(this.opts.agencyCode, r));
    let gasLimit: bigint;
    try {
      gasLimit = await this.gasLimit.limitFor(steps);
    } catch (err) {
      const revert = revertOf(err);
      if (!revert) throw err;
      // A step may depend on one still in flight (a correction of it, say): only a revert on the settled
      // state counts.
      if (this.inFlight.size > 0) {
        this.drainFirst = true;
        return;
      }
      this.drainFirst = false;
      await this.onRevert(rows, revert, false);
      return;
    }
    this.drainFirst = false;
    const nonce = this.nextNonce;
    const signed = await this.chain.signBatch(steps, nonce, gasLimit);
    const ids = rows.map((r) => r.id);
    const marked = await markSubmitted(this.db, ids, signed.hash, this.chain.address, nonce + 1);
    if (marked !== ids.length) {
      // Nobody else moves queued steps: a second writer runs on this store. Send nothing it may also send.
      await unmarkSubmitted(this.db, ids, this.chain.address, nonce);
      this.log.error({ expected: ids.length, marked }, "queued steps changed under the writer: is a second writer running on this store?");
      return;
    }
    try {
      await this.chain.sendSigned(signed.raw);
    } catch (err) {
      await this.onSendError(err, rows, nonce);
      return;
    }
    this.nextNonce = nonce + 1;
    metrics.batchesSent.inc();
    metrics.batchSize.observe(rows.length);
    this.log.info(
      { nonce, tx: signed.hash, steps: rows.length, firstStep: rows[0].id, lastStep: rows[rows.length - 1].id, gasLimit: Number(gasLimit) },
      "batch submitted",
    );
    this.track({ nonce, hash: signed.hash, gasLimit, rows });
  }

  /** Watch a sent transaction until its receipt settles its steps. */
  private track(sent: Omit<InFlight, "done">): void {
    const flight: InFlight = { ...sent, done: Promise.resolve() };
    flight.done = this.watch(flight);
    this.inFlight.set(flight.nonce, flight);
    metrics.inFlightBatches.set(this.inFlight.size);
  }

  private async onSendError(err: unknown, rows: OutboxRow[], nonce: number): Promise<void> {
    if (isUnreachable(err)) {
      // The transaction may or may not have reached the node: reconcile decides.
      this.needReconcile = true;
      throw err;
    }
    const msg = nodeMessage(err);
    if (/nonce too low|already known|known transaction|replacement transaction underpriced|nonce too high/.test(msg)) {
      this.log.warn({ nonce, err: errorSummary(err) }, "nonce out of step with the chain; reconciling");
      this.needReconcile = true;
      return;
    }
    // Refused outright (fees, funds, gas limit, an execution check): never in the pool, the nonce is free.
    await unmarkSubmitted(this.db, rows.map((r) => r.id), this.chain.address, nonce);
    const revert = revertOf(err);
    if (revert) {
      await this.onRevert(rows, revert, false);
      return;
    }
    if (/underpriced|fee|base fee/.test(msg)) this.chain.refreshFees();
    throw new Error(`the node refused the batch: ${errorSummary(err)}`);
  }

  // --- receipts ------------------------------------------------------------------------------------

  private async watch(flight: InFlight): Promise<void> {
    const deadline = Date.now() + (this.opts.receiptTimeoutMs ?? 120_000);
    let wait = 5;
    try {
      while (!this.abortWatchers) {
        let receipt: ReceiptSummary | null = null;
        try {
          receipt = await this.chain.receipt(flight.hash);
        } catch (err) {
          if (!isUnreachable(err)) this.log.warn({ tx: flight.hash, err: errorSummary(err) }, "receipt request failed");
        }
        if (this.abortWatchers) return;
        if (receipt) {
          await this.settle(flight, receipt);
          return;
        }
        if (Date.now() > deadline) {
          this.log.warn({ tx: flight.hash, nonce: flight.nonce }, "no receipt in time; reconciling with the chain");
          this.needReconcile = true;
          this.drainFirst = true;
          return;
        }
        await delay(wait);
        wait = Math.min(wait * 2, 500);
      }
    } catch (err) {
      this.log.error({ tx: flight.hash, err: errorSummary(err) }, "settling a batch failed; reconciling");
      this.needReconcile = true;
    } finally {
      this.inFlight.delete(flight.nonce);
      metrics.inFlightBatches.set(this.inFlight.size);
      this.work.wake();
    }
  }

  private async settle(flight: InFlight, receipt: ReceiptSummary): Promise<void> {
    if (receipt.status === 1) {
      const { confirmed, missing } = this.matchLogs(flight.rows, receipt);
      await confirmSteps(this.db, confirmed);
      this.observeConfirmed(flight.rows.filter((r) => !missing.includes(r)));
      this.log.debug({ tx: receipt.hash, block: receipt.blockNumber, steps: confirmed.length }, "batch confirmed");
      // A successful batch records every step it carries; if one is not in the logs, let reconcile look.
      if (missing.length) {
        this.log.error({ tx: receipt.hash, steps: missing.map((r) => r.id) }, "steps missing from a successful batch's logs; reconciling");
        this.needReconcile = true;
      }
      return;
    }
    // Reverted on chain (rare: the estimate passed). Replay it on the current state to learn why.
    const steps = flight.rows.map((r) => toChainStep(this.opts.agencyCode, r));
    const revert = await this.chain.simulateBatch(steps);
    if (revert) {
      await this.onRevert(flight.rows, revert, true);
    } else {
      const outOfGas = receipt.gasUsed * 100n >= flight.gasLimit * 98n;
      this.log.warn({ tx: receipt.hash, outOfGas }, "batch reverted on chain but passes now; requeued");
      await requeue(this.db, flight.rows.map((r) => r.id));
    }
  }

  private matchLogs(rows: OutboxRow[], receipt: ReceiptSummary): { confirmed: Confirmation[]; missing: OutboxRow[] } {
    const byEvent = new Map(receipt.logs.filter((l) => l.name === "StepRecorded").map((l) => [l.eventId, l]));
    const confirmed: Confirmation[] = [];
    const missing: OutboxRow[] = [];
    for (const row of rows) {
      const l = byEvent.get(eventIdOf(this.opts.agencyCode, row.id));
      if (l) confirmed.push({ id: row.id, txHash: receipt.hash, blockNumber: receipt.blockNumber, logIndex: l.logIndex });
      else missing.push(row);
    }
    return { confirmed, missing };
  }

  private observeConfirmed(rows: OutboxRow[]): void {
    const now = Date.now();
    for (const r of rows) metrics.submissionLatency.observe((now - r.createdAt.getTime()) / 1000);
    metrics.stepsConfirmed.inc(rows.length);
  }

  // --- reverts -------------------------------------------------------------------------------------

  /**
   * The ledger refused the batch. A refusal that names a step settles that step: AlreadyRecorded confirms
   * it (a retry), any other reason fails it. The rest of the batch goes back to the queue.
   */
  private async onRevert(rows: OutboxRow[], revert: LedgerRevert, wasSent: boolean): Promise<void> {
    const others = (except?: OutboxRow) => rows.filter((r) => r !== except).map((r) => r.id);
    if (revert.index !== undefined && revert.index < rows.length) {
      const bad = rows[revert.index];
      if (revert.name === "AlreadyRecorded") await this.confirmRecorded(bad);
      else {
        await failStep(this.db, bad.id, revert.reason);
        metrics.stepsFailed.inc({ error: revert.name });
        this.log.warn({ step: bad.id, reason: revert.reason }, "step rejected by the ledger");
      }
      if (wasSent) await requeue(this.db, others(bad));
      return;
    }
    if (wasSent) await requeue(this.db, others());
    if (KEY_ERRORS.has(revert.name)) {
      this.pausedUntil = Date.now() + 30_000;
      this.log.error({ reason: revert.reason, account: this.chain.address }, "the ledger does not accept this agency key; outbox paused");
      return;
    }
    if (rows.length > 1) {
      // No index: send these one by one to find the step it belongs to.
      this.singlesUpTo = rows[rows.length - 1].id;
      this.log.warn({ reason: revert.reason, steps: rows.length }, "batch refused without naming a step; retrying one by one");
      return;
    }
    await failStep(this.db, rows[0].id, revert.reason);
    metrics.stepsFailed.inc({ error: revert.name });
    this.log.warn({ step: rows[0].id, reason: revert.reason }, "step rejected by the ledger");
  }

  /** The chain holds this step's event id: confirm it from its log, if the log carries our commitment. */
  private async confirmRecorded(row: OutboxRow): Promise<void> {
    const at = await findRecordedLog(this.db, this.chain, this.opts.agencyCode, row);
    if (!at) {
      this.log.error({ step: row.id }, "the chain reports the step recorded but its event was not found; left submitted for the next reconcile");
      this.needReconcile = true;
      return;
    }
    if (at.commitment.toLowerCase() !== row.commitment.toLowerCase()) {
      // Same event id, other content: this store was reset against a chain that already has its ids.
      const reason = `event id ${eventIdOf(this.opts.agencyCode, row.id)} is already recorded on chain with a different commitment`;
      await failStep(this.db, row.id, reason);
      metrics.stepsFailed.inc({ error: "ForeignRecord" });
      this.log.error({ step: row.id, tx: at.txHash }, reason);
      return;
    }
    await confirmSteps(this.db, [{ id: row.id, txHash: at.txHash, blockNumber: at.blockNumber, logIndex: at.logIndex }]);
    this.observeConfirmed([row]);
    this.log.info({ step: row.id, tx: at.txHash }, "step was already recorded; confirmed");
  }

  // --- reconcile -----------------------------------------------------------------------------------

  /**
   * Settle every submitted step against the chain and take the nonce from the chain. Runs at start, after
   * the chain was unreachable and after any send whose outcome is unknown; nothing is sent before it ends.
   */
  async reconcile(): Promise<void> {
    this._status = "reconciling";
    this.abortWatchers = true;
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
    this.inFlight.clear();
    this.abortWatchers = false;
    this.drainFirst = false;

    const rows = await submittedRows(this.db);
    let confirmed = 0;
    let requeued = 0;
    let pending = 0;
    const byTx = new Map<string, OutboxRow[]>();
    for (const r of rows) byTx.set(r.txHash ?? "", [...(byTx.get(r.txHash ?? "") ?? []), r]);
    for (const [hash, group] of byTx) {
      let rest = group;
      const receipt = hash ? await this.chain.receipt(hash) : null;
      if (receipt?.status === 1) {
        const m = this.matchLogs(group, receipt);
        await confirmSteps(this.db, m.confirmed);
        this.observeConfirmed(group.filter((r) => !m.missing.includes(r)));
        confirmed += m.confirmed.length;
        rest = m.missing;
      } else if (!receipt && hash) {
        // Still in the node's pool: watch it again instead of sending its steps a second time.
        const inPool = await this.chain.pendingTransaction(hash);
        if (inPool) {
          this.track({ nonce: inPool.nonce, hash, gasLimit: inPool.gasLimit, rows: group });
          pending += group.length;
          continue;
        }
      }
      for (const row of rest) {
        if (await this.chain.isRecorded(eventIdOf(this.opts.agencyCode, row.id))) {
          await this.confirmRecorded(row);
          confirmed++;
        } else {
          await requeue(this.db, [row.id]);
          requeued++;
        }
      }
    }

    const chainNonce = await this.chain.transactionCount("pending");
    const stored = await persistedNonce(this.db, this.chain.address);
    if (stored !== undefined && chainNonce > stored) {
      this.log.warn({ chainNonce, stored }, "the chain counts more transactions of this key than this writer sent: is the key used elsewhere?");
    }
    this.nextNonce = chainNonce;
    await persistNonce(this.db, this.chain.address, chainNonce);
    this.needReconcile = false;
    await this.updateDepth(true);
    this.log.info({ submitted: rows.length, confirmed, requeued, stillPending: pending, nonce: chainNonce }, "outbox reconciled with the chain");
  }
}
