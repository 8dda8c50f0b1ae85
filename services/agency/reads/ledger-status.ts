// The auditor view's ledger status: the chain's head block, how far the listener got, the last checkpoint
// this agency signed, the code lists here and on chain, counts, and the newest rule events (alerts and
// stops raised, changed, resolved, ignored) with the step that raised each. No personal data.
import type { LedgerStatus, RuleHistoryEntry } from "../../shared/contract";
import type { ServiceContext } from "../context";
import type { LedgerEvent } from "../generated/prisma/client";
import { CODE_LISTS, interpretLedgerEvent, stepLabel, type CodeLabel, type Label } from "../../shared/vocab";
import { LEDGER_ORDER, foldStops, stepCodesOf } from "./ledger-events";
import { commitmentsTreeOf } from "./checkpoints";

const RULE_EVENTS = ["OutOfOrder", "StopChanged", "StopIgnored"];

/** The chain's head and code-list hash, or why they could not be read (the rest of the status still shows). */
async function chainView(ctx: ServiceContext): Promise<{ headBlock: number | null; chainHash: string | null; chainError: string | null }> {
  try {
    const [headBlock, chainHash] = await Promise.all([ctx.chain.blockNumber(), ctx.chain.codeListHash()]);
    return { headBlock, chainHash, chainError: null };
  } catch {
    return { headBlock: null, chainHash: null, chainError: "Die Kette ist nicht erreichbar / The chain cannot be reached" };
  }
}

/** The status with the newest `limit` rule events. */
export async function ledgerStatus(ctx: ServiceContext, limit: number): Promise<LedgerStatus> {
  const { db } = ctx;
  const { headBlock, chainHash, chainError } = await chainView(ctx);
  const [checkpoint, signed, events, steps, ruleRows] = await Promise.all([
    db.listenerCheckpoint.findUnique({ where: { id: 1 } }),
    db.signedCheckpoint.findFirst({ orderBy: { blockNumber: "desc" } }),
    db.ledgerEvent.count(),
    db.ledgerEvent.count({ where: { name: "StepRecorded" } }),
    db.ledgerEvent.findMany({ where: { name: { in: RULE_EVENTS } }, orderBy: LEDGER_ORDER }),
  ]);
  const counts = { events, steps, alerts: 0, stopsRaised: 0, stopsResolved: 0, stopsIgnored: 0, casesWithOpenStop: 0 };
  const perCase = new Map<string, LedgerEvent[]>();
  const entries: RuleHistoryEntry[] = [];
  for (const e of ruleRows) {
    if (!e.caseRef) continue;
    if (e.name !== "OutOfOrder") perCase.set(e.caseRef, [...(perCase.get(e.caseRef) ?? []), e]);
    const m = interpretLedgerEvent(e);
    let reasons: CodeLabel[] = [];
    let missing: Label[] = [];
    switch (m.kind) {
      case "alert":
        counts.alerts++;
        missing = m.missing;
        break;
      case "stop-raised":
      case "stop-changed":
      case "stop-resolved":
      case "stop-ignored":
        if (m.kind === "stop-raised") counts.stopsRaised++;
        if (m.kind === "stop-resolved") counts.stopsResolved++;
        if (m.kind === "stop-ignored") counts.stopsIgnored++;
        reasons = m.reasons;
        break;
      default:
        continue;
    }
    const step = m.kind === "alert" ? m.step : null;
    entries.push({
      name: e.name,
      kind: m.kind,
      caseRef: e.caseRef,
      ledgerEventId: e.eventId,
      step: step && { code: step.code, key: step.key, de: step.de, en: step.en },
      reasons,
      missing,
      blockNumber: e.blockNumber,
      blockTime: new Date(e.blockTime * 1000).toISOString(),
      txHash: e.txHash,
    });
  }
  for (const list of perCase.values()) if (foldStops(list) !== 0) counts.casesWithOpenStop++;
  const latest = entries.reverse().slice(0, limit);
  // the step that raised each notice: OutOfOrder names it, the others by their event id
  const ids = [...new Set(latest.filter((x) => x.step === null && x.ledgerEventId).map((x) => x.ledgerEventId!))];
  // by event id alone (see stepCodesOf)
  const stepOf = ids.length ? await stepCodesOf(db, ids) : new Map<string, number>();
  for (const x of latest) {
    const code = x.step === null && x.ledgerEventId ? stepOf.get(x.ledgerEventId) : undefined;
    if (code !== undefined && code !== null) {
      const s = stepLabel(code);
      x.step = { code: s.code, key: s.key, de: s.de, en: s.en };
    }
  }
  return {
    agency: ctx.config.agency,
    headBlock,
    chainError,
    listener: checkpoint ? { blockNumber: checkpoint.blockNumber, logIndex: checkpoint.logIndex, blockHash: checkpoint.blockHash, lagBlocks: ctx.listener.lagBlocks() ?? null } : null,
    lastSignedCheckpoint: signed
      ? { blockNumber: signed.blockNumber, blockHash: signed.blockHash, caseCount: signed.caseCount, commitmentsRoot: signed.commitmentsRoot, commitmentsTree: commitmentsTreeOf(signed.commitmentsTree), stepCount: signed.stepCount, signer: signed.signer, signature: signed.signature, createdAt: signed.createdAt.toISOString() }
      : null,
    codeList: {
      version: CODE_LISTS.version,
      localHash: ctx.localCodeListHash,
      chainHash,
      matches: chainHash === null ? null : chainHash.toLowerCase() === ctx.localCodeListHash.toLowerCase(),
    },
    counts,
    ruleHistory: latest,
  };
}
