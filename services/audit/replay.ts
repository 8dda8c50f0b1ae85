// Replaying the ledger's events in log order: per-case hash chains, the process rules (rules.ts) against
// the rule events the contract raised, event-id uniqueness, membership and what the compliance part
// needs. Pure: the events go in, findings and state come out.
import { keccakBytes } from "./keccak";
import { applyStep, noticeKey, openStops, rejectionOf, FLAG, STEP, type Notice } from "./rules";
import { EventIdIndex } from "./event-id-index";
import { eventKeyOf, isStepRecorded, type DecodeFailure, type LedgerEvent, type OtherEvent, type StepRecorded } from "./events";
import { StepLog } from "./step-log";
import { FindingSink, type Finding } from "./types";

export interface CaseState {
  caseRef: string;
  /** the recomputed hash-chain head (24 bytes): a view of the first bytes of hashInput */
  head: Buffer;
  /** head ‖ caseRef ‖ packedStep ‖ commitment: the next step's hash input, caseRef written once */
  hashInput: Buffer;
  count: number;
  flags: number;
  firstBlock: number;
  /** its number in EventReplayer.caseList */
  caseNo: number;
  /** its first and last step (indices into EventReplayer.steps, -1: none yet); the steps between are linked (StepLog.nextInCase) */
  firstStep: number;
  lastStep: number;
  /** block where the open allocation became due (replayed), if it is still due */
  allocationDueBlock?: number;
  allocationDueEventKey?: string;
  /** block where the currently open stop opened, if one is open */
  stopOpenedBlock?: number;
  /** per agency code: block of its (last) ERASED marker */
  erasedAt?: Map<number, number>;
  /** the three logs-bloom positions of the case reference, once the engine computed them */
  bloomBits?: [number, number, number];
  /** the next case whose reference starts with the same 30 bits (EventReplayer.caseFor) */
  samePrefix?: CaseState;
  /** hashInput as 4-byte words: the slab it is cut from and where it starts there */
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

export interface RuleEventRecord {
  name: string;
  caseRef: string;
  eventId: string;
  block: number;
  args: Record<string, string | number>;
}

const CASES_PER_SLAB = 4096;
// Read once: the per-step code uses these often.
const ALLOCATION_DUE = FLAG.ALLOCATION_DUE;
const ERASED = STEP.ERASED;

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
  /** event id → index into `steps` (the first step of an id recorded twice) */
  readonly byEventKey = new EventIdIndex();
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
  }

  private step(e: StepRecorded, timestamp: number, known: CaseState | undefined): void {
    const c = known ?? this.caseFor(e.words, e.at, e.block);
    const idx = this.steps.push(e, timestamp, c.caseNo);
    if (c.lastStep >= 0) this.steps.linkNext(c.lastStep, idx);
    else c.firstStep = idx;
    c.lastStep = idx;
    const words = e.words;
    const at = e.at;

    // What the contract would have refused.
    const rejection = rejectionOf(e.agency, e.step, e.detailNum, e.businessDate, e.caseRef, e.highBitsSet);
    if (rejection) this.rejected(e, rejection);
    // The sequence number: bytes 25-31 of the packed word.
    const seqHigh = (words[at + 57] << 16) | (words[at + 58] << 8) | words[at + 59];
    const seqLow = ((words[at + 60] << 24) | (words[at + 61] << 16) | (words[at + 62] << 8) | words[at + 63]) >>> 0;
    if (seqHigh === 0 && seqLow === 0) this.rejected(e, "sequence number 0");
    else if (seqHigh > this.maxSeqHigh[e.agency] || (seqHigh === this.maxSeqHigh[e.agency] && seqLow > this.maxSeqLow[e.agency])) {
      this.maxSeqHigh[e.agency] = seqHigh;
      this.maxSeqLow[e.agency] = seqLow;
    }
    const dup = this.byEventKey.getAt(words, at + 56);
    if (dup !== undefined) {
      this.add({ check: "events", kind: "duplicate-event-id", severity: "critical", eventId: e.eventId.toString(), caseRef: e.caseRef, blockNumber: e.block, message: `event id ${e.eventId} recorded twice (blocks ${this.steps.block(dup)} and ${e.block}); the audited contract rejects repeats` });
    }

    // head' = bytes24(keccak256(head ‖ caseRef ‖ packedStep ‖ commitment))
    const input = c.hashInput;
    // packed step and commitment into bytes 56-120, four bytes at a time
    const w32 = this.int32Of(words);
    const slab32 = c.slab32;
    for (let k = 0, d = c.at32 + 14, q = (at >> 2) + 8; k < 16; k++) slab32[d + k] = w32[q + k];
    const digest = keccakBytes(input);
    for (let k = 0; k < 24; k++) input[k] = digest[k];
    c.count++;

    const before = c.flags;
    const out = applyStep(before, e.step, e.detailNum, e.agency, e, this.isRecorded);
    if (dup === undefined) this.byEventKey.setAt(words, at + 56, idx);
    if (out.rejection) this.rejected(e, out.rejection);
    const next = out.next;
    c.flags = next;
    if (next !== before) {
      // Compliance state from the replay.
      if ((next & ALLOCATION_DUE) !== 0 && (before & ALLOCATION_DUE) === 0) {
        c.allocationDueBlock = e.block;
        c.allocationDueEventKey = e.eventKey;
      } else if ((next & ALLOCATION_DUE) === 0) {
        c.allocationDueBlock = undefined;
        c.allocationDueEventKey = undefined;
      }
      const stopsBefore = openStops(before);
      const stopsAfter = openStops(next);
      if (stopsAfter !== 0 && stopsBefore === 0) c.stopOpenedBlock = e.block;
      else if (stopsAfter === 0) c.stopOpenedBlock = undefined;
    }
    if (e.step === ERASED) {
      (c.erasedAt ??= new Map()).set(e.agency, e.block);
      this.anyErasure = true;
    }

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
    for (let c = first; c !== undefined; c = c.samePrefix) if (holdsRef(c.slab32, c.at32 + 6, w32, at >> 2)) return c;
    // Hash inputs are cut from shared slabs: one memory block for many cases, not one each.
    if (this.slabUsed === CASES_PER_SLAB) {
      this.slab = Buffer.alloc(CASES_PER_SLAB * 120);
      this.slab32 = new Int32Array(this.slab.buffer, this.slab.byteOffset, this.slab.length >> 2);
      this.slabUsed = 0;
    }
    const at32 = this.slabUsed * 30;
    const hashInput = this.slab.subarray(this.slabUsed * 120, ++this.slabUsed * 120);
    for (let k = 0; k < 32; k++) hashInput[24 + k] = words[at + k];
    const caseRef = "0x" + hashInput.toString("hex", 24, 56);
    // Every field set here, also the optional ones: all cases share one object shape (fast property access).
    const c: CaseState = {
      caseRef,
      head: hashInput.subarray(0, 24),
      hashInput,
      count: 0,
      flags: 0,
      firstBlock: block,
      caseNo: this.caseList.length,
      firstStep: -1,
      lastStep: -1,
      allocationDueBlock: undefined,
      allocationDueEventKey: undefined,
      stopOpenedBlock: undefined,
      erasedAt: undefined,
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

  private readonly isRecorded = (id: bigint): boolean => this.byEventKey.has(eventKeyOf(id));

  private rejected(e: StepRecorded, why: string): void {
    const eventId = e.eventId.toString();
    this.add({ check: "rules", kind: "step-should-have-been-rejected", severity: "critical", eventId, caseRef: e.caseRef, blockNumber: e.block, message: `event ${eventId}: the audited contract rejects this step (${why}), yet it was recorded` });
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
      this.membership.push({ account: String(a.account).toLowerCase(), agency: Number(a.agency), added: e.name === "MemberAdded", block: e.block, logIndex: e.logIndex });
    } else if (e.name === "AuditorAdded" || e.name === "AuditorRemoved") {
      this.auditors.push({ account: String(a.account).toLowerCase(), added: e.name === "AuditorAdded", block: e.block });
    } else if (e.name === "CodeListChanged") {
      this.codeListChanges.push({ previousHash: String(a.previousHash), newHash: String(a.newHash), version: String(a.version), block: e.block });
    }
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

  /** The events of one agency (for matching its exports and database). */
  stepsOfAgency(agency: number): StepRecorded[] {
    return [...this.steps].filter((s) => s.agency === agency);
  }

  /** The indices into `steps` of a case's steps, in order. */
  *stepsOfCase(c: CaseState): Generator<number> {
    for (let i = c.firstStep; i >= 0; i = this.steps.nextInCase(i)) yield i;
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

/** Compare the recomputed heads with caseHead() read at the audited block. */
export function compareHeads(replayer: EventReplayer, onChain: Map<string, OnChainHead>, sink: FindingSink): { compared: number; mismatched: number } {
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
    const mine = c.head.toString("hex");
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
