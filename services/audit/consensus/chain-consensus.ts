// The chain's consensus as the audit's header chain sees it: how a block hash is computed from a header's
// fields, what else a header must prove, and the report's finality line.
// - "dev" (anvil, Hardhat's node): one node makes every block; a header is hashed the plain Ethereum way
//   and there is nothing to verify about finality: the report says so instead of passing silently.
// - "qbft" (Hyperledger Besu): a header is hashed as Besu hashes it and must carry commit seals of a
//   quorum of its validator set, followed from a trusted epoch block (consensus/qbft.ts).
// Pure: the I/O that reads the anchor and the headers before the audited range is phases/consensus.ts.
import { z } from "zod";
import { decodeQbftExtraData } from "../../shared/qbft/extra-data";
import { headerHash } from "../headers";
import type { Finding, RpcBlock } from "../types";
import { historyFinding, type VerifiedHead } from "../verified-head";
import { QbftFinalityVerifier, blockHashOf } from "./qbft";
import { sealRecoveryImplementation } from "./seal-recovery";

export type ConsensusKind = "dev" | "qbft";
export type ConsensusChoice = ConsensusKind | "auto";
/** Besu's default qbft.epochlength, and the network kit's. */
export const QBFT_DEFAULT_EPOCH_LENGTH = 30_000;

/**
 * The consensus a deployment record may name, beside its other fields:
 * `"consensus": { "kind": "qbft", "epochLength": 30000 }`. Optional: without it the audit detects it.
 */
export const RecordedConsensus = z.object({
  consensus: z.object({ kind: z.enum(["dev", "qbft"]), epochLength: z.number().int().positive().optional() }).optional(),
});

/** Where the audit learnt the consensus from. */
export type ConsensusSource = "option" | "deployment record" | "genesis";

/** QBFT when block 0's extraData decodes as QBFT extraData listing validators; else a development chain. */
export function detectConsensus(genesis: RpcBlock): ConsensusKind {
  try {
    return decodeQbftExtraData(genesis.extraData).validators.length > 0 ? "qbft" : "dev";
  } catch {
    return "dev";
  }
}

/** What report.json says about the consensus and finality. */
export interface ConsensusSummary {
  kind: ConsensusKind;
  /** "option": --consensus; "deployment record": its consensus field; "genesis": detected from block 0's extraData */
  detectedFrom: ConsensusSource;
  finality: {
    status: "verified" | "failed" | "not-applicable";
    /** the report line, e.g. "BFT finality verified: 31 blocks, each sealed by ≥ 3 of 4 validators" */
    line: string;
    /** QBFT: headers verified (from the block after the anchor to the audited head) */
    blocks?: number;
    /** QBFT: of them, the headers whose seals this audit recovered (the others' an earlier audit did: verifiedHead) */
    sealsChecked?: number;
    /** the auditor's record of the head an earlier audit verified, which this audit compared (--verified-head) */
    verifiedHead?: { block: number; hash: string; auditedAt: string };
    /** QBFT: the block the validator set was taken from, and why that one */
    anchor?: { block: number; hash: string; validators: string[]; reason: string };
    epochLength?: number;
    validatorCounts?: number[];
    /** QBFT: the block with the fewest seals beyond its quorum */
    weakest?: { blockNumber: number; sealers: number; quorum: number; validators: number };
    /**
     * QBFT: which secp256k1 implementation recovered the seals, and the audit's time on the finality checks
     * (with the seals checked in a process beside it: its time handing them over and waiting for them)
     */
    sealRecovery?: "native" | "js";
    seconds?: number;
    /**
     * QBFT: of `seconds`, the time hashing the headers as Besu does (the block hash, and the committed-seal
     * hash where the round is not 0): the header chain links by the block hash, which an audit of any chain
     * computes (a development chain's the plain Ethereum way); the rest is the seal checks proper
     */
    hashSeconds?: number;
    /** QBFT, where the seals were checked in a process beside the audit: that process's CPU seconds */
    sealProcessCpuSeconds?: number;
  };
}

/** What the audit's header chain (headers.ts) asks of a consensus. */
export interface HeaderConsensus {
  /** the block hash the header's fields produce, after checking what the consensus requires of the header; throws when it cannot be hashed */
  hashOf(block: RpcBlock): string;
}

/** The recorded head's hash compared as the header chain passes it (verified-head.ts). */
class HistoryPin {
  constructor(
    readonly head: VerifiedHead,
    private readonly findings: Finding[],
  ) {}

  check(block: RpcBlock, hash: string): string {
    if (Number(BigInt(block.number)) === this.head.block) {
      const f = historyFinding(this.head, hash);
      if (f) this.findings.push(f);
    }
    return hash;
  }

  get summary(): NonNullable<ConsensusSummary["finality"]["verifiedHead"]> {
    return { block: this.head.block, hash: this.head.hash, auditedAt: this.head.auditedAt };
  }
}

export class DevConsensus implements HeaderConsensus {
  readonly kind = "dev";
  readonly findings: Finding[] = [];
  private readonly pin?: HistoryPin;

  /** @param verifiedHead the auditor's record of a head verified before, inside the audited range: its hash must be unchanged */
  constructor(
    private readonly detectedFrom: ConsensusSummary["detectedFrom"],
    verifiedHead?: VerifiedHead,
  ) {
    this.pin = verifiedHead && new HistoryPin(verifiedHead, this.findings);
  }

  hashOf(block: RpcBlock): string {
    const hash = headerHash(block);
    return this.pin ? this.pin.check(block, hash) : hash;
  }

