// The auditor's own record of the last head it verified (`npm run audit -- --verified-head FILE`): the
// block and its hash, as an audit whose chain check passed left them. The next audit requires the chain
// to hash to the same value there, so that history up to it cannot have changed since: not by a node, and
// not by a quorum of validators either (QBFT seals prove who agreed to a block, not that it was never
// replaced). Because that one hash pins every header up to it, seals and all, a QBFT audit does not
// recover those seals again: it checks the seals of the blocks added since. An auditor who audits every
// day thus checks a day's seals, not the chain's whole history's, while a first audit checks them all.
// The record is trusted as the auditor's own file: keep it where neither the nodes' nor the agencies'
// operators can write. Pure apart from reading and writing the file.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { CannotRun } from "./rpc";
import type { CheckResult, Finding } from "./types";

/** What verifiedHeadOf reads of an audit report (report.ts, which itself depends on the consensus that uses this file). */
export interface ReportedHead {
  generatedAt: string;
  scope: { chainId: number; ledger: string; deploymentBlock: number; toBlock: number; headHash?: string };
  checks: Pick<CheckResult, "id" | "status">[];
  consensus?: { kind: "dev" | "qbft" };
}

export const VERIFIED_HEAD_FORMAT = "anker-audit-verified-head-v1";

const hash32 = z.string().regex(/^0x[0-9a-f]{64}$/);

export const VerifiedHead = z.object({
  format: z.literal(VERIFIED_HEAD_FORMAT),
  chainId: z.number().int().nonnegative(),
  /** the ProcedureLedger's address, lowercase */
  ledger: z.string().regex(/^0x[0-9a-f]{40}$/),
  deploymentBlock: z.number().int().nonnegative(),
  /** the head the audit verified, and its hash as the chain's consensus computes it */
  block: z.number().int().nonnegative(),
  hash: hash32,
  consensus: z.enum(["dev", "qbft"]),
  /** when the audit that verified it ran (its report's generatedAt) */
  auditedAt: z.string(),
});
export type VerifiedHead = z.infer<typeof VerifiedHead>;

/** The record in `file`; undefined when there is none yet (the first audit); CannotRun when it is not one. */
export function readVerifiedHead(file: string): VerifiedHead | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CannotRun(`${file} is not JSON (${(err as Error).message}): not a record of a verified head`);
  }
  const r = VerifiedHead.safeParse(parsed);
  if (!r.success) throw new CannotRun(`${file} is not a record of a verified head (${VERIFIED_HEAD_FORMAT}): ${r.error.issues[0]?.path.join(".")} ${r.error.issues[0]?.message}`);
  return r.data;
}

/** Written whole or not at all: a new file renamed over the old one. */
export function writeVerifiedHead(file: string, head: VerifiedHead): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(head, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * CannotRun unless `head` was recorded for this chain, ledger and deployment, at or above the deployment
 * block (an audit records its head; a block below the audited range would never be compared, yet its seals
 * would be taken as verified).
 */
export function checkVerifiedHeadFits(head: VerifiedHead, chain: { chainId: number; ledger: string; deploymentBlock: number }): void {
  if (head.block < head.deploymentBlock) {
    throw new CannotRun(`the verified-head record names block ${head.block}, below its deployment block ${head.deploymentBlock}: no audit records such a head`);
  }
  if (head.chainId !== chain.chainId || head.ledger !== chain.ledger.toLowerCase() || head.deploymentBlock !== chain.deploymentBlock) {
    throw new CannotRun(
      `the verified-head record is of chain ${head.chainId}, ledger ${head.ledger} deployed at block ${head.deploymentBlock}; this audit is of chain ${chain.chainId}, ledger ${chain.ledger.toLowerCase()} deployed at block ${chain.deploymentBlock}: give the record of this ledger, or a new file`,
    );
  }
}

/** The critical finding when the chain now hashes the recorded block otherwise than the record says. */
export function historyFinding(head: VerifiedHead, hashNow: string | undefined): Finding | undefined {
  if (hashNow !== undefined && hashNow.toLowerCase() === head.hash) return undefined;
  return {
    check: "chain",
    kind: "history-changed-since-verified",
    severity: "critical",
    blockNumber: head.block,
    message: `block ${head.block} was verified by this auditor at ${head.auditedAt} with hash ${head.hash}; the chain now ${hashNow ? `hashes it to ${hashNow}` : "gives no hash for it"}: the history up to it has changed since`,
    details: { recorded: head.hash, now: hashNow ?? null, auditedAt: head.auditedAt },
  };
}

/** The warning when the audited head is below the recorded one: nothing after it is audited now. */
export function behindFinding(head: VerifiedHead, auditedHead: number): Finding {
  return {
    check: "chain",
    kind: "head-below-verified",
    severity: "warning",
    blockNumber: auditedHead,
    message: `this auditor verified the chain up to block ${head.block} at ${head.auditedAt}; this audit ends at block ${auditedHead} (a node that is behind, --to-block, or a chain cut back), so the record could not be compared and every seal was checked`,
    details: { recordedBlock: head.block, auditedHead },
  };
}

/**
 * The record an audit leaves: its head and that head's hash, when the chain check found nothing (header
 * chain, links, anchor, seals and validator set, the recorded history); undefined otherwise, or when the
 * audit ended below `previous` (the record is not moved back).
 */
export function verifiedHeadOf(report: ReportedHead, previous?: VerifiedHead): VerifiedHead | undefined {
  const s = report.scope;
  if (!s.headHash || report.checks.find((c) => c.id === "chain")?.status !== "pass") return undefined;
  if (previous && s.toBlock < previous.block) return undefined;
  return {
    format: VERIFIED_HEAD_FORMAT,
    chainId: s.chainId,
    ledger: s.ledger.toLowerCase(),
    deploymentBlock: s.deploymentBlock,
    block: s.toBlock,
    hash: s.headHash.toLowerCase(),
    consensus: report.consensus?.kind ?? "dev",
    auditedAt: report.generatedAt,
  };
}
