// The listener: the only path from the chain. Polls eth_getLogs from the stored checkpoint (block + log
// index), never from "latest"; on first start from the deployment block. Reading is at-least-once (the
// checkpoint block is read again after a restart), storing is exactly-once (dedupe by tx hash + log
// index, in the same transaction that moves the checkpoint). Ranges are read in pages the node accepts
// (the adapter's logRange: LOGS_MAX_BLOCK_RANGE, halved while the node says a range is too large), each
// page stored before the next is asked for.
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { Db } from "../store/db";
import type { ListenerPort } from "../context";
import type { ChainAdapter } from "../chain/adapter";
import type { LedgerLog } from "../chain/ledger-logs";
import { errorSummary, isUnreachable } from "../chain/rpc-errors";
import { stepByCode } from "../../shared/codelists";
import { metrics } from "../metrics";
import { backoffMs } from "../util/waker";
import { ServiceLoop } from "../util/service-loop";
import { loadPosition, storeEvents, type ListenerPosition, type StoreResult } from "./store-events";
import type { Follower } from "./followers";

export interface ListenerOptions {
  /** this agency (the config object: type and scope change when its AgencyJoined arrives), or a pilot's key */
  agency: Follower | string;
  pollMs: number;
  /** the block hash of the deployment block: the first checkpoint */
  deploymentBlockHash: string;
  /** new notifications are created for webhook delivery (state pending) */
  webhook: boolean;
  /** events per DB transaction */
  pageSize?: number;
  /** called after new notifications were committed */
  onNotifications?: () => void;
  /** called after a CodeListChanged event was stored */
  onCodeListChanged?: () => void;
  /** called after membership events were stored (directory/directory.ts reloads the directory) */
  onDirectoryChanged?: (d: StoreResult["directory"]) => Promise<void> | void;
}

export class LedgerListener extends ServiceLoop implements ListenerPort {
  private readonly emitter = new EventEmitter();
  private position?: ListenerPosition;
  /** highest block known to be read completely (in memory: after a restart the checkpoint block is read again) */
  private completeThrough = -1;
  private head?: number;
  private failures = 0;
  private unreachableSince?: number;

  constructor(
    private readonly db: Db,
    private readonly chain: ChainAdapter,
    private readonly log: Logger,
    private readonly opts: ListenerOptions,
  ) {
    super();
    this.emitter.setMaxListeners(0);
  }

  lagBlocks(): number | undefined {
    if (this.head === undefined || !this.position) return undefined;
    return Math.max(0, this.head - this.position.blockNumber);
  }

  /** The highest block whose events are all stored (checkpoints are signed only up to here). */
  storedThrough(): number {
    return this.completeThrough;
  }

  onStored(fn: () => void): () => void {
    this.emitter.on("stored", fn);
    return () => this.emitter.off("stored", fn);
  }

  /** Poll now instead of waiting for the next interval. */
  poke(): void {
    this.wake();
  }

  protected async run(): Promise<void> {
    while (this.running) {
      let wait = this.opts.pollMs;
      try {
        await this.pollOnce();
        this.failures = 0;
        if (this.unreachableSince) {
          this.log.info({ downMs: Date.now() - this.unreachableSince }, "listener: chain reachable again");
          this.unreachableSince = undefined;
        }
      } catch (err) {
        this.failures++;
        if (isUnreachable(err)) {
          if (!this.unreachableSince) {
            this.unreachableSince = Date.now();
            this.log.warn({ err: errorSummary(err) }, "listener: chain unreachable; retrying with backoff");
          }
        } else {
          this.log.error({ err: errorSummary(err) }, "listener: poll failed; retrying");
        }
        wait = backoffMs(this.failures, this.opts.pollMs, 10_000);
      }
      if (this.running) await this.waker.sleep(wait);
    }
  }

