// The deployed code of the ledger against the compiled artifact of this repository. Pure, no I/O.
import { keccakHex } from "../shared/keccak";

const keccak256 = (hex: string): string => "0x" + keccakHex(Buffer.from(hex.replace(/^0x/, ""), "hex"));
import type { Finding } from "./types";

/** Byte ranges the compiler fills at deployment (immutables) or link time (libraries). */
export interface CodeHole {
  start: number;
  length: number;
}

export interface CodeComparison {
  equal: boolean;
  onChainCodeHash: string;
  artifactCodeHash: string;
  findings: Finding[];
}

/** Collect the immutable references of solc's output (`evm.deployedBytecode.immutableReferences`). */
export function holesFromImmutableReferences(refs: Record<string, { start: number; length: number }[]> | undefined): CodeHole[] {
  if (!refs) return [];
  return Object.values(refs).flat();
}

/** The code without solc's CBOR metadata (its length is in the last two bytes); undefined if malformed. */
function withoutMetadata(hex: string): string | undefined {
  const n = parseInt(hex.slice(-4), 16);
  if (!Number.isFinite(n) || n * 2 + 4 > hex.length) return undefined;
  return hex.slice(0, hex.length - 4 - n * 2);
}

function mask(code: string, holes: CodeHole[]): string {
  let hex = code.toLowerCase().replace(/^0x/, "");
  for (const h of holes) {
    hex = hex.slice(0, h.start * 2) + "00".repeat(h.length) + hex.slice((h.start + h.length) * 2);
  }
  return hex;
}

/**
 * Compare the code at the ledger's address with the artifact's deployedBytecode. Immutables (none in
 * ProcedureLedger today) are masked; link placeholders in the artifact make the comparison fail, since
 * the ledger links no external library.
 */
export function compareCode(onChainCode: string, artifactDeployedBytecode: string, opts: { address: string; deploymentCodeHash?: string; holes?: CodeHole[]; localBuild?: { kind: string; message: string } }): CodeComparison {
  const findings: Finding[] = [];
  const onChainCodeHash = keccak256(onChainCode === "0x" ? "0x" : onChainCode);
  const artifactCodeHash = keccak256(artifactDeployedBytecode);
  if (onChainCode === "0x" || onChainCode === "") {
    findings.push({ check: "code", kind: "code-missing", severity: "critical", message: `there is no contract code at the ledger address ${opts.address}` });
    return { equal: false, onChainCodeHash, artifactCodeHash, findings };
  }
  const holes = opts.holes ?? [];
  const a = mask(onChainCode, holes);
  const b = mask(artifactDeployedBytecode, holes);
  const equal = a === b;
  if (!equal && opts.localBuild) {
    // The local build is not the audited one (a coverage build, older sources): a difference proves nothing,
    // so say that, not "replaced contract". The deployment record's code hash below still checks the code.
    findings.push({ check: "code", kind: opts.localBuild.kind, severity: "error", message: opts.localBuild.message, details: { onChainCodeHash, artifactCodeHash } });
  } else if (!equal && withoutMetadata(a) === withoutMetadata(b) && withoutMetadata(a) !== undefined) {
    // Same executable code; only the compiler's metadata hash (over sources and settings) differs.
    findings.push({
      check: "code",
      kind: "code-metadata-differs",
      severity: "error",
      message: `the code at ${opts.address} executes the same instructions as the audited build, but its metadata hash differs: it was compiled from sources or settings that are not byte-identical to this repository's (e.g. comments)`,
      details: { onChainCodeHash, artifactCodeHash },
    });
  } else if (!equal) {
    findings.push({
      check: "code",
      kind: "code-mismatch",
      severity: "critical",
      message: `the code at ${opts.address} (keccak ${onChainCodeHash}) is not the compiled ProcedureLedger of this repository (keccak ${artifactCodeHash})`,
      details: { onChainCodeHash, artifactCodeHash, onChainBytes: (onChainCode.length - 2) / 2, artifactBytes: (artifactDeployedBytecode.length - 2) / 2 },
    });
  }
  if (opts.deploymentCodeHash && opts.deploymentCodeHash.toLowerCase() !== onChainCodeHash) {
    findings.push({
      check: "code",
      kind: "code-differs-from-deployment-record",
      severity: "critical",
      message: `the code at ${opts.address} (keccak ${onChainCodeHash}) differs from the code hash in the deployment record (${opts.deploymentCodeHash})`,
      details: { onChainCodeHash, deploymentCodeHash: opts.deploymentCodeHash },
    });
  }
  return { equal, onChainCodeHash, artifactCodeHash, findings };
}
