// Replaying the ledger's events in log order: the process rules (rules.ts) against
// the rule events the contract raised, event-id uniqueness, the member agencies and their accounts
// (AgencyJoined, MemberAdded, MemberRemoved), the step rights per agency type (TypeRightsChanged) against
// the code-list version they came with, and what the compliance part needs. Every step is checked under
// the membership, rights and allocation in force at its place in the log. Pure: the events go in, findings
// and state come out. The cases' hash chains are recomputed from the steps it keeps (case-head-chains.ts,
// on the step-hash thread while the audit reads on) and compared here (compareHeads).
import { CaseHeadChains } from "./case-head-chains";
import { codeListByHash, rightsDifferences, type KnownCodeList } from "./code-list-versions";
import { agencyName } from "./names";
import { applyStep, noticeKey, openStops, rejectionOf, FLAG, STEP, TypeRightsTable, type Notice, type Sender } from "./rules";
import { EventIdIndex } from "./event-id-index";
import { SeenEventIds } from "./seen-event-ids";
import { eventKeyOf, isStepRecorded, type DecodeFailure, type LedgerEvent, type OtherEvent, type StepRecorded } from "./events";
import { StepLog } from "./step-log";
import { FindingSink, type Finding } from "./types";

export interface CaseState {
  caseRef: string;
  /** its steps */
  count: number;
  flags: number;
  firstBlock: number;
  /** its number in EventReplayer.caseList */
  caseNo: number;
  /** its last step (index into EventReplayer.steps, -1: none yet); each step links the one before it (StepLog.prevInCase) */
  lastStep: number;
  /** its first step in the block of its last step */
  blockFirstStep: number;
  /** block where the open allocation became due (replayed), if it is still due */
  allocationDueBlock?: number;
  /** index into EventReplayer.steps of the step that made it due, -1: none */
  allocationDueStep: number;
  /** block where the currently open stop opened, if one is open */
  stopOpenedBlock?: number;
  /** the case's first step in that block, -1: none */
  stopOpenedStep: number;
  /** the business date of its last HEARING_SCHEDULED with no HEARING_HELD after it, 0: none */
  hearingDate: number;
  /** per agency code: block of its (last) ERASED marker (the contract's erasedBy bitmap) */
  erasedAt?: Map<number, number>;
  /** the district of the latest MUNICIPAL_ALLOCATION (allocatedTo(caseRef)), 0: none */
  allocatedTo: number;
  /** index into EventReplayer.steps of that allocation, -1: none */
  allocationStep: number;
  /** the three logs-bloom positions of the case reference, once the engine computed them */
  bloomBits?: [number, number, number];
  /** the next case whose reference starts with the same 30 bits (EventReplayer.caseFor) */
  samePrefix?: CaseState;
  /** the case reference's bytes as 4-byte words: the slab they are in and where they start there */
  slab32: Int32Array;
  at32: number;
}

export interface MembershipChange {
  account: string;
  agency: number;
  added: boolean;
  block: number;
  logIndex: number;
}

/** A member agency as the chain registered it, with its accounts: who was a member when. */
export interface AgencyRecord {
  agency: number;
  /** type, scope and name from AgencyJoined (0, 0, "" when the chain added an account without it) */
  agencyType: number;
  scope: number;
  name: string;
  /** block of AgencyJoined (of the first MemberAdded where there was none) */
  joinedBlock: number;
  accounts: { account: string; fromBlock: number; toBlock?: number }[];
  /** member accounts at the end of the replay */
  activeAccounts: number;
}

/** A code-list version the chain put in force (CodeListChanged), and what the audit found about it. */
export interface CodeListEpoch {
  hash: string;
  /** the on-chain label (bytes32) as read */
  versionLabel: string;
  block: number;
  /** the version as this build knows it (undefined: a hash this build does not know) */
  known?: KnownCodeList;
  /** whether the chain's type rights equalled the version's published rights when it came into force */
  rightsMatch?: boolean;
  /** steps replayed while it was in force */
  steps: number;
}

export interface RuleEventRecord {
  name: string;
  caseRef: string;
  eventId: string;
  block: number;
  args: Record<string, string | number>;
}

