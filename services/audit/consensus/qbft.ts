// BFT finality of a Hyperledger Besu QBFT chain, verified by the audit itself as a light client: every
// block must be sealed by a quorum of distinct validators of its validator set, and that set must follow
// from the votes recorded on the chain. A node that rewrites history then needs the keys of a quorum of
// validators, not only its own database. The rules are Besu's header validation rules
// (hyperledger/besu, consensus/common/.../bft/headervalidationrules/: BftCommitSealsValidationRule,
// BftValidatorsValidationRule, BftCoinbaseValidationRule) and BftHelpers.calculateRequiredValidatorQuorum.
// Only block-header validator selection is covered (validators in extraData, changed by votes), which is
// what the network kit configures; contract-based selection and transitions are not.
// Pure functions and a streaming verifier, no I/O.
import { decodeQbftExtraData, sortValidators, type QbftExtraData } from "../../shared/qbft/extra-data";
import type { Finding, RpcBlock } from "../types";
import { blockHashOf, qbftHashes } from "./qbft-hashing";
import { checkSeals, finding, quorumOf } from "./seal-checks";
import { VoteTally } from "./vote-tally";
import { SealCheckQueue } from "./seal-check-worker";

export { blockHashOf, committedSealHash, recoverSealers, commitSeal, qbftHashes } from "./qbft-hashing";
export { VoteTally } from "./vote-tally";
export { checkSeals, quorumOf, type SealCheck } from "./seal-checks";

export interface BlockFinality {
  findings: Finding[];
  /** the extraData, when it decodes */
  extra?: QbftExtraData;
  /** the block hash the fields produce (Besu's hashing), when the extraData decodes */
  hash?: string;
  /** the hash the commit seals sign, when the extraData decodes */
  sealHash?: string;
  /** distinct validators of the block's set whose seals verify (none counted when the seals were left to the caller) */
  sealers: string[];
  quorum: number;
  validatorCount: number;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Checks one block against the validator set it must be sealed by (the set after its parent): the stated
 * hash re-computes as Besu's, the extraData lists exactly that set in ascending order, the proposer is in
 * it, and at least ⌈2n/3⌉ distinct members sealed the header (checkSeals; left to the caller with
 * `sealsApart`, who then has `sealHash`). Block 0 carries no seals and is the anchor.
 */
export function verifyBlockFinality(header: RpcBlock, validatorSet: readonly string[], sealsApart = false, hashClock?: { ms: number }): BlockFinality {
  const number = Number(BigInt(header.number));
  const validators = sortValidators(validatorSet);
  const quorum = quorumOf(validators.length);
  const result: BlockFinality = { findings: [], sealers: [], quorum, validatorCount: validators.length };
  const add = (kind: string, message: string, details?: Finding["details"]) => result.findings.push(finding(number, kind, message, details));
  let extra: QbftExtraData;
  try {
    extra = decodeQbftExtraData(header.extraData);
  } catch (err) {
    add("qbft-extra-data-malformed", `block ${number}: ${(err as Error).message}`);
    return result;
  }
  result.extra = extra;
  const t = hashClock && performance.now();
  const { blockHash: computed, sealHash } = qbftHashes(header, extra);
  if (hashClock) hashClock.ms += performance.now() - t!;
  result.hash = computed;
  result.sealHash = sealHash;
  if (computed !== header.hash.toLowerCase()) {
    add("qbft-header-hash-mismatch", `block ${number}: the header's fields hash (as Besu QBFT hashes them) to ${computed}, not to the stated ${header.hash}`, { computed, stated: header.hash });
  }
  if (number === 0) return result;

  const listed = extra.validators;
  if (!sameList(listed, sortValidators(listed))) {
    add("qbft-validators-unsorted", `block ${number}: extraData lists its validators out of ascending order`);
  }
  const member = new Set(validators);
  const listedSet = new Set(listed);
  for (const a of listed) {
    if (!member.has(a)) add("qbft-validator-added-without-vote", `block ${number}: extraData lists ${a} as a validator, but the votes recorded on the chain never made it one`, { validator: a });
  }
  for (const a of validators) {
    if (!listedSet.has(a)) add("qbft-validator-removed-without-vote", `block ${number}: extraData leaves out validator ${a}, but the votes recorded on the chain never dropped it`, { validator: a });
  }
  const proposer = header.miner.toLowerCase();
  if (!member.has(proposer)) add("qbft-proposer-not-validator", `block ${number}: proposer (coinbase) ${proposer} is not a validator`, { proposer });

  if (sealsApart) return result;
  const seals = checkSeals(number, sealHash, extra.seals, validators);
  result.sealers = seals.sealers;
  result.findings.push(...seals.findings);
  return result;
}

/** Findings about a header's place in the chain rather than its seals (see QbftFinalityVerifier.verify). */
const LINK_KINDS = new Set(["qbft-header-hash-mismatch"]);

export interface FinalitySummary {
  blocks: number;
  /** of them, the blocks whose seals were recovered here (the others' seals were verified by an earlier audit: sealsVerifiedThrough) */
  sealsChecked: number;
  /** the fewest verified seals any block had, and that block's quorum and set size */
  weakest?: { blockNumber: number; sealers: number; quorum: number; validators: number };
  validatorCounts: number[];
}

/**
 * Follows a QBFT chain header by header from a trusted epoch block (genesis, or an epoch block whose hash
 * the caller already trusts): links each header to the previous by Besu's block hash, checks its
 * finality against the validator set the votes give, then applies its vote.
 */
export class QbftFinalityVerifier {
  readonly findings: Finding[] = [];
  private readonly tally: VoteTally;
  private expected: number;
  private prevHash: string;
  private blocks = 0;
  private sealsChecked = 0;
  /** time spent on the headers' two hashes (Besu's block hash, the committed-seal hash) */
  private readonly hashClock = { ms: 0 };
  private weakest: FinalitySummary["weakest"];
  private readonly counts = new Set<number>();

