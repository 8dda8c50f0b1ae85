// A small ledger history that touches every rule of ProcedureRules: forward steps, alerts (out of order),
// stops opened and resolved, an ignored stop, allocations due and made, a correction and an erasure.
// Used for the captured vector (capture-vectors.ts) and the tamper tests.
import { keccak256, toUtf8Bytes } from "ethers";
import type { TestChain } from "../../support/chain";
import { LedgerWriter, type Kept } from "./writer";

export const B = 1;
export const Z = 2;
/** A writer on `chain`'s ledger with BAMF's and ZAB's dev keys, the two agencies the scenario records for. */
export function bamfZabWriter(chain: TestChain): LedgerWriter {
  return new LedgerWriter(chain.provider, chain.deployment.contracts.ProcedureLedger.address, {
    [B]: chain.wallets.BAMF.connect(chain.provider),
    [Z]: chain.wallets.ZAB.connect(chain.provider),
  });
}

export const caseRefOf = (label: string): string => keccak256(toUtf8Bytes(`audit-test-case:${label}`));

export interface ScenarioResult {
  /** the case whose BAMF data was erased (ERASED recorded by BAMF) */
  erasedCase: string;
  /** a BAMF sequence number that was skipped (no event on chain) */
  skippedBamfSequence: number;
  /** a BAMF step that a CORRECTION names */
  corrected: Kept;
}

/** With `ignoredStop`, case C's repatriation is carried out against its open stop (a compliance finding). */
export async function recordScenario(w: LedgerWriter, opts: { prefix?: string; ignoredStop?: boolean } = {}): Promise<ScenarioResult> {
  const prefix = opts.prefix ?? "";
  const A = caseRefOf(prefix + "A");
  const Bc = caseRefOf(prefix + "B");
  const C = caseRefOf(prefix + "C");
  const D = caseRefOf(prefix + "D");
  const E = caseRefOf(prefix + "E");
  await w.record([
    { agency: Z, caseRef: A, step: "REGISTERED", data: { facility: "AnKER Dresden" } },
    { agency: Z, caseRef: Bc, step: "REGISTERED" },
    { agency: Z, caseRef: C, step: "REGISTERED" },
    { agency: Z, caseRef: D, step: "REGISTERED" },
    { agency: Z, caseRef: E, step: "REGISTERED" },
  ]);
  const filedD = (
    await w.record([
      { agency: B, caseRef: A, step: "APPLICATION_FILED" },
      { agency: B, caseRef: A, step: "HEARING_SCHEDULED", businessDate: 20261005 },
      { agency: B, caseRef: A, step: "HEARING_HELD" },
      { agency: B, caseRef: A, step: "DECISION_ISSUED", detail: 1 }, // refugee protection: allocation due
      { agency: B, caseRef: A, step: "DECISION_SERVED" },
      { agency: B, caseRef: Bc, step: "APPLICATION_FILED" },
      { agency: B, caseRef: Bc, step: "HEARING_SCHEDULED", businessDate: 20260901 },
      { agency: B, caseRef: Bc, step: "HEARING_HELD" },
      { agency: B, caseRef: Bc, step: "DECISION_ISSUED", detail: 5 }, // rejected as unfounded
      { agency: B, caseRef: Bc, step: "DECISION_SERVED" },
      { agency: B, caseRef: Bc, step: "DECISION_FINAL" },
      { agency: B, caseRef: C, step: "HEARING_HELD" }, // out of order: no application, no hearing date
      { agency: B, caseRef: D, step: "APPLICATION_FILED", data: { note: "typo in the arrival date" } },
      { agency: B, caseRef: E, step: "PROSPECTS_ASSESSED", detail: 1 }, // good prospects: allocation due
    ])
  ).find((k) => k.caseRef === D)!;
  await w.record([
    { agency: Z, caseRef: A, step: "MUNICIPAL_ALLOCATION", detail: 14612 },
    { agency: Z, caseRef: A, step: "TRANSFERRED_TO_MUNICIPALITY" },
    { agency: Z, caseRef: Bc, step: "DEPARTURE_OBLIGATION" },
    { agency: Z, caseRef: Bc, step: "REPATRIATION_SCHEDULED", businessDate: 20270210 },
    { agency: Z, caseRef: C, step: "REPATRIATION_SCHEDULED", businessDate: 20270301 }, // alert + stop: no negative decision
  ]);
  await w.record([{ agency: B, caseRef: Bc, step: "FOLLOW_UP_APPLICATION_FILED" }]); // stop: follow-up pending
  await w.record([
    { agency: B, caseRef: Bc, step: "FOLLOW_UP_DECIDED", detail: 2 }, // not opened: stop resolved
    { agency: B, caseRef: D, step: "CORRECTION", detail: filedD.eventId, data: { note: "arrival date corrected" } },
  ]);
  // A BAMF event id that never reaches the chain (its batch failed in the agency): the sequence skips it.
  const skippedBamfSequence = Number(w.kept.filter((k) => k.agency === B).reduce((m, k) => (k.sequence > m ? k.sequence : m), 0)) + 1;
  await w.record([
    { agency: Z, caseRef: Bc, step: "REPATRIATION_COMPLETED" },
    ...(opts.ignoredStop ? [{ agency: Z, caseRef: C, step: "REPATRIATION_COMPLETED" }] : []), // ignored stop
  ]);
  // Erasure of case D's BAMF data: data and salt deleted off chain, then the marker on chain.
  w.eraseOffChain(B, D);
  await w.record([{ agency: B, caseRef: D, step: "ERASED", detail: 2, sequence: skippedBamfSequence + 1 }]);
  return { erasedCase: D, skippedBamfSequence, corrected: filedD };
}
