// The verdicts on what the deployment record and the build claim about the audited chain: the anchor
// block's hash (when headers are verified from genesis), the on-chain code lists against this build's,
// and the record's agency keys against the members the chain registered. Pure, no I/O.
import { decodeBytes32String } from "ethers";
import type { Deployment } from "../shared/deployment";
import type { Finding } from "./types";

/** With headers verified from block 0: the deployment block must have the hash the record names. */
export function anchorFinding(deployment: Pick<Deployment, "block" | "blockHash">, verifiedHashAtDeployment: string | undefined): Finding | undefined {
  const d = deployment;
  if (!verifiedHashAtDeployment || verifiedHashAtDeployment.toLowerCase() === d.blockHash.toLowerCase()) return undefined;
  return { check: "chain", kind: "anchor-mismatch", severity: "critical", blockNumber: d.block, message: `block ${d.block} has hash ${verifiedHashAtDeployment}, the deployment record says ${d.blockHash}` };
}

/** codeListVersion() as read (a bytes32 label) in words; the raw value where it is no label. */
export function codeListVersionText(raw: string): string {
  try {
    if (/^0x[0-9a-f]{64}$/i.test(raw)) return decodeBytes32String(raw);
  } catch {
    /* keep the raw value */
  }
  return raw;
}

export interface CodeListVerdict {
  onChain: { hash: string; version: string };
  local: { hash: string; version: string };
  matches: boolean;
  finding?: Finding;
}

/** The chain's code lists (hash, version label as read; "" unreadable) against this build's. */
export function codeListVerdict(onChain: { hash: string; version: string }, local: { hash: string; version: string }): CodeListVerdict {
  const version = codeListVersionText(onChain.version);
  const matches = onChain.hash.toLowerCase() === local.hash.toLowerCase();
  const verdict: CodeListVerdict = { onChain: { hash: onChain.hash, version }, local, matches };
  if (!matches) {
    verdict.finding = {
      check: "rules",
      kind: "code-lists-differ",
      severity: "error",
      message: `the chain's code lists (${version || "?"}, ${onChain.hash || "unreadable"}) are not this build's (${local.version}, ${local.hash}): the rules were replayed with this build's codes`,
    };
  }
  return verdict;
}

/** The deployment record's agency keys must be the members the chain registered for those agencies. */
export function deploymentMemberFindings(deployment: Pick<Deployment, "accounts">, memberAgencyAt: (account: string) => number): Finding[] {
  const out: Finding[] = [];
  for (const [name, code] of [["BAMF", 1], ["ZAB", 2]] as const) {
    const acc = deployment.accounts[name];
    if (memberAgencyAt(acc) !== code) {
      out.push({ check: "events", kind: "deployment-record-members", severity: "error", agency: name, message: `the deployment record names ${acc} as ${name}'s key, but the ledger's membership events do not register it for ${name}` });
    }
  }
  return out;
}
