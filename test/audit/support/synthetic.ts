// Ledger logs built by hand (for unit tests of the pure functions): StepRecorded and rule events in the
// exact ABI layout the contract emits, and a replayer fed with them after the deployment's own events
// (type rights of a code-list version, the member agencies joining, the code list put in force).
import { LEDGER_INTERFACE, LedgerLogDecoder, isDecodeFailure } from "../../../services/audit/events";
import { EventReplayer } from "../../../services/audit/replay";
import { applyStep } from "../../../services/audit/rules";
import { eventIdOf, packStep } from "../../../services/shared/ledger-codec";
import { CODE_LIST_VERSIONS, codeListHash, typeRightsOf, type CodeLists } from "../../../services/shared/codelists";
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
  return new SynthLedger().logs(steps);
}

/** The contract's side of a synthetic history: case flags, recorded ids and log positions across calls. */
export class SynthLedger {
  private readonly flags = new Map<string, number>();
  private readonly recorded = new Set<bigint>();
  private index = 0;
  private deploymentIndex = 0;

  /**
   * The next log index: one count over the steps and later governance events (the fixed vectors of the
   * unit tests were made so), the deployment's events (block 0) counted apart, so that they shift nothing.
   */
  nextLogIndex(block: number): number {
    return block === 0 ? this.deploymentIndex++ : this.index++;
  }

  logs(steps: SynthStep[]): RpcLog[] {
    const logs: RpcLog[] = [];
    const flags = this.flags;
    const recorded = this.recorded;
    for (const s of steps) {
      const eventId = eventIdOf(s.agency, s.seq);
      const packed = packStep({
        eventId,
        step: s.step,
        detail: s.detail ?? 0n,
        businessDate: s.businessDate ?? 0,
      });
      const block = "0x" + (s.block ?? 1).toString(16);
      const base = {
        address: LEDGER,
        blockNumber: block,
        blockHash: "0x" + "00".repeat(32),
        transactionHash: "0x" + word(s.block ?? 1),
      };
      logs.push({
        ...base,
        topics: [LedgerLogDecoder.topicOf("StepRecorded"), s.caseRef],
        data: "0x" + word(packed) + s.commitment.slice(2),
        logIndex: "0x" + this.nextLogIndex(s.block ?? 1).toString(16),
      });
      const before = flags.get(s.caseRef) ?? 0;
      const out = applyStep(before, s.step, Number(s.detail ?? 0n), { eventId, detail: s.detail ?? 0n }, (id) => recorded.has(id));
      recorded.add(eventId);
      flags.set(s.caseRef, out.next);
      for (const n of out.notices) {
        const { data, topics } = LEDGER_INTERFACE.encodeEventLog(n.name, [
          s.caseRef,
          ...Object.entries(n)
            .filter(([k]) => k !== "name")
            .map(([, v]) => v),
        ]);
        logs.push({
          ...base,
          topics,
          data,
          logIndex: "0x" + this.nextLogIndex(s.block ?? 1).toString(16),
        });
      }
    }
    return logs;
  }
}

/** A member agency of the synthetic network. */
export interface SynthAgency {
  agency: number;
  agencyType: number;
  scope: number;
  name: string;
  account: string;
}

/** The pilots and the demo district authority (issue 14's design). */
export const SYNTH_AGENCIES: SynthAgency[] = [
  {
    agency: 1,
    agencyType: 1,
    scope: 14,
    name: "BAMF Außenstelle Dresden",
    account: "0x" + "01".repeat(20),
  },
  {
    agency: 2,
    agencyType: 2,
    scope: 14,
    name: "Zentrale Ausländerbehörde Sachsen",
    account: "0x" + "02".repeat(20),
  },
  {
    agency: 3,
    agencyType: 3,
    scope: 14625,
    name: "Landratsamt Bautzen, Ausländerbehörde",
    account: "0x" + "03".repeat(20),
  },
];