  private async startPosition(): Promise<ListenerPosition> {
    const stored = await loadPosition(this.db);
    if (stored) {
      // The chain we resume on must still hold the block we stopped at (no reset or rewritten history).
      const b = await this.chain.block(stored.blockNumber).catch(() => undefined);
      if (b && b.hash !== stored.blockHash) {
        this.log.error({ block: stored.blockNumber, stored: stored.blockHash, chain: b.hash }, "listener: the chain's block differs from the checkpoint (history rewritten or chain reset)");
      }
      this.log.info({ block: stored.blockNumber, logIndex: stored.logIndex }, "listener resumes from its checkpoint");
      return stored;
    }
    const first = { blockNumber: this.chain.deploymentBlock, logIndex: -1, blockHash: this.opts.deploymentBlockHash };
    this.log.info({ block: first.blockNumber }, "listener starts at the deployment block");
    return first;
  }

  /** Read and store everything up to the current head; returns how many events were new. */
  async pollOnce(): Promise<number> {
    this.position ??= await this.startPosition();
    const head = await this.chain.blockNumber();
    this.head = head;
    let newEvents = 0;
    const from = this.completeThrough >= this.position.blockNumber ? this.position.blockNumber + 1 : this.position.blockNumber;
    for await (const page of this.chain.ledgerLogPages(from, head)) {
      newEvents += await this.storeRange(page.to, page.result);
      this.completeThrough = page.to;
    }
    metrics.listenerLag.set(this.lagBlocks() ?? 0);
    metrics.listenerBlock.set(this.position.blockNumber);
    return newEvents;
  }

  /** Store the events of a range read through block `to` (those past the checkpoint) and move the checkpoint to its end. */
  private async storeRange(to: number, read: LedgerLog[]): Promise<number> {
    const pos = this.position!;
    const logs = read.filter((l) => l.blockNumber > pos.blockNumber || l.logIndex > pos.logIndex);
    const times = await this.chain.blockTimes(logs.map((l) => l.blockNumber));
    const pageSize = this.opts.pageSize ?? 1000;
    let stored = 0;
    for (let i = 0; i < logs.length || i === 0; i += pageSize) {
      const page = logs.slice(i, i + pageSize);
      const last = i + pageSize >= logs.length;
      const end = last ? await this.rangeEnd(to, logs) : { blockNumber: page[page.length - 1].blockNumber, logIndex: page[page.length - 1].logIndex, blockHash: page[page.length - 1].blockHash };
      if (page.length === 0 && end.blockNumber === pos.blockNumber && end.logIndex === pos.logIndex) break; // nothing new
      const result = await storeEvents(this.db, page, times, end, this.opts.agency, this.opts.webhook);
      this.position = end;
      stored += result.stored.length;
      this.afterStore(result.stored, result.notifications.map((n) => n.kind));
      if (result.directory.directoryChanged || result.directory.joined) await this.opts.onDirectoryChanged?.(result.directory);
      if (last) break;
    }
    return stored;
  }

  /** The checkpoint after reading through block `to`: its last log, or (to, -1) when it had none. */
  private async rangeEnd(to: number, logs: LedgerLog[]): Promise<ListenerPosition> {
    const pos = this.position!;
    const inTo = logs.filter((l) => l.blockNumber === to);
    if (inTo.length) {
      const l = inTo[inTo.length - 1];
      return { blockNumber: to, logIndex: l.logIndex, blockHash: l.blockHash };
    }
    if (to === pos.blockNumber) return pos;
    return { blockNumber: to, logIndex: -1, blockHash: (await this.chain.block(to)).hash };
  }

  private afterStore(stored: LedgerLog[], kinds: string[]): void {
    for (const l of stored) {
      metrics.eventsStored.inc({ event: l.name });
      // One line per received event; ids and codes only.
      this.log.info(
        {
          event: l.name,
          block: l.blockNumber,
          logIndex: l.logIndex,
          caseRef: l.caseRef,
          ledgerEventId: l.eventId?.toString(),
          step: l.stepCode !== undefined ? stepByCode(l.stepCode)?.key : undefined,
        },
        "ledger event received",
      );
    }
    for (const k of kinds) metrics.notificationsRaised.inc({ kind: k });
    if (stored.length) this.emitter.emit("stored");
    if (kinds.length) this.opts.onNotifications?.();
    if (stored.some((l) => l.name === "CodeListChanged")) this.opts.onCodeListChanged?.();
  }
}
