// Prometheus metrics of the chain side (outbox, listener, notifications), on prom-client's default
// registry, which the API serves at /metrics. One set per process: each process runs one agency.
import { Counter, Gauge, Histogram, collectDefaultMetrics } from "prom-client";

// The process's own figures beside them (CPU seconds, resident memory, event-loop lag, heap): what an
// operator watches first, and what bench/throughput.ts reads to give each service's CPU time per step.
collectDefaultMetrics();

export const metrics = {
  queueDepth: new Gauge({ name: "anker_outbox_queue_depth", help: "Steps committed locally and not yet submitted (state queued)" }),
  inFlightBatches: new Gauge({ name: "anker_outbox_in_flight_batches", help: "Batch transactions sent and not yet mined" }),
  batchesSent: new Counter({ name: "anker_outbox_batches_sent_total", help: "recordBatch transactions sent" }),
  stepsConfirmed: new Counter({ name: "anker_outbox_steps_confirmed_total", help: "Steps confirmed on chain" }),
  stepsFailed: new Counter({ name: "anker_outbox_steps_failed_total", help: "Steps the ledger rejected", labelNames: ["error"] }),
  chainErrors: new Counter({ name: "anker_chain_unreachable_total", help: "Chain requests that found the node unreachable" }),
  submissionLatency: new Histogram({
    name: "anker_submission_latency_seconds",
    help: "From a step committed locally (queued) to its confirmation on chain",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  }),
  batchSize: new Histogram({ name: "anker_outbox_batch_size", help: "Steps per recordBatch transaction", buckets: [1, 5, 10, 25, 50, 100, 200, 500] }),
  listenerLag: new Gauge({ name: "anker_listener_lag_blocks", help: "Chain head minus the last block the listener stored" }),
  listenerBlock: new Gauge({ name: "anker_listener_block", help: "Last block the listener stored" }),
  eventsStored: new Counter({ name: "anker_listener_events_stored_total", help: "Ledger events stored", labelNames: ["event"] }),
  notificationsRaised: new Counter({ name: "anker_notifications_raised_total", help: "Notifications raised", labelNames: ["kind"] }),
  webhookDeliveries: new Counter({ name: "anker_webhook_deliveries_total", help: "Webhook delivery attempts", labelNames: ["result"] }),
  checkpointsSigned: new Counter({ name: "anker_checkpoints_signed_total", help: "EIP-712 checkpoints signed" }),
};
