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
import { refreshAgencyDirectory } from "./directory/directory";
import { agencyTypeByCode } from "../shared/vocab/codelists";

export interface ChainSideOptions {
  config: Config;
  db: Db;
  log: Logger;
  chain: ChainAdapter;
  deployment: Deployment;
  localCodeListHash: string;
  appealPeriodDays?: number;
  maxInFlight?: number;
  /**
   * the object that holds this agency's type and scope for the whole service (main.ts: the config the API
   * reads too): updated here when the agency's AgencyJoined arrives. Default: `config`.
   */
  self?: Pick<Config, "agency" | "agencyCode" | "agencyType" | "agencyScope">;
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
  const self = o.self ?? config;
  const listener = new LedgerListener(db, chain, log("listener"), {
    agency: self,
    pollMs: config.listenerPollMs,
    deploymentBlockHash: o.deployment.blockHash,
    webhook: webhook !== undefined,
    onNotifications: () => webhook?.wake(),
    onCodeListChanged: () => void writer.recheckCodeList().catch(() => undefined),
    onDirectoryChanged: async ({ joined }) => {
      if (joined) {
        // Joined by vote while running: from now on the chain's type and scope are ours.
        self.agencyType = agencyTypeByCode(joined.agencyType)?.key ?? self.agencyType;
        self.agencyScope = joined.scope;
        o.log.info({ agencyCode: self.agencyCode, agencyType: self.agencyType, scope: self.agencyScope }, "agency joined the ledger");
      }
      // The events are stored already: a failed reload is logged, the next membership event or /api/meta reloads.
      await refreshAgencyDirectory(db, self).catch((err: unknown) => o.log.error({ err: (err as Error).message }, "directory of agencies not reloaded"));
    },
  });
  const deadlines = new DeadlineScheduler(db, log("deadlines"), {
    agency: self,
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