const CASES_PER_SLAB = 4096;
/** duplicate event ids whose first occurrence is looked up (EventReplayer.duplicate) */
const DUPLICATE_LOOKUPS = 100;
// Read once: the per-step code uses these often.
const ALLOCATION_DUE = FLAG.ALLOCATION_DUE;
const ERASED = STEP.ERASED;
const MUNICIPAL_ALLOCATION = STEP.MUNICIPAL_ALLOCATION;
const HEARING_SCHEDULED = STEP.HEARING_SCHEDULED;
const HEARING_HELD = STEP.HEARING_HELD;

const RULE_EVENTS = new Set(["OutOfOrder", "StopChanged", "StopIgnored", "AllocationDue", "StepCorrected"]);

interface Pending {
  step: StepRecorded;
  expected: Notice[];
}

function ruleEventKey(e: OtherEvent): string | undefined {
  const a = e.args;
  switch (e.name) {
    case "OutOfOrder":
      return `OutOfOrder(${a.eventId},${a.step},${a.missing})`;
    case "StopChanged":
      return `StopChanged(${a.eventId},${a.previousReasons},${a.reasons})`;
    case "StopIgnored":
      return `StopIgnored(${a.eventId},${a.reasons})`;
    case "AllocationDue":
      return `AllocationDue(${a.eventId})`;
    case "StepCorrected":
      return `StepCorrected(${a.eventId},${a.originalEventId})`;
  }
  return undefined;
}

export class EventReplayer {
  readonly sink: FindingSink;
  /** case references in order of first appearance */
  readonly caseList: string[] = [];
  /** every StepRecorded, in log order, with its block's time (unix seconds), as columns (step-log.ts) */
  readonly steps = new StepLog(this.caseList);
  /** the event ids seen: bits for the pages not yet full (uniqueness, isRecorded) */
  readonly seenIds = new SeenEventIds();
  /** event id → index into `steps`, made when first asked for (stepOfEventId) */
  private byEventKey: EventIdIndex | undefined;
  /** duplicate ids whose first step was looked up for the finding's message (a scan of the steps each) */
  private duplicatesLookedUp = 0;
  readonly cases = new Map<string, CaseState>();
  private slab = Buffer.alloc(0);
  private slab32: Int32Array = new Int32Array(0);
  private lastWords: Uint8Array | undefined;
  private lastWords32: Int32Array = new Int32Array(0);
  private slabUsed = CASES_PER_SLAB;
  /** cases by the first 30 bits of their reference (a case reference is a hash: they rarely collide) */
  private readonly byPrefix = new Map<number, CaseState>();
  /** the first block of each case in order of first appearance (ascending): for caseCountAt */
  private readonly caseFirstBlocks: number[] = [];
  readonly membership: MembershipChange[] = [];
  /** the member agencies by number, in order of joining */
  readonly agencies = new Map<number, AgencyRecord>();
  /** the step rights per agency type in force at the current point of the replay */
  readonly rights = new TypeRightsTable();
  readonly rightsChanges: { agencyType: number; steps: bigint; allocationScoped: boolean; block: number }[] = [];
  /** the code-list versions in force, oldest first (the first from the deployment) */
  readonly codeListEpochs: CodeListEpoch[] = [];
  private epoch: CodeListEpoch | undefined;
  /** rights changed since the last CodeListChanged: compared when the next one (or the end) comes */
  private rightsChangedSinceCodeList = false;
  /** per agency number: member accounts, type and scope now (the per-step checks read these) */
  private readonly memberCount = new Int32Array(256);
  private readonly typeOf = new Uint8Array(256);
  private readonly scopeOf = new Uint32Array(256);
  private readonly activeAgencyOf = new Map<string, number>();
  private readonly sender: Sender = { agency: 0, agencyType: 0, scope: 0 };
  readonly auditors: { account: string; added: boolean; block: number }[] = [];
  readonly codeListChanges: { previousHash: string; newHash: string; version: string; block: number }[] = [];
  /** rule events as the contract raised them (compliance lists) */
  readonly stopIgnored: RuleEventRecord[] = [];
  readonly corrections: RuleEventRecord[] = [];
  readonly outOfOrder: RuleEventRecord[] = [];
  readonly ruleEventCounts: Record<string, number> = { OutOfOrder: 0, StopChanged: 0, StopIgnored: 0, AllocationDue: 0, StepCorrected: 0 };
  readonly otherEventCounts: Record<string, number> = {};
  /** per agency code: the highest sequence number seen, in two parts (bits 32-55, bits 0-31) */
  private readonly maxSeqHigh = new Float64Array(256);
  private readonly maxSeqLow = new Float64Array(256);
  eventsSeen = 0;
  private pending: Pending | undefined;
  private lastBlock = -1;
  private lastLogIndex = -1;

