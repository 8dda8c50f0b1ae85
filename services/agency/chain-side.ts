// The chain side of one agency service, wired: outbox writer, listener (with notifications), webhook
// delivery, deadline notices, checkpoints. main.ts starts it under the HTTP API; the fault tests start it
// alone in a child process.
import type { Logger } from "pino";
import type { Config } from "./config";
import type { Db } from "./store/db";
import type { Deployment } from "../shared/deployment";
import type { ChainAdapter } from "./chain/adapter";
import { OutboxWriter } from "./outbox/writer";
import { LedgerListener } from "./listener/listener";
import { WebhookDelivery } from "./notifications/webhook";
import { currentWebhook } from "./admin/webhook-setting";
import { DeadlineScheduler } from "./deadlines/deadline-notices";
import { CheckpointSigner } from "./checkpoints/checkpoint-signer";

export interface ChainSideOptions {
  config: Config;
  db: Db;
  log: Logger;
  chain: ChainAdapter;
  deployment: Deployment;
  localCodeListHash: string;
  appealPeriodDays?: number;
  maxInFlight?: number;
}

export interface ChainSide {
  writer: OutboxWriter;
  listener: LedgerListener;
  webhook?: WebhookDelivery;
  deadlines: DeadlineScheduler;
  checkpoints: CheckpointSigner;
  /** stop polling, let batches in flight land, stop the rest */
  stop(): Promise<void>;
}

export function startChainSide(o: ChainSideOptions): ChainSide {
  const { config, db, chain } = o;
  const log = (part: string) => o.log.child({ part });
  // The admin area's endpoint (database) wins over the settings' and is read for every batch.
  const webhook = config.webhook
    ? new WebhookDelivery(db, log("webhook"), { ...config.webhook, agency: config.agency, endpoint: () => currentWebhook(db, config.webhook) })
    : undefined;
  const writer = new OutboxWriter(db, chain, log("outbox"), {
    agencyCode: config.agencyCode,
    batchSize: config.outboxBatchSize,
    pollMs: config.outboxPollMs,
    maxInFlight: o.maxInFlight,
    localCodeListHash: o.localCodeListHash,
  });
  const listener = new LedgerListener(db, chain, log("listener"), {
    agency: config.agency,
    pollMs: config.listenerPollMs,
    deploymentBlockHash: o.deployment.blockHash,
    webhook: webhook !== undefined,
    onNotifications: () => webhook?.wake(),
    onCodeListChanged: () => void writer.recheckCodeList().catch(() => undefined),
  });
  const deadlines = new DeadlineScheduler(db, log("deadlines"), {
    agency: config.agency,
    appealPeriodDays: o.appealPeriodDays ?? 14,
    webhook: webhook !== undefined,
    onRaised: () => webhook?.wake(),
  });
  const checkpoints = new CheckpointSigner(db, chain, log("checkpoints"), {
    everyBlocks: config.checkpointEveryBlocks,
    storedThrough: () => listener.storedThrough(),
  });

  writer.start();
  listener.start();
  webhook?.start();
  deadlines.start();
  checkpoints.start();

  return {
    writer,
    listener,
    webhook,
    deadlines,
    checkpoints,
    async stop() {
      await writer.stop();
      await Promise.all([listener.stop(), deadlines.stop(), checkpoints.stop(), webhook?.stop()]);
    },
  };
}