  /** the seals' checks where they run apart (in a process beside the audit), settled by settle() */
  private readonly sealChecks: SealCheckQueue | undefined;

  /**
   * @param anchor the header to start from: its validator list seeds the set, its hash the link
   * @param epochLength the genesis file's qbft.epochlength
   * @param sealsApart check the commit seals in a process beside the audit (seal-check-worker.ts; then
   *   call settle() before reading the findings and the summary); otherwise each block's as it is verified
   * @param sealsVerifiedThrough the blocks up to this one had their seals verified by an earlier audit whose
   *   head hash the caller compares (verified-head.ts): everything else of them is checked, their seals are not
   */
  constructor(
    anchor: RpcBlock,
    private readonly epochLength: number,
    sealsApart = false,
    private readonly sealsVerifiedThrough = -1,
  ) {
    this.sealChecks = sealsApart ? new SealCheckQueue((n, sealers, validators) => this.noteSealers(n, sealers, validators)) : undefined;
    if (!Number.isInteger(epochLength) || epochLength < 1) throw new Error(`epoch length ${epochLength} is not a positive integer`);
    const number = Number(BigInt(anchor.number));
    // Votes cast before the anchor inside its epoch would be unknown; at an epoch block there are none.
    if (number % epochLength !== 0) throw new Error(`block ${number} is not an epoch block (epoch length ${epochLength}); start from one`);
    const extra = decodeQbftExtraData(anchor.extraData);
    this.tally = new VoteTally(extra.validators);
    this.expected = number + 1;
    this.prevHash = blockHashOf(anchor, extra);
  }

  /** The validator set the next block must be sealed by. */
  get validators(): string[] {
    return this.tally.validators;
  }

  push(header: RpcBlock): void {
    this.verify(header, true);
  }