  constructor(sink?: FindingSink) {
    this.sink = sink ?? new FindingSink();
  }

  private add(f: Finding): void {
    this.sink.add(f);
  }

  /**
   * Push the next decoded event (in log order) with its block's timestamp; `c`: a StepRecorded's case
   * where the caller already has it (caseFor).
   */
  push(e: LedgerEvent, timestamp: number, c?: CaseState): void {
    this.eventsSeen++;
    if (e.block < this.lastBlock || (e.block === this.lastBlock && e.logIndex <= this.lastLogIndex)) {
      this.add({ check: "events", kind: "log-out-of-order", severity: "critical", blockNumber: e.block, message: `log ${e.block}/${e.logIndex} delivered after ${this.lastBlock}/${this.lastLogIndex}` });
    }
    this.lastBlock = e.block;
    this.lastLogIndex = e.logIndex;
    if (isStepRecorded(e)) {
      this.flushPending();
      this.step(e, timestamp, c);
      return;
    }
    if (RULE_EVENTS.has(e.name)) {
      this.ruleEvent(e);
      return;
    }
    this.flushPending();
    this.otherEvent(e);
  }

  pushFailure(f: DecodeFailure): void {
    this.eventsSeen++;
    this.flushPending();
    this.add({ check: "events", kind: "undecodable-log", severity: "critical", blockNumber: f.block, message: `log ${f.block}/${f.logIndex} (tx ${f.txHash}) cannot be decoded as a ledger event: ${f.error}` });
  }

  /** Call after the last event. */
  finish(): void {
    this.flushPending();
    // Rights set outside a code-list change: they must still be the version's in force.
    if (this.rightsChangedSinceCodeList && this.epoch) this.checkRights(this.epoch, this.lastBlock, "after");
    this.rightsChangedSinceCodeList = false;
  }

