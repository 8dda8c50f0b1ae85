// Helpers shared by the contract tests: a clerk that records steps with fresh event ids per agency,
// the rule flags and stop reasons of ProcedureRules.sol, code look-ups in the code lists, and the
// governance votes (proposals and approvals by a majority).
import { ethers } from "hardhat";
import type { ContractTransactionResponse, ContractTransactionReceipt, LogDescription } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployLedgerForTest, deployNetworkForTest, stepFor, AGENCY, type TestAgency } from "./fixtures";
import { CODE_LISTS, stepByKey, type CodeLists } from "../../services/shared/codelists";
import { eventIdOf, packStep } from "../../services/shared/ledger-codec";
import type { IProcedureLedger, ProcedureLedger } from "../../typechain-types";
import { FLAG } from "../../services/shared/rule-flags";

export { AGENCY, type TestAgency };
export type Fixture = Awaited<ReturnType<typeof deployLedgerForTest>>;
export type Step = IProcedureLedger.StepStruct;

/** Rule flags of a case (ProcedureRules.sol), as caseState() reports them. */
export { FLAG };

type CodeListName = "outcomes" | "appealKinds" | "appealResults" | "followUpResults" | "prospects" | "cancelReasons" | "erasureReasons" | "stopReasons";

/** The code of `key` in one of the code lists (codelists/codelists.json). */
export function codeOf(list: CodeListName, key: string): bigint {
  const entry = (CODE_LISTS[list] as CodeLists["outcomes"]).find((c) => c.key === key);
  if (!entry) throw new Error(`no ${key} in ${list}`);
  return BigInt(entry.code);
}

/** Stop reason bits as the code list names them. */
export const STOP = {
  NO_NEGATIVE_DECISION: Number(codeOf("stopReasons", "NO_NEGATIVE_DECISION")),
  POSITIVE_DECISION: Number(codeOf("stopReasons", "POSITIVE_DECISION")),
  SUSPENSIVE_APPEAL: Number(codeOf("stopReasons", "SUSPENSIVE_APPEAL_PENDING")),
  FOLLOW_UP_PENDING: Number(codeOf("stopReasons", "FOLLOW_UP_PENDING")),
};

export const OUTCOME = {
  REFUGEE_PROTECTION: codeOf("outcomes", "REFUGEE_PROTECTION"),
  REJECTED_UNFOUNDED: codeOf("outcomes", "REJECTED_UNFOUNDED"),
};
export const SUSPENSIVE = codeOf("appealKinds", "SUSPENSIVE");
export const NON_SUSPENSIVE = codeOf("appealKinds", "NON_SUSPENSIVE");
export const UPHELD = codeOf("appealResults", "UPHELD");
export const QUASHED = codeOf("appealResults", "QUASHED");
export const NEW_PROCEDURE = codeOf("followUpResults", "NEW_PROCEDURE");
export const NO_NEW_PROCEDURE = codeOf("followUpResults", "NO_NEW_PROCEDURE");
export const GOOD = codeOf("prospects", "GOOD");
export const NOT_GOOD = codeOf("prospects", "NOT_GOOD");
export const DRESDEN = BigInt(CODE_LISTS.distributionKey.districts.find((d) => d.de.startsWith("Dresden"))!.code);
export const BAUTZEN_DISTRICT = BigInt(CODE_LISTS.distributionKey.districts.find((d) => d.de.includes("Bautzen"))!.code);

/** A valid detail for every step that needs one (CORRECTION excepted: it names an event id). */
export const DEFAULT_DETAIL: Record<string, bigint> = {
  DECISION_ISSUED: OUTCOME.REJECTED_UNFOUNDED,
  APPEAL_FILED: NON_SUSPENSIVE,
  APPEAL_DECIDED: UPHELD,
  FOLLOW_UP_DECIDED: NO_NEW_PROCEDURE,
  REPATRIATION_CANCELLED: codeOf("cancelReasons", "LEGAL_OBSTACLE"),
  PROSPECTS_ASSESSED: NOT_GOOD,
  MUNICIPAL_ALLOCATION: DRESDEN,
  ERASED: codeOf("erasureReasons", "RETENTION_EXPIRED"),
};

export const code = (key: string): number => stepByKey(key).code;

export const caseRefOf = (label: string): string => ethers.keccak256(ethers.toUtf8Bytes(`case:${label}`));

/** The test network's agency of each agency type. */
const AGENCY_OF_TYPE: Record<string, TestAgency> = { FEDERAL_OFFICE: "BAMF", CENTRAL_AUTHORITY: "ZAB", DISTRICT_AUTHORITY: "ABH-14625" };

/** The agency that records `key` by the code lists (not for CORRECTION and ERASED, which every type may record). */
export function recorderOf(key: string): TestAgency {
  const types = stepByKey(key).types;
  if (types.length !== 1) throw new Error(`${key} is recorded by ${types.join(", ")}: name the agency`);
  return AGENCY_OF_TYPE[types[0]];
}

