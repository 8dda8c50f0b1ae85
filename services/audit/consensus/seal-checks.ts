// A QBFT block's commit seals against its validator set (Besu's BftCommitSealsValidationRule and
// BftHelpers.calculateRequiredValidatorQuorum): each recovers to a distinct member, and at least ⌈2n/3⌉
// do. Apart from the rest of a block's finality (qbft.ts) because it is the expensive part, a signature
// recovery per seal, which a long audit runs in a process beside it (seal-check-process.ts). Pure, no I/O.
import type { Finding } from "../types";
import { recoverSealersOf } from "./qbft-hashing";

/** Seals a block needs from n validators: ⌈2n/3⌉ (BftHelpers.calculateRequiredValidatorQuorum). */
export function quorumOf(validatorCount: number): number {
  return Math.ceil((2 * validatorCount) / 3);
}

/** A critical chain finding about block `blockNumber`. */
export function finding(blockNumber: number, kind: string, message: string, details?: Finding["details"]): Finding {
  return { check: "chain", kind, severity: "critical", blockNumber, message, ...(details ? { details } : {}) };
}

/** What a block's commit seals show: the distinct validators that sealed it, and what is wrong with them. */
export interface SealCheck {
  sealers: string[];
  findings: Finding[];
}

/**
 * The commit seals of block `number` over its committed-seal hash, against its validator set (ascending):
 * each recovers to a distinct member, and at least ⌈2n/3⌉ do. The expensive part of a block's finality
 * (a signature recovery per seal), so that it can run apart from the rest (seal-check-worker.ts).
 */
export function checkSeals(number: number, sealHash: string, seals: readonly string[], validators: readonly string[]): SealCheck {
  const quorum = quorumOf(validators.length);
  const out: SealCheck = { sealers: [], findings: [] };
  const add = (kind: string, message: string, details?: Finding["details"]) => out.findings.push(finding(number, kind, message, details));
  const member = new Set(validators);
  const seen = new Set<string>();
  for (const r of recoverSealersOf(sealHash, seals)) {
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
    out.sealers.push(r.signer);
  }
  if (out.sealers.length < quorum) {
    add("qbft-quorum-missing", `block ${number}: sealed by ${out.sealers.length} of ${validators.length} validators, a quorum is ${quorum}: the block is not final`, { sealers: out.sealers.length, quorum, validators: validators.length });
  }
  return out;
}

