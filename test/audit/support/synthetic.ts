// Ledger logs built by hand (for unit tests of the pure functions): StepRecorded and rule events in the
// exact ABI layout the contract emits, and a replayer fed with them.
import { LEDGER_INTERFACE, LedgerLogDecoder, isDecodeFailure } from "../../../services/audit/events";
import { EventReplayer } from "../../../services/audit/replay";
import { applyStep } from "../../../services/audit/rules";
import { eventIdOf, packStep } from "../../../services/shared/ledger-codec";
import type { RpcLog } from "../../../services/audit/types";

export const LEDGER = "0x00000000000000000000000000000000000000aa";

export interface SynthStep {
  agency: number;
  seq: number | bigint;
  caseRef: string;
  step: number;
  detail?: bigint;
  businessDate?: number;
  commitment: string;
  block?: number;
}

const word = (x: bigint | number) => BigInt(x).toString(16).padStart(64, "0");

/** The logs the contract emits for these steps (StepRecorded and the rule events the rules predict). */
export function synthLogs(steps: SynthStep[]): RpcLog[] {
  const logs: RpcLog[] = [];
  const flags = new Map<string, number>();
  const recorded = new Set<bigint>();
  let logIndex = 0;
  for (const s of steps) {
    const eventId = eventIdOf(s.agency, s.seq);
    const packed = packStep({ eventId, step: s.step, detail: s.detail ?? 0n, businessDate: s.businessDate ?? 0 });
    const block = "0x" + (s.block ?? 1).toString(16);
    const base = { address: LEDGER, blockNumber: block, blockHash: "0x" + "00".repeat(32), transactionHash: "0x" + word(s.block ?? 1) };
    logs.push({ ...base, topics: [LedgerLogDecoder.topicOf("StepRecorded"), s.caseRef], data: "0x" + word(packed) + s.commitment.slice(2), logIndex: "0x" + (logIndex++).toString(16) });
    const before = flags.get(s.caseRef) ?? 0;
    const out = applyStep(before, s.step, Number(s.detail ?? 0n), s.agency, { eventId, detail: s.detail ?? 0n }, (id) => recorded.has(id));
    recorded.add(eventId);
    flags.set(s.caseRef, out.next);
    for (const n of out.notices) {
      const { data, topics } = LEDGER_INTERFACE.encodeEventLog(n.name, [s.caseRef, ...Object.entries(n).filter(([k]) => k !== "name").map(([, v]) => v)]);
      logs.push({ ...base, topics, data, logIndex: "0x" + (logIndex++).toString(16) });
    }
  }
  return logs;
}

/** A replayer that has seen these steps (timestamps = block * 12). */
export function replayed(steps: SynthStep[]): EventReplayer {
  const r = new EventReplayer();
  const decoder = new LedgerLogDecoder(LEDGER);
  for (const log of synthLogs(steps)) {
    const e = decoder.decode(log);
    if (isDecodeFailure(e)) throw new Error(e.error);
    r.push(e, e.block * 12);
  }
  r.finish();
  return r;
}