  /**
   * Checks the next header and applies its vote; returns the hash its fields produce (Besu's), or
   * undefined when its extraData does not decode. `link` false: the caller checks the header's number,
   * stated hash and parent link itself (the audit's header chain does), so those findings are left out
   * here; malformed extraData stays a finding here too, as a block whose seals cannot be checked.
   */
  verify(header: RpcBlock, link: boolean): string | undefined {
    const number = Number(BigInt(header.number));
    if (link && number !== this.expected) {
      this.findings.push(finding(this.expected, "qbft-header-out-of-sequence", `expected header ${this.expected}, got ${number}`));
    }
    const validators = this.tally.validators;
    const sealsKnown = number <= this.sealsVerifiedThrough;
    const apart = this.sealChecks;
    const r = verifyBlockFinality(header, validators, sealsKnown || apart !== undefined, this.hashClock);
    this.findings.push(...(link ? r.findings : r.findings.filter((f) => !LINK_KINDS.has(f.kind))));
    // Seals verified by an earlier audit are neither checked nor counted among this audit's weakest blocks.
    if (!sealsKnown) {
      this.sealsChecked++;
      if (!apart || !r.extra || !r.sealHash || number === 0) this.noteSealers(number, r.sealers.length, validators.length);
      else this.checkApart(apart, number, r.sealHash, r.extra.seals, validators);
    }
    if (link && header.parentHash.toLowerCase() !== this.prevHash) {
      this.findings.push(finding(number, "qbft-header-link-broken", `block ${number} names parent ${header.parentHash}, but the previous block hashes to ${this.prevHash}`, { parentHash: header.parentHash, previousHash: this.prevHash }));
    }
    // Continue from the hash the fields produce, so a forged stated hash also breaks the next link.
    this.prevHash = r.hash ?? header.hash.toLowerCase();
    if (r.extra) this.tally.applyBlock(number, header.miner, r.extra.vote, this.epochLength);
    this.blocks++;
    this.counts.add(validators.length);
    this.expected = number + 1;
    return r.hash;
  }

  private checkApart(apart: SealCheckQueue, number: number, sealHash: string, seals: string[], validators: string[]): void {
    const set = sortValidators(validators);
    // A seal of another length than 65 bytes (or more seals than a run counts) cannot go in the runs: checked here.
    if (seals.length <= 0xffff && seals.every((x) => x.length === 2 + 65 * 2)) apart.add(number, sealHash, seals, set);
    else {
      const c = checkSeals(number, sealHash, seals, set);
      this.findings.push(...c.findings);
      this.noteSealers(number, c.sealers.length, validators.length);
    }
  }

  /** The weakest block so far: the fewest seals above its quorum, the lowest number among equals. */
  private noteSealers(number: number, sealers: number, validators: number): void {
    const quorum = quorumOf(validators);
    const w = this.weakest;
    const margin = sealers - quorum;
    if (!w || margin < w.sealers - w.quorum || (margin === w.sealers - w.quorum && number < w.blockNumber)) {
      this.weakest = { blockNumber: number, sealers, quorum, validators };
    }
  }

  /** Waits while the seal checks handed over and not yet done exceed their bound (none kept apart: at once). */
  async room(): Promise<void> {
    await this.sealChecks?.room();
  }

  /** Every seal check done: the findings and the summary are complete. */
  async settle(): Promise<void> {
    if (!this.sealChecks) return;
    await this.sealChecks.settle();
    this.findings.push(...this.sealChecks.findings);
    this.sealChecks.findings.length = 0;
  }

  /** The seconds spent hashing the headers checked (both hashes of each: with round 0 they are one). */
  get hashSeconds(): number {
    return this.hashClock.ms / 1000;
  }

  /** The CPU seconds of the process that checked the seals, once settled; undefined where none ran. */
  get sealProcessCpuSeconds(): number | undefined {
    return this.sealChecks?.cpuSeconds || undefined;
  }

  /** Ends the seal checks' process early (the audit failed). */
  close(): void {
    this.sealChecks?.close();
  }

  /** The hash (Besu's) of the last header checked, or of the anchor. */
  get lastHash(): string {
    return this.prevHash;
  }

  summary(): FinalitySummary {
    return { blocks: this.blocks, sealsChecked: this.sealsChecked, weakest: this.weakest, validatorCounts: [...this.counts].sort((a, b) => a - b) };
  }

  /** The report line: "BFT finality verified: N blocks, each sealed by ≥ q of n validators" when clean. */
  describe(): string {
    if (this.findings.length > 0) return `BFT finality NOT verified: ${this.findings.length} finding(s) over ${this.blocks} blocks`;
    const counts = [...this.counts].sort((a, b) => a - b);
    if (counts.length === 1) return `BFT finality verified: ${this.blocks} blocks, each sealed by ≥ ${quorumOf(counts[0])} of ${counts[0]} validators`;
    if (counts.length === 0) return "BFT finality verified: 0 blocks";
    return `BFT finality verified: ${this.blocks} blocks, each sealed by ≥ ⌈2n/3⌉ of its n validators (n from ${counts[0]} to ${counts[counts.length - 1]})`;
  }
}