  summary(): ConsensusSummary {
    return {
      kind: "dev",
      detectedFrom: this.detectedFrom,
      finality: { status: "not-applicable", line: "BFT finality: not applicable (single-node development chain)", ...(this.pin ? { verifiedHead: this.pin.summary } : {}) },
    };
  }
}

export class QbftConsensus implements HeaderConsensus {
  readonly kind = "qbft";
  private readonly verifier: QbftFinalityVerifier;
  private readonly anchorNumber: number;
  private readonly anchorHash: string;
  private readonly anchorValidators: string[];
  private readonly pin?: HistoryPin;
  private ms = 0;

  /**
   * @param anchor the trusted epoch block: its validator list seeds the set
   * @param anchorReason why this block is trusted, for the report
   * @param sealsApart check the commit seals in a process beside the audit while it reads on (settle() before the summary)
   * @param verifiedHead the auditor's record of a head verified before, inside the audited range: its hash
   *   must be unchanged, and the seals up to it are not recovered again
   */
  constructor(
    anchor: RpcBlock,
    private readonly epochLength: number,
    private readonly anchorReason: string,
    private readonly detectedFrom: ConsensusSummary["detectedFrom"],
    sealsApart = false,
    verifiedHead?: VerifiedHead,
  ) {
    this.verifier = new QbftFinalityVerifier(anchor, epochLength, sealsApart, verifiedHead?.block);
    this.pin = verifiedHead && new HistoryPin(verifiedHead, this.verifier.findings);
    this.anchorNumber = Number(BigInt(anchor.number));
    this.anchorHash = this.verifier.lastHash;
    this.anchorValidators = this.verifier.validators;
  }

  get findings(): Finding[] {
    return this.verifier.findings;
  }

  /** The hash (Besu's) of the last header checked: the parent of the next one. */
  get lastHash(): string {
    return this.verifier.lastHash;
  }

  /** Headers between the anchor and the first audited block, in order: checked, and linked here. */
  pushBeforeRange(blocks: RpcBlock[]): void {
    for (const b of blocks) this.timed(() => this.verifier.verify(b, true));
  }

  /** A header of the audited range: its seals checked; the header chain compares the hash and links it. */
  hashOf(block: RpcBlock): string {
    const hash = this.hashOfChecked(block);
    return this.pin ? this.pin.check(block, hash) : hash;
  }

  private hashOfChecked(block: RpcBlock): string {
    // The anchor itself (the first audited block when that is an epoch block) is trusted, not sealed here.
    if (Number(BigInt(block.number)) <= this.anchorNumber) return blockHashOf(block);
    const hash = this.timed(() => this.verifier.verify(block, false));
    // Not QBFT extraData: decoding again throws the reason, which the header chain reports.
    return hash ?? blockHashOf(block);
  }

  /** Waits while too many blocks' seals are waiting for the seal-check process (the reading pauses instead of holding them all). */
  async room(): Promise<void> {
    const t = performance.now();
    await this.verifier.room();
    this.ms += performance.now() - t;
  }

  /** Every seal checked: the findings and the summary are complete; the time waited counts as the seal checks'. */
  async settle(): Promise<void> {
    const t = performance.now();
    await this.verifier.settle();
    this.ms += performance.now() - t;
  }

  close(): void {
    this.verifier.close();
  }

  private timed<T>(f: () => T): T {
    const t = performance.now();
    try {
      return f();
    } finally {
      this.ms += performance.now() - t;
    }
  }

  summary(): ConsensusSummary {
    const s = this.verifier.summary();
    const failed = this.verifier.findings.length > 0;
    const earlier = s.blocks - s.sealsChecked;
    const line =
      this.pin && !failed && earlier > 0
        ? `${this.verifier.describe()} (the seals of the ${earlier} up to block ${this.pin.head.block} as this auditor verified them at ${this.pin.head.auditedAt}, that block's hash unchanged; of the ${s.sealsChecked} after it, now)`
        : this.verifier.describe();
    return {
      kind: "qbft",
      detectedFrom: this.detectedFrom,
      finality: {
        status: failed ? "failed" : "verified",
        line,
        blocks: s.blocks,
        sealsChecked: s.sealsChecked,
        ...(this.pin ? { verifiedHead: this.pin.summary } : {}),
        anchor: { block: this.anchorNumber, hash: this.anchorHash, validators: this.anchorValidators, reason: this.anchorReason },
        epochLength: this.epochLength,
        validatorCounts: s.validatorCounts,
        weakest: s.weakest,
        sealRecovery: sealRecoveryImplementation,
        seconds: this.ms / 1000,
        hashSeconds: this.verifier.hashSeconds,
        ...(this.verifier.sealProcessCpuSeconds !== undefined ? { sealProcessCpuSeconds: this.verifier.sealProcessCpuSeconds } : {}),
      },
    };
  }
}

export type ChainConsensus = DevConsensus | QbftConsensus;

/** Why the finality check starts at `anchor`, for the report. */
export function anchorReason(anchor: number, firstAudited: number, epochLength: number): string {
  if (anchor === 0) return "genesis block 0: its validator list is the network's founding set (compare it with the key ceremony's minutes)";
  return `epoch block ${anchor}, the last one (every ${epochLength} blocks) at or before the first audited block ${firstAudited}: votes restart there, so its validator list is the whole set; it is trusted through the hash links to the audited range, not re-verified from genesis (--from-genesis does that)`;
}