  private step(e: StepRecorded, timestamp: number, known: CaseState | undefined): void {
    const c = known ?? this.caseFor(e.words, e.at, e.block);
    const last = c.lastStep;
    const idx = this.steps.push(e, timestamp, c.caseNo, last);
    if (last < 0 || this.steps.block(last) !== e.block) c.blockFirstStep = idx;
    c.lastStep = idx;
    const words = e.words;
    const at = e.at;

    // What the contract would have refused: a sender that is no member, a step its agency's type may not
    // record (under the rights in force now), a malformed step, a case not allocated to a district
    // authority's district.
    const agency = e.agency;
    if (this.memberCount[agency] <= 0) this.notAMember(e);
    else {
      const sender = this.sender;
      sender.agency = agency;
      sender.agencyType = this.typeOf[agency];
      sender.scope = this.scopeOf[agency];
      const rejection = rejectionOf(this.rights, sender, e.step, e.detailNum, e.businessDate, e.caseRef, e.highBitsSet, c.allocatedTo);
      if (rejection) this.rejected(e, rejection);
    }
    (this.epoch ??= this.unannouncedEpoch(e.block)).steps++;
    // The sequence number: bytes 25-31 of the packed word.
    const seqHigh = (words[at + 57] << 16) | (words[at + 58] << 8) | words[at + 59];
    const seqLow = ((words[at + 60] << 24) | (words[at + 61] << 16) | (words[at + 62] << 8) | words[at + 63]) >>> 0;
    if (seqHigh === 0 && seqLow === 0) this.rejected(e, "sequence number 0");
    else if (seqHigh > this.maxSeqHigh[e.agency] || (seqHigh === this.maxSeqHigh[e.agency] && seqLow > this.maxSeqLow[e.agency])) {
      this.maxSeqHigh[e.agency] = seqHigh;
      this.maxSeqLow[e.agency] = seqLow;
    }
    if (!this.seenIds.addAt(words, at + 56)) this.duplicate(e, idx);

    c.count++;

    const before = c.flags;
    const out = applyStep(before, e.step, e.detailNum, e, this.isRecorded);
    if (out.rejection) this.rejected(e, out.rejection);
    const next = out.next;
    c.flags = next;
    if (next !== before) {
      // Compliance state from the replay.
      if ((next & ALLOCATION_DUE) !== 0 && (before & ALLOCATION_DUE) === 0) {
        c.allocationDueBlock = e.block;
        c.allocationDueStep = idx;
      } else if ((next & ALLOCATION_DUE) === 0) {
        c.allocationDueBlock = undefined;
        c.allocationDueStep = -1;
      }
      const stopsBefore = openStops(before);
      const stopsAfter = openStops(next);
      if (stopsAfter !== 0 && stopsBefore === 0) {
        c.stopOpenedBlock = e.block;
        c.stopOpenedStep = c.blockFirstStep;
      } else if (stopsAfter === 0) {
        c.stopOpenedBlock = undefined;
        c.stopOpenedStep = -1;
      }
    }
    if (e.step === ERASED) {
      (c.erasedAt ??= new Map()).set(e.agency, e.block);
      this.anyErasure = true;
    } else if (e.step === MUNICIPAL_ALLOCATION) {
      c.allocatedTo = e.detailNum;
      c.allocationStep = idx;
    } else if (e.step === HEARING_SCHEDULED) c.hearingDate = e.businessDate;
    else if (e.step === HEARING_HELD) c.hearingDate = 0;

    this.pending = out.notices.length > 0 ? { step: e, expected: out.notices } : undefined;
  }

  /**
   * The case whose reference is held in `words[at..at+32]`, opened (first seen at `block`) if new: found
   * by the reference's first bits and its bytes, without making its hex string.
   */
  caseFor(words: Uint8Array, at: number, block: number): CaseState {
    const prefix = (words[at] << 22) | (words[at + 1] << 14) | (words[at + 2] << 6) | (words[at + 3] >> 2);
    const first = this.byPrefix.get(prefix);
    const w32 = this.int32Of(words);
    for (let c = first; c !== undefined; c = c.samePrefix) if (holdsRef(c.slab32, c.at32, w32, at >> 2)) return c;
    // Case references are kept in shared slabs: one memory block for many cases, not one each.
    if (this.slabUsed === CASES_PER_SLAB) {
      this.slab = Buffer.alloc(CASES_PER_SLAB * 32);
      this.slab32 = new Int32Array(this.slab.buffer, this.slab.byteOffset, this.slab.length >> 2);
      this.slabUsed = 0;
    }
    const at32 = this.slabUsed * 8;
    const ref = this.slab.subarray(this.slabUsed * 32, ++this.slabUsed * 32);
    for (let k = 0; k < 32; k++) ref[k] = words[at + k];
    const caseRef = "0x" + ref.toString("hex");
    // Every field set here, also the optional ones: all cases share one object shape (fast property access).
    const c: CaseState = {
      caseRef,
      count: 0,
      flags: 0,
      firstBlock: block,
      caseNo: this.caseList.length,
      lastStep: -1,
      blockFirstStep: -1,
      allocationDueBlock: undefined,
      allocationDueStep: -1,
      stopOpenedBlock: undefined,
      stopOpenedStep: -1,
      hearingDate: 0,
      erasedAt: undefined,
      allocatedTo: 0,
      allocationStep: -1,
      bloomBits: undefined,
      samePrefix: first,
      slab32: this.slab32,
      at32,
    };
    this.byPrefix.set(prefix, c);
    this.cases.set(caseRef, c);
    this.caseFirstBlocks.push(block);
    this.caseList.push(caseRef);
    return c;
  }

