// Auditing a QBFT-shaped chain built by a test (support/qbft-chain.ts) as a node serves it over JSON-RPC
// (support/json-rpc-chain.ts): through runAudit, or through the CLI in its own process.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAudit } from "../../../services/audit/audit";
import type { AuditReport } from "../../../services/audit/report";
import { DEFAULT_ARTIFACT, readArtifact } from "../../../services/audit/source";
import type { RpcBlock } from "../../../services/audit/types";
import type { VerifiedHead } from "../../../services/audit/verified-head";
import type { Deployment } from "../../../services/shared/deployment";
import { runCli, type CliRun } from "./cli";
import { serveChain } from "./json-rpc-chain";

export const CHAIN_ID = 4242;
export const LEDGER = "0x" + "aa".repeat(20);

export function deploymentOf(chain: RpcBlock[], block: number, rpcUrl: string): Deployment {
  const h = "0x" + "11".repeat(32);
  return {
    chainId: CHAIN_ID,
    rpcUrl,
    deployedAt: "2026-01-01T00:00:00.000Z",
    block,
    blockHash: chain[block].hash,
    contracts: { ProcedureLedger: { address: LEDGER, codeHash: h, txHash: h } },
    codeList: { hash: h, version: "v1" },
    accounts: { BAMF: "0x" + "01".repeat(20), ZAB: "0x" + "02".repeat(20), auditor: "0x" + "03".repeat(20) },
  };
}

/**
 * The audit of `chain` as a node serves it; the deployment at `block` (default: genesis, from block 0).
 * `sealsApart`: the commit seals checked in the seal-check process beside the audit, as from 2,000 blocks on.
 */
export async function auditQbft(
  chain: RpcBlock[],
  opts: { block?: number; epochLength?: number; consensus?: "dev" | "qbft" | "auto"; sealsApart?: boolean; verifiedHead?: VerifiedHead } = {},
): Promise<AuditReport> {
  const node = await serveChain(chain, CHAIN_ID);
  try {
    const block = opts.block ?? 0;
    const { report } = await runAudit({
      rpcUrl: node.url,
      deployment: deploymentOf(chain, block, node.url),
      artifact: readArtifact(DEFAULT_ARTIFACT),
      fromGenesis: block === 0,
      consensus: opts.consensus,
      epochLength: opts.epochLength,
      sealProcessFromBlocks: opts.sealsApart ? 0 : undefined,
      verifiedHead: opts.verifiedHead,
    });
    return report;
  } finally {
    await node.close();
  }
}

export const chainCheck = (r: AuditReport) => r.checks.find((c) => c.id === "chain")!;
/** The chain check's findings as "block:kind". */
export const chainKinds = (r: AuditReport) => r.findings.filter((f) => f.check === "chain").map((f) => `${f.blockNumber}:${f.kind}`);

/**
 * The CLI against `chain` served over JSON-RPC, audited from block 0 (or from the deployment block
 * `deployment.block`, the deployment record extended by `deployment.extra`); its output in `out` when given.
 */
export async function cliOnQbft(chain: RpcBlock[], args: string[], deployment: { block?: number; extra?: object } = {}): Promise<CliRun> {
  const node = await serveChain(chain, CHAIN_ID);
  const dir = mkdtempSync(join(tmpdir(), "w2-consensus-cli-"));
  try {
    const file = join(dir, "deployment.json");
    writeFileSync(file, JSON.stringify({ ...deploymentOf(chain, deployment.block ?? 0, node.url), ...deployment.extra }));
    return await runCli(["--rpc", node.url, "--deployment", file, "--no-agencies", ...(deployment.block ? [] : ["--from-genesis"]), ...args], { out: join(dir, "out") });
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
