// The stops and alerts of a case (GET /api/cases/{caseRef}/alerts): the open stop reasons (live from the
// chain where it answered, else folded from the mirror), the history of stop changes and the out-of-order
// alerts, each as the vocabulary interprets the stored event.
import type { CaseAlerts } from "../../shared/contract";
import type { LedgerEvent } from "../generated/prisma/client";
import { interpretLedgerEvent, stepLabel, stopReasonLabels } from "../../shared/vocab";
import { foldStops } from "./ledger-events";

const isoTime = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** `liveBits`: the open reasons as the chain reports them now, undefined when it could not be asked. */
export function caseAlerts(caseRef: string, events: LedgerEvent[], liveBits: number | undefined): CaseAlerts {
  const bits = liveBits ?? foldStops(events);
  const stopHistory: CaseAlerts["stopHistory"] = [];
  const alerts: CaseAlerts["alerts"] = [];
  for (const e of events) {
    const m = interpretLedgerEvent(e);
    const at = { blockNumber: e.blockNumber, blockTime: isoTime(e.blockTime) };
    switch (m.kind) {
      case "stop-raised":
      case "stop-changed":
      case "stop-resolved":
        stopHistory.push({ name: m.name, ledgerEventId: e.eventId, previousReasons: m.previousReasons, reasons: m.reasons, ...at });
        break;
      case "stop-ignored":
        // the reasons that were open before the repatriation; none are open after it
        stopHistory.push({ name: m.name, ledgerEventId: e.eventId, previousReasons: m.reasons, reasons: [], ...at });
        break;
      case "alert": {
        const step = m.step ?? stepLabel(0);
        alerts.push({ ledgerEventId: e.eventId, step: { code: step.code, key: step.key }, missing: m.missing, ...at });
        break;
      }
      default:
        break;
    }
  }
  return {
    caseRef,
    openStops: { bits, reasons: stopReasonLabels(bits), source: liveBits === undefined ? "ledger-mirror" : "chain" },
    stopHistory,
    alerts,
  };
}