  /** A record buffer as 4-byte words (StepRecorded.words is aligned), made once for all its steps. */
  private int32Of(words: Uint8Array): Int32Array {
    if (words !== this.lastWords) {
      this.lastWords = words;
      this.lastWords32 = new Int32Array(words.buffer, words.byteOffset, words.length >> 2);
    }
    return this.lastWords32;
  }

  /** The highest sequence number seen per agency code, as 14 hex digits (compares like the number). */
  get maxSequence(): Map<number, string> {
    const m = new Map<number, string>();
    for (let a = 0; a < 256; a++) {
      if (this.maxSeqHigh[a] !== 0 || this.maxSeqLow[a] !== 0) m.set(a, this.maxSeqHigh[a].toString(16).padStart(6, "0") + this.maxSeqLow[a].toString(16).padStart(8, "0"));
    }
    return m;
  }

  private readonly isRecorded = (id: bigint): boolean => this.seenIds.has(id);

  /**
   * A step whose event id was seen before (step `idx`): the finding names the block of the first one,
   * found by a scan of the steps before it for the first DUPLICATE_LOOKUPS duplicates (each scan is as
   * long as the ledger; a ledger full of repeats is reported without it).
   */
  private duplicate(e: StepRecorded, idx: number): void {
    let first: number | undefined;
    if (this.duplicatesLookedUp++ < DUPLICATE_LOOKUPS) {
      const steps = this.steps;
      for (let i = 0; i < idx && first === undefined; i++) {
        const r = steps.recordOf(i);
        const p = steps.recordAt(i) + 24;
        let same = true;
        for (let k = 0; k < 8 && same; k++) same = r[p + k] === e.words[e.at + 56 + k];
        if (same) first = i;
      }
    }
    const where = first === undefined ? `again at block ${e.block}` : `blocks ${this.steps.block(first)} and ${e.block}`;
    this.add({ check: "events", kind: "duplicate-event-id", severity: "critical", eventId: e.eventId.toString(), caseRef: e.caseRef, blockNumber: e.block, message: `event id ${e.eventId} recorded twice (${where}); the audited contract rejects repeats` });
  }

  /**
   * The index into `steps` of the (first) step with this event id: among the steps of case `caseRef`
   * where given, else by an index of every step's id, made on the first such call (4 bytes an event:
   * only the database check asks without a case).
   */
  stepOfEventId(eventId: bigint, caseRef?: string): number | undefined {
    const key = eventKeyOf(eventId);
    if (caseRef !== undefined) {
      const c = this.cases.get(caseRef.toLowerCase());
      if (!c) return undefined;
      const id = Buffer.from(key, "hex");
      for (const i of this.stepsOfCase(c)) if (this.steps.recordOf(i).compare(id, 0, 8, this.steps.recordAt(i) + 24, this.steps.recordAt(i) + 32) === 0) return i;
      return undefined;
    }
    if (!this.byEventKey) {
      const index = new EventIdIndex();
      for (let i = 0; i < this.steps.length; i++) {
        const r = this.steps.recordOf(i);
        const at = this.steps.recordAt(i) + 24;
        if (index.getAt(r, at) === undefined) index.setAt(r, at, i);
      }
      this.byEventKey = index;
    }
    return this.byEventKey.get(key);
  }

  private rejected(e: StepRecorded, why: string): void {
    const eventId = e.eventId.toString();
    this.add({ check: "rules", kind: "step-should-have-been-rejected", severity: "critical", eventId, caseRef: e.caseRef, blockNumber: e.block, message: `event ${eventId}: the audited contract rejects this step (${why}), yet it was recorded` });
  }

  private notAMember(e: StepRecorded): void {
    const eventId = e.eventId.toString();
    const a = this.agencies.get(e.agency);
    const left = a?.accounts.reduce((m, x) => Math.max(m, x.toBlock ?? -1), -1) ?? -1;
    const why = !a ? "which never joined the ledger" : left >= 0 ? `whose last member account was removed at block ${left}` : "which had no member account then";
    this.add({
      check: "rules",
      kind: "step-by-non-member",
      severity: "critical",
      eventId,
      caseRef: e.caseRef,
      blockNumber: e.block,
      agency: agencyName(e.agency),
      message: `event ${eventId} (block ${e.block}) was recorded for agency ${e.agency} (${agencyName(e.agency)}), ${why}: the audited contract accepts steps only from member accounts (NotAMember)`,
    });
  }