/** A step with a raw step code (also unknown ones), for the validation tests. */
export function rawStep(agency: number, seq: bigint | number, caseRef: string, step: number, detail = 0n, businessDate = 0): Step {
  const eventId = eventIdOf(agency, seq);
  return {
    caseRef,
    packedStep: packStep({ eventId, step, detail, businessDate }),
    commitment: ethers.keccak256(ethers.toUtf8Bytes(`raw-${eventId}`)),
  };
}

export const eventIdOfStep = (s: Step): bigint => BigInt(s.packedStep) & ((1n << 64n) - 1n);

export interface Sent {
  tx: ContractTransactionResponse;
  eventId: bigint;
  step: Step;
}

/** Records steps as the agencies' services would, with a fresh event id per agency and step. */
export class Clerk {
  private readonly seq: Record<TestAgency, bigint> = { BAMF: 0n, ZAB: 0n, "ABH-14625": 0n };

  constructor(readonly f: Fixture) {}

  get ledger(): ProcedureLedger {
    return this.f.ledger;
  }

  /** The signer of the agency (ABH-14625: the `district` signer, a member only in the demo network). */
  signer(who: TestAgency) {
    return who === "BAMF" ? this.f.bamf : who === "ZAB" ? this.f.zab : this.f.district;
  }

  /** A new step for `who` without sending it. */
  make(caseRef: string, key: string, detail?: bigint | number, businessDate?: number, who: TestAgency = recorderOf(key)): Step {
    const d = detail === undefined ? (DEFAULT_DETAIL[key] ?? 0n) : BigInt(detail);
    return stepFor(AGENCY[who], ++this.seq[who], caseRef, key, d, businessDate);
  }

  async record(caseRef: string, key: string, detail?: bigint | number, businessDate?: number, who?: TestAgency): Promise<Sent> {
    const agency = who ?? recorderOf(key);
    const step = this.make(caseRef, key, detail, businessDate, agency);
    const tx = await this.ledger.connect(this.signer(agency)).record(step);
    return { tx, eventId: eventIdOfStep(step), step };
  }

  /** Record the steps in order, each a key or [key, detail]; returns the last one sent. */
  async play(caseRef: string, ...steps: (string | [string, bigint])[]): Promise<Sent> {
    let last: Sent | undefined;
    for (const s of steps) {
      last = typeof s === "string" ? await this.record(caseRef, s) : await this.record(caseRef, s[0], s[1]);
    }
    if (!last) throw new Error("no steps");
    return last;
  }

  async flags(caseRef: string): Promise<number> {
    const [flags] = await this.ledger.caseState(caseRef);
    return Number(flags);
  }
}

/** The pilot network (BAMF, ZAB) with a clerk. */
export async function setUp(): Promise<Fixture & { clerk: Clerk }> {
  const f = await loadFixture(deployLedgerForTest);
  return { ...f, clerk: new Clerk(f) };
}

/** The demo network (BAMF, ZAB, the Bautzen district authority as agency 3) with a clerk. */
export async function setUpNetwork(): Promise<Fixture & { clerk: Clerk }> {
  const f = await loadFixture(deployNetworkForTest);
  return { ...f, clerk: new Clerk(f) };
}

type Signer = Fixture["bamf"];

/**
 * Carries a proposal by majority: `proposer` proposes (the returned promise of its transaction is `propose`),
 * then each of `approvers` approves in turn. Returns the proposal id and the last approval's transaction.
 */
export async function passVote(
  ledger: ProcedureLedger,
  propose: (as: ProcedureLedger) => Promise<ContractTransactionResponse>,
  proposer: Signer,
  approvers: Signer[],
): Promise<{ id: bigint; last: ContractTransactionResponse }> {
  const id = await ledger.proposalCount();
  let last = await propose(ledger.connect(proposer));
  for (const a of approvers) last = await ledger.connect(a).approve(id);
  const p = await ledger.proposal(id);
  if (!p.executed) throw new Error(`proposal ${id} was not carried out`);
  return { id, last };
}

/** The ledger's events of one name in a receipt, decoded. */
export function eventsNamed(ledger: ProcedureLedger, receipt: ContractTransactionReceipt, name: string): LogDescription[] {
  const out: LogDescription[] = [];
  for (const log of receipt.logs) {
    const parsed = ledger.interface.parseLog(log);
    if (parsed && parsed.name === name) out.push(parsed);
  }
  return out;
}

/** The phase I-II steps of a negative procedure up to a served rejection (all in target order). */
export const NEGATIVE_SERVED: (string | [string, bigint])[] = [
  "REGISTERED",
  "APPLICATION_FILED",
  "HEARING_SCHEDULED",
  "HEARING_HELD",
  ["DECISION_ISSUED", OUTCOME.REJECTED_UNFOUNDED],
  "DECISION_SERVED",
];

/** The same with a positive decision (refugee protection). */
export const POSITIVE_SERVED: (string | [string, bigint])[] = [
  "REGISTERED",
  "APPLICATION_FILED",
  "HEARING_SCHEDULED",
  "HEARING_HELD",
  ["DECISION_ISSUED", OUTCOME.REFUGEE_PROTECTION],
  "DECISION_SERVED",
];
