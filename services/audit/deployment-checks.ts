// The verdicts on what the deployment record and the build claim about the audited chain: the anchor
// block's hash (when headers are verified from genesis), the on-chain code lists against this build's,
// and the record's agency keys against the members the chain registered. Pure, no I/O.
import { decodeBytes32String } from "ethers";
import type { Deployment } from "../shared/deployment";
import type { KnownCodeList } from "./code-list-versions";
import { agencyCodeOf } from "./names";
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
  /** when the chain's version is not this build's newest but one it knows (codelists/history/): its version */
  knownVersion?: string;
  finding?: Finding;
}

/**
 * The chain's code lists (hash, version label as read; "" unreadable) against this build's. An earlier
 * version this build knows is no finding (the steps are replayed under the rights the chain holds, and
 * those are compared with that version's); a version it does not know is.
 */
export function codeListVerdict(onChain: { hash: string; version: string }, local: { hash: string; version: string }, known?: (hash: string) => KnownCodeList | undefined): CodeListVerdict {
  const version = codeListVersionText(onChain.version);
  const matches = onChain.hash.toLowerCase() === local.hash.toLowerCase();
  const verdict: CodeListVerdict = { onChain: { hash: onChain.hash, version }, local, matches };
  const earlier = matches || !onChain.hash ? undefined : known?.(onChain.hash);
  if (earlier) verdict.knownVersion = earlier.version;
  else if (!matches) {
    verdict.finding = {
      check: "rules",
      kind: "code-lists-differ",
      severity: "error",
      message: `the chain's code lists (${version || "?"}, ${onChain.hash || "unreadable"}) are not this build's (${local.version}, ${local.hash}): the rules were replayed with this build's codes`,
    };
  }
  return verdict;
}

/**
 * The deployment record's agency keys must be the members the chain registered for those agencies (every
 * entry but the auditor's whose name the audit can tie to an agency number).
 */
export function deploymentMemberFindings(deployment: { accounts: Record<string, string> | Pick<Deployment, "accounts">["accounts"] }, memberAgencyAt: (account: string) => number): Finding[] {
  const out: Finding[] = [];
  for (const [name, acc] of Object.entries(deployment.accounts as Record<string, string>)) {
    const code = name === "auditor" ? undefined : agencyCodeOf(name);
    if (code === undefined || typeof acc !== "string") continue;
    if (memberAgencyAt(acc) !== code) {
      out.push({ check: "events", kind: "deployment-record-members", severity: "error", agency: name, message: `the deployment record names ${acc} as ${name}'s key, but the ledger's membership events do not register it for ${name}` });
    }
  }
  return out;
}