  private ruleEvent(e: OtherEvent): void {
    this.ruleEventCounts[e.name]++;
    const caseRef = String(e.args.caseRef).toLowerCase();
    const record: RuleEventRecord = {
      name: e.name,
      caseRef,
      eventId: String(e.args.eventId),
      block: e.block,
      args: Object.fromEntries(Object.entries(e.args).filter(([k]) => k !== "caseRef" && k !== "eventId").map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : Number(v)])),
    };
    if (e.name === "StopIgnored") this.stopIgnored.push(record);
    else if (e.name === "StepCorrected") this.corrections.push(record);
    else if (e.name === "OutOfOrder") this.outOfOrder.push(record);

    const key = ruleEventKey(e)!;
    const p = this.pending;
    if (p && p.step.txHash === e.txHash && p.step.caseRef === caseRef && eventKeyOf(BigInt(e.args.eventId as bigint)) === p.step.eventKey) {
      const i = p.expected.findIndex((n) => noticeKey(n) === key);
      if (i >= 0) {
        for (const missed of p.expected.slice(0, i)) this.missing(p.step, missed);
        p.expected.splice(0, i + 1);
        if (p.expected.length === 0) this.pending = undefined;
        return;
      }
    }
    this.add({
      check: "rules",
      kind: "unexpected-rule-event",
      severity: "critical",
      eventId: record.eventId,
      caseRef,
      blockNumber: e.block,
      message: `the contract raised ${key} (block ${e.block}, log ${e.logIndex}), which the replayed rules do not produce at this point`,
    });
  }

  private missing(step: StepRecorded, n: Notice): void {
    this.add({
      check: "rules",
      kind: "missing-rule-event",
      severity: "critical",
      eventId: step.eventId.toString(),
      caseRef: step.caseRef,
      blockNumber: step.block,
      message: `the replayed rules raise ${noticeKey(n)} after event ${step.eventId}, but the contract did not`,
    });
  }

  private flushPending(): void {
    const p = this.pending;
    if (!p) return;
    for (const n of p.expected) this.missing(p.step, n);
    this.pending = undefined;
  }

  private otherEvent(e: OtherEvent): void {
    this.otherEventCounts[e.name] = (this.otherEventCounts[e.name] ?? 0) + 1;
    const a = e.args;
    if (e.name === "MemberAdded" || e.name === "MemberRemoved") {
      const change = { account: String(a.account).toLowerCase(), agency: Number(a.agency), added: e.name === "MemberAdded", block: e.block, logIndex: e.logIndex };
      this.membership.push(change);
      this.memberChange(change);
    } else if (e.name === "AgencyJoined") {
      this.agencyJoined(Number(a.agency), Number(a.agencyType), Number(a.scope), String(a.name), e.block);
    } else if (e.name === "TypeRightsChanged") {
      const steps = BigInt(a.steps as bigint);
      const allocationScoped = a.allocationScoped === true;
      this.rights.set(Number(a.agencyType), steps, allocationScoped);
      this.rightsChanges.push({ agencyType: Number(a.agencyType), steps, allocationScoped, block: e.block });
      this.rightsChangedSinceCodeList = true;
    } else if (e.name === "AuditorAdded" || e.name === "AuditorRemoved") {
      this.auditors.push({ account: String(a.account).toLowerCase(), added: e.name === "AuditorAdded", block: e.block });
    } else if (e.name === "CodeListChanged") {
      this.codeListChanges.push({ previousHash: String(a.previousHash), newHash: String(a.newHash), version: String(a.version), block: e.block });
      this.codeListChanged(String(a.newHash).toLowerCase(), String(a.version), e.block);
    }
  }

  private agencyJoined(agency: number, agencyType: number, scope: number, name: string, block: number): void {
    const known = this.agencies.get(agency);
    if (known && known.joinedBlock >= 0 && (known.agencyType !== 0 || known.name !== "")) {
      this.add({ check: "events", kind: "agency-joined-twice", severity: "error", blockNumber: block, agency: agencyName(agency), message: `AgencyJoined for agency ${agency} at block ${block}, which joined at block ${known.joinedBlock} already: the audited contract announces an agency once` });
    }
    if (this.rights.get(agencyType) === undefined) {
      this.add({ check: "rules", kind: "agency-type-without-rights", severity: "error", blockNumber: block, agency: agencyName(agency), message: `agency ${agency} joined at block ${block} with type ${agencyType}, a type without rights on chain: the audited contract refuses it (UnknownAgencyType)` });
    }
    this.typeOf[agency] = agencyType;
    this.scopeOf[agency] = scope;
    if (known) Object.assign(known, { agencyType, scope, name });
    else this.agencies.set(agency, { agency, agencyType, scope, name, joinedBlock: block, accounts: [], activeAccounts: 0 });
  }

  private memberChange(m: MembershipChange): void {
    const current = this.activeAgencyOf.get(m.account);
    if (m.added) {
      let a = this.agencies.get(m.agency);
      if (!a) {
        this.add({ check: "events", kind: "member-without-agency", severity: "error", blockNumber: m.block, agency: agencyName(m.agency), message: `MemberAdded(${m.account}, ${m.agency}) at block ${m.block} without AgencyJoined before it: the agency's type and scope are unknown, so none of its steps is permitted` });
        a = { agency: m.agency, agencyType: 0, scope: 0, name: "", joinedBlock: m.block, accounts: [], activeAccounts: 0 };
        this.agencies.set(m.agency, a);
      }
      if (current !== undefined) return; // a member already (the contract refuses a second add)
      this.activeAgencyOf.set(m.account, m.agency);
      a.activeAccounts = ++this.memberCount[m.agency];
      a.accounts.push({ account: m.account, fromBlock: m.block });
      return;
    }
    if (current !== m.agency) return;
    this.activeAgencyOf.delete(m.account);
    const count = --this.memberCount[m.agency];
    const a = this.agencies.get(m.agency);
    if (!a) return;
    a.activeAccounts = count;
    const open = a.accounts.find((x) => x.account === m.account && x.toBlock === undefined);
    if (open) open.toBlock = m.block;
  }

  private unannouncedEpoch(block: number): CodeListEpoch {
    const epoch: CodeListEpoch = { hash: "", versionLabel: "", block, steps: 0 };
    this.codeListEpochs.push(epoch);
    return epoch;
  }

  private codeListChanged(hash: string, versionLabel: string, block: number): void {
    const epoch: CodeListEpoch = { hash, versionLabel, block, known: codeListByHash(hash), steps: 0 };
    this.codeListEpochs.push(epoch);
    this.epoch = epoch;
    this.rightsChangedSinceCodeList = false;
    if (!epoch.known) {
      this.add({ check: "rules", kind: "code-list-version-unknown", severity: "error", blockNumber: block, message: `the code lists put in force at block ${block} (hash ${hash}) are no version this build knows: the agency types' step rights on chain cannot be compared with a published version (steps were replayed under the chain's rights)` });
      return;
    }
    this.checkRights(epoch, block, "at");
  }

  /** The chain's rights table must be the published rights of the version in force. */
  private checkRights(epoch: CodeListEpoch, block: number, when: "at" | "after"): void {
    if (!epoch.known) return;
    const diff = rightsDifferences(this.rights, epoch.known.rights);
    epoch.rightsMatch = (epoch.rightsMatch ?? true) && diff.length === 0;
    if (diff.length === 0) return;
    this.add({
      check: "rules",
      kind: "type-rights-differ-from-code-list",
      severity: "error",
      blockNumber: block,
      message: `${when === "at" ? `at block ${block}, when code-list version ${epoch.known.version} came into force` : `after block ${epoch.block}, while code-list version ${epoch.known.version} was in force`}, the chain's step rights differ from the version's published ones: ${diff.join("; ")}`,
    });
  }

  /** Number of distinct cases with a StepRecorded up to and including `block`. */
  caseCountAt(block: number): number {
    // caseFirstBlocks is ascending (log order): binary search for the last entry <= block.
    const a = this.caseFirstBlocks;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] <= block) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether `agency` had a member account at `block` (one removed in that block no longer counts). */
  agencyMemberAt(agency: number, block: number): boolean {
    return this.agencies.get(agency)?.accounts.some((x) => x.fromBlock <= block && (x.toBlock === undefined || x.toBlock > block)) ?? false;
  }

  /** The agency's type and scope as the chain registered them (0, 0: never joined). */
  agencyTypeOf(agency: number): { agencyType: number; scope: number } {
    return { agencyType: this.typeOf[agency & 0xff], scope: this.scopeOf[agency & 0xff] };
  }

  /** The agency an account wrote for at `block` (0: not a member then), from the membership events. */
  memberAgencyAt(account: string, block: number): number {
    let agency = 0;
    const acc = account.toLowerCase();
    for (const m of this.membership) {
      if (m.block > block) break;
      if (m.account === acc) agency = m.added ? m.agency : 0;
    }
    return agency;
  }

  /** The agency an account last wrote for at any time of the history, 0 if it never was a member. */
  agencyEverOf(account: string): number {
    let agency = 0;
    const acc = account.toLowerCase();
    for (const m of this.membership) if (m.account === acc && m.added) agency = m.agency;
    return agency;
  }

  /** The events of one agency (for matching its exports and database). */
  stepsOfAgency(agency: number): StepRecorded[] {
    return [...this.steps].filter((s) => s.agency === agency);
  }

  /** The indices into `steps` of a case's steps, in order (followed back from its last step). */
  *stepsOfCase(c: CaseState): Generator<number> {
    const back: number[] = [];
    for (let i = c.lastStep; i >= 0; i = this.steps.prevInCase(i)) back.push(i);
    for (let k = back.length - 1; k >= 0; k--) yield back[k];
  }

  /** The block of the ERASED marker `agency` recorded for `caseRef`, if any. */
  erasedBy(caseRef: string, agency: number): number | undefined {
    if (!this.anyErasure) return undefined;
    return this.cases.get(caseRef)?.erasedAt?.get(agency);
  }

  /** whether any ERASED step was replayed (until then no case has an erasure to look up) */
  anyErasure = false;
}

