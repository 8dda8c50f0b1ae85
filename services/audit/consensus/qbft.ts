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
import { blockHashOf, qbftHashes, recoverSealersOf } from "./qbft-hashing";
import { VoteTally } from "./vote-tally";

export { blockHashOf, committedSealHash, recoverSealers, commitSeal, qbftHashes } from "./qbft-hashing";
export { VoteTally } from "./vote-tally";

/** Seals a block needs from n validators: ⌈2n/3⌉ (BftHelpers.calculateRequiredValidatorQuorum). */
export function quorumOf(validatorCount: number): number {
  return Math.ceil((2 * validatorCount) / 3);
}

export interface BlockFinality {
  findings: Finding[];
  /** the extraData, when it decodes */
  extra?: QbftExtraData;
  /** the block hash the fields produce (Besu's hashing), when the extraData decodes */
  hash?: string;
  /** distinct validators of the block's set whose seals verify */
  sealers: string[];
  quorum: number;
  validatorCount: number;
}

function finding(blockNumber: number, kind: string, message: string, details?: Finding["details"]): Finding {
  return { check: "chain", kind, severity: "critical", blockNumber, message, ...(details ? { details } : {}) };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Checks one block against the validator set it must be sealed by (the set after its parent): the stated
 * hash re-computes as Besu's, the extraData lists exactly that set in ascending order, the proposer is in
 * it, and at least ⌈2n/3⌉ distinct members sealed the header. Block 0 carries no seals and is the anchor.
 */
export function verifyBlockFinality(header: RpcBlock, validatorSet: readonly string[]): BlockFinality {
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
  const { blockHash: computed, sealHash } = qbftHashes(header, extra);
  result.hash = computed;
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

  const seen = new Set<string>();
  for (const r of recoverSealersOf(sealHash, extra.seals)) {
    if (r.signer === null) {
      add("qbft-seal-malformed", `block ${number}: a commit seal recovers no signer (${r.error})`, { seal: r.seal });
      continue;
    }
    if (seen.has(r.signer)) {
      add("qbft-seal-duplicated", `block ${number}: ${r.signer} sealed the block more than once`, { signer: r.signer });
      continue;
    }
    seen.add(r.signer);
    if (!member.has(r.signer)) {
      // Over this header's committed-seal hash the seal recovers to an outsider: signed by a key that is
      // not a validator's, or signed by a validator over a different header (which recovers to an
      // unrelated address). Either way it does not count.
      add("qbft-seal-not-by-validator", `block ${number}: a commit seal recovers to ${r.signer}, which is not one of the ${validators.length} validators: a seal by a non-validator or over a different header`, { signer: r.signer });
      continue;
    }
    result.sealers.push(r.signer);
  }
  if (result.sealers.length < quorum) {
    add("qbft-quorum-missing", `block ${number}: sealed by ${result.sealers.length} of ${validators.length} validators, a quorum is ${quorum}: the block is not final`, { sealers: result.sealers.length, quorum, validators: validators.length });
  }
  return result;
}

/** Findings about a header's place in the chain rather than its seals (see QbftFinalityVerifier.verify). */
const LINK_KINDS = new Set(["qbft-header-hash-mismatch"]);

export interface FinalitySummary {
  blocks: number;
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
  private weakest: FinalitySummary["weakest"];
  private readonly counts = new Set<number>();

  /**
   * @param anchor the header to start from: its validator list seeds the set, its hash the link
   * @param epochLength the genesis file's qbft.epochlength
   */
  constructor(
    anchor: RpcBlock,
    private readonly epochLength: number,
  ) {
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
    const r = verifyBlockFinality(header, validators);
    this.findings.push(...(link ? r.findings : r.findings.filter((f) => !LINK_KINDS.has(f.kind))));
    if (link && header.parentHash.toLowerCase() !== this.prevHash) {
      this.findings.push(finding(number, "qbft-header-link-broken", `block ${number} names parent ${header.parentHash}, but the previous block hashes to ${this.prevHash}`, { parentHash: header.parentHash, previousHash: this.prevHash }));
    }
    // Continue from the hash the fields produce, so a forged stated hash also breaks the next link.
    this.prevHash = r.hash ?? header.hash.toLowerCase();
    if (r.extra) this.tally.applyBlock(number, header.miner, r.extra.vote, this.epochLength);
    this.blocks++;
    this.counts.add(validators.length);
    if (!this.weakest || r.sealers.length - r.quorum < this.weakest.sealers - this.weakest.quorum) {
      this.weakest = { blockNumber: number, sealers: r.sealers.length, quorum: r.quorum, validators: validators.length };
    }
    this.expected = number + 1;
    return r.hash;
  }

  /** The hash (Besu's) of the last header checked, or of the anchor. */
  get lastHash(): string {
    return this.prevHash;
  }

  summary(): FinalitySummary {
    return { blocks: this.blocks, weakest: this.weakest, validatorCounts: [...this.counts].sort((a, b) => a - b) };
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