/** Membership, rights and code-list events (the ledger's governance side), pushed as decoded events. */
export class SynthGovernance {
  constructor(
    readonly r: EventReplayer,
    readonly ledger = new SynthLedger(),
  ) {}

  /** The event as the contract emits it (ABI-encoded log), decoded by the audit's decoder. */
  private push(name: string, args: Record<string, unknown>, block: number): void {
    const fragment = LEDGER_INTERFACE.getEvent(name)!;
    const { data, topics } = LEDGER_INTERFACE.encodeEventLog(
      fragment,
      fragment.inputs.map((p) => args[p.name]),
    );
    const log: RpcLog = {
      address: LEDGER,
      blockNumber: "0x" + block.toString(16),
      blockHash: "0x" + "00".repeat(32),
      transactionHash: "0x" + word(block),
      logIndex: "0x" + this.ledger.nextLogIndex(block).toString(16),
      topics,
      data,
    };
    const e = new LedgerLogDecoder(LEDGER).decode(log);
    if (isDecodeFailure(e)) throw new Error(e.error);
    this.r.push(e, block * 12);
  }

  /** Steps recorded (StepRecorded and the rule events), after what was pushed so far. */
  steps(steps: SynthStep[]): void {
    pushLogs(this.r, this.ledger.logs(steps));
  }

  /** A code-list version put in force: its TypeRightsChanged, then CodeListChanged (as SetCodeList does). */
  codeList(index: number, block: number, previousHash = "0x" + "00".repeat(32), rights = typeRightsOf(CODE_LIST_VERSIONS[index].lists)): string {
    const v = CODE_LIST_VERSIONS[index];
    for (const x of rights)
      this.push(
        "TypeRightsChanged",
        {
          agencyType: x.agencyType,
          steps: x.steps,
          allocationScoped: x.allocationScoped,
        },
        block,
      );
    const hash = codeListHash(v.raw as CodeLists);
    this.push(
      "CodeListChanged",
      {
        previousHash,
        newHash: hash,
        version: "0x" + Buffer.from(v.lists.version).toString("hex").padEnd(64, "0"),
      },
      block,
    );
    return hash;
  }

  join(a: SynthAgency, block: number): void {
    this.push(
      "AgencyJoined",
      {
        agency: a.agency,
        agencyType: a.agencyType,
        scope: a.scope,
        name: a.name,
      },
      block,
    );
    this.addAccount(a.account, a.agency, block);
  }

  addAccount(account: string, agency: number, block: number): void {
    this.push("MemberAdded", { account, agency }, block);
  }

  remove(account: string, agency: number, block: number): void {
    this.push("MemberRemoved", { account, agency }, block);
  }
}

/** A replayer after a deployment at block 0 with the newest code lists and the three agencies. */
export function deployedReplayer(agencies: SynthAgency[] = SYNTH_AGENCIES, codeList = CODE_LIST_VERSIONS.length - 1): { r: EventReplayer; gov: SynthGovernance } {
  const r = new EventReplayer();
  const gov = new SynthGovernance(r);
  gov.codeList(codeList, 0);
  for (const a of agencies) gov.join(a, 0);
  return { r, gov };
}

/** Push these steps' logs (StepRecorded and predicted rule events) into `r` (timestamps = block * 12). */
export function pushSteps(r: EventReplayer, steps: SynthStep[]): void {
  pushLogs(r, synthLogs(steps));
}

function pushLogs(r: EventReplayer, logs: RpcLog[]): void {
  const decoder = new LedgerLogDecoder(LEDGER);
  for (const log of logs) {
    const e = decoder.decode(log);
    if (isDecodeFailure(e)) throw new Error(e.error);
    r.push(e, e.block * 12);
  }
}

/** A replayer that has seen these steps after the deployment's events (timestamps = block * 12). */
export function replayed(steps: SynthStep[]): EventReplayer {
  const { gov, r } = deployedReplayer();
  gov.steps(steps);
  r.finish();
  return r;
}