/** Whether the case reference at slab32[at32..at32+8] equals the one at w32[q..q+8] (4-byte words). */
function holdsRef(slab32: Int32Array, at32: number, w32: Int32Array, q: number): boolean {
  for (let k = 0; k < 8; k++) if (slab32[at32 + k] !== w32[q + k]) return false;
  return true;
}

export interface OnChainHead {
  head: string;
  stepCount: number;
}

/**
 * Compare the cases' hash-chain heads recomputed from the replayed steps (`recomputed`: by the step-hash
 * thread; computed here where absent) with caseHead() read at the audited block.
 */
export function compareHeads(
  replayer: EventReplayer,
  onChain: Map<string, OnChainHead>,
  sink: FindingSink,
  recomputed: CaseHeadChains = new CaseHeadChains().addSteps(replayer.steps),
): { compared: number; mismatched: number } {
  let compared = 0;
  let mismatched = 0;
  for (const c of replayer.cases.values()) {
    const oc = onChain.get(c.caseRef);
    compared++;
    if (!oc) {
      mismatched++;
      sink.add({ check: "hashchains", kind: "head-unavailable", severity: "critical", caseRef: c.caseRef, message: `caseHead(${c.caseRef}) could not be read` });
      continue;
    }
    const head = oc.head.toLowerCase().replace(/^0x/, "");
    const mine = recomputed.headHex(c.caseNo);
    if (head !== mine || oc.stepCount !== (c.count & 0xffffff)) {
      mismatched++;
      sink.add({
        check: "hashchains",
        kind: "hash-chain-mismatch",
        severity: "critical",
        caseRef: c.caseRef,
        message: `case ${c.caseRef}: the events replay to head 0x${mine} after ${c.count} steps, the contract holds 0x${head} after ${oc.stepCount}: a step was added, removed or altered in the logs`,
        details: { recomputedHead: "0x" + mine, onChainHead: "0x" + head, recomputedSteps: c.count, onChainSteps: oc.stepCount },
      });
    }
  }
  return { compared, mismatched };
}
