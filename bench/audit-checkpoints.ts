// The audit benchmark's checkpoints (bench/audit.ts): the bench ledger carries checkpoints co-signed by BAMF
// and ZAB as a consortium's does, so that the audit's figures include verifying them (signatures, block
// hashes, case and step counts, the RFC 6962 log tree's root at every checkpoint).
//
// Signed as the agency services sign them (services/agency/checkpoints/checkpoint-signer.ts): at the
// heights of services/shared/checkpoint.ts (checkpointHeights), both agencies at each, under the log tree's
// type (CHECKPOINT_LOG_TYPES, via typedDataOf) with caseCount, stepCount and the root of a LogTreeFrontier
// (services/shared/commitments-log-root.ts) over every StepRecorded in chain order. Like an agency, which
// tallies its mirror of the chain's events (CheckpointTally), the roots come from one pass over the chain's
// StepRecorded logs (eth_getLogs), not from what the builder meant to record: the chain decides the order
// and the log indexes. The same pass adds checkpoints to a chain kept (AUDIT_BENCH_STATE) from before
// they were part of the bench. Each agency's checkpoints are written beside the state as
// checkpoints-<agency>.json in the shape GET /api/checkpoints serves ({checkpoints: [...]}, newest first)
// and read back as `npm run audit -- --checkpoints` reads such a file (readCheckpointFile).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Wallet } from "ethers";
import { checkpointHeights } from "../services/shared/checkpoint";
import { LogTreeFrontier, logLeafHashOfData } from "../services/shared/commitments-log-root";
import { readCheckpointFile } from "../services/audit/source";
import { agencyCodeOf } from "../services/audit/names";
import type { AuditReport } from "../services/audit/report";
import type { CheckpointSet, SignedCheckpoint } from "../services/audit/types";
import type { Deployment } from "../services/shared/deployment";
import { ProcedureLedger__factory } from "../typechain-types";
import { signCheckpoint } from "../test/audit/support/sign";

/**
 * Blocks between two checkpoints in the bench. The services' default is 50 (CHECKPOINT_EVERY_BLOCKS), but a
 * bench block carries 4,000 steps (20 transactions of 200), so 50 would give 5 checkpoints over the
 * 1,000,000-step ledger (251 blocks). Every 2 blocks gives 125 there (8,000 steps apart), 150 on the
 * 1,000,000-step ledger of 100 steps a case (301 blocks) and 15 on the 100,000-step one (31 blocks): on the
 * order of the 100 checkpoints bench/checkpoint-roots.ts probes, each co-signed, so 250 signatures at 1M.
 */
export const BENCH_CHECKPOINT_EVERY_BLOCKS = 2;

/** What bench-meta.json records of the checkpoints beside a chain. */
export interface BenchCheckpoints {
  everyBlocks: number;
  /** checkpoint heights (each signed by every agency in `files`) */
  count: number;
  files: { agency: number; file: string }[];
  signedAt: string;
  /** "with the build", or "added to a chain kept from before" (a chain built before the bench signed checkpoints) */
  made: string;
}

interface RawLog {
  blockNumber: string;
  logIndex: string;
  topics: string[];
  data: string;
}

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

const quantity = (n: number) => "0x" + n.toString(16);

/** caseCount, stepCount and log-tree root at each of `heights` (ascending), from one pass over the chain's StepRecorded logs. */
async function tallyAt(url: string, deployment: Deployment, head: number, heights: number[], blocksPerRequest: number): Promise<Map<number, { caseCount: number; stepCount: number; commitmentsRoot: string }>> {
  const address = deployment.contracts.ProcedureLedger.address;
  const topic = ProcedureLedger__factory.createInterface().getEvent("StepRecorded")!.topicHash;
  const tree = new LogTreeFrontier();
  const cases = new Set<string>();
  const record = Buffer.alloc(96); // caseRef (topic 1) ‖ packedStep ‖ commitment (data), as the leaf takes them
  const out = new Map<number, { caseCount: number; stepCount: number; commitmentsRoot: string }>();
  let next = 0;
  const upTo = (block: number) => {
    for (; next < heights.length && heights[next] <= block; next++) out.set(heights[next], { caseCount: cases.size, stepCount: tree.size, commitmentsRoot: tree.root() });
  };
  let last = -1;
  for (let from = deployment.block; from <= head; from += blocksPerRequest) {
    const to = Math.min(head, from + blocksPerRequest - 1);
    const logs = await rpc<RawLog[]>(url, "eth_getLogs", [{ address, topics: [topic], fromBlock: quantity(from), toBlock: quantity(to) }]);
    for (const log of logs) {
      const block = parseInt(log.blockNumber, 16);
      const logIndex = parseInt(log.logIndex, 16);
      const position = block * 2 ** 20 + logIndex;
      if (position <= last) throw new Error(`StepRecorded logs out of chain order at block ${block} log ${logIndex}`);
      last = position;
      if (log.topics.length !== 2 || log.data.length !== 2 + 128) throw new Error(`a StepRecorded log of unusual shape at block ${block} log ${logIndex}`);
      upTo(block - 1);
      record.write(log.topics[1].slice(2), 0, "hex");
      record.write(log.data.slice(2), 32, "hex");
      tree.append(logLeafHashOfData(block, logIndex, record, 0));
      cases.add(log.topics[1].toLowerCase());
    }
    upTo(to);
  }
  return out;
}

/**
 * Sign the checkpoints of the chain at `url` (deployed as `deployment`, up to `head`) with each agency's
 * key, as its service does, and write them beside the state; returns what bench-meta.json records.
 */
export async function signBenchCheckpoints(
  url: string,
  deployment: Deployment,
  head: number,
  stateDir: string,
  signers: { agency: number; wallet: Wallet }[],
  made: string,
  // the QBFT bench's chain spread over K blocks a block (bench/audit-qbft.ts) signs every 2·K blocks, the
  // same heights of the ledger, and reads its logs 5·K blocks a request
  opts: { everyBlocks?: number; blocksPerRequest?: number } = {},
): Promise<BenchCheckpoints> {
  const t0 = performance.now();
  const every = opts.everyBlocks ?? BENCH_CHECKPOINT_EVERY_BLOCKS;
  const heights = checkpointHeights(deployment.block, every, head);
  const tally = await tallyAt(url, deployment, head, heights, opts.blocksPerRequest ?? 5);
  const signedAt = new Date().toISOString();
  const files: BenchCheckpoints["files"] = [];
  const signed: SignedCheckpoint[][] = signers.map(() => []);
  for (const blockNumber of heights) {
    const { hash } = await rpc<{ hash: string }>(url, "eth_getBlockByNumber", [quantity(blockNumber), false]);
    const t = tally.get(blockNumber)!;
    for (const [i, s] of signers.entries()) {
      signed[i].push(await signCheckpoint(s.wallet, { chainId: deployment.chainId, ledger: deployment.contracts.ProcedureLedger.address, blockNumber, blockHash: hash, ...t, commitmentsTree: "rfc6962" }));
    }
  }
  for (const [i, s] of signers.entries()) {
    const file = join(stateDir, `checkpoints-${s.agency}.json`);
    // as GET /api/checkpoints serves them (services/agency/reads/checkpoints.ts): newest first
    const checkpoints = signed[i].map((c) => ({ ...c, createdAt: signedAt })).reverse();
    writeFileSync(file, JSON.stringify({ checkpoints }) + "\n");
    files.push({ agency: s.agency, file });
  }
  const last = tally.get(heights[heights.length - 1]);
  process.stderr.write(`signed ${heights.length} checkpoints (every ${every} blocks, up to block ${heights[heights.length - 1]}: ${last?.stepCount} steps, ${last?.caseCount} cases) by ${signers.length} agencies in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return { everyBlocks: every, count: heights.length, files, signedAt, made };
}

/** The agencies' checkpoint files as the audit's input, read as `npm run audit -- --checkpoints AGENCY=file` reads them. */
export function readBenchCheckpoints(cps: BenchCheckpoints | undefined, stateDir: string): CheckpointSet[] {
  if (!cps) throw new Error(`${stateDir} holds no signed checkpoints (bench-meta.json): run bench/audit.ts on it to add them`);
  return cps.files.map((x) => readCheckpointFile(`${x.agency}=${x.file}`, agencyCodeOf));
}

/**
 * Fails unless the report verified every checkpoint: `count` heights, each co-signed by both agencies, every
 * signature's log-tree root recomputed and equal, no findings.
 */
export function expectCheckpointsVerified(report: AuditReport, cps: BenchCheckpoints): Record<string, number> {
  const check = report.checks.find((c) => c.id === "checkpoints");
  const n = cps.count;
  const signatures = n * cps.files.length;
  const want: Record<string, number> = { checkpointBlocks: n, coSigned: n, coSignedRootVerified: n, notCoSigned: 0, signatures, rootVerifiedLogTree: signatures, rootVerifiedSortedTree: 0 };
  const got = check?.counts ?? {};
  const wrong = Object.keys(want).filter((k) => got[k] !== want[k]);
  if (n === 0 || check?.status !== "pass" || wrong.length > 0 || report.summary.findings !== 0) {
    throw new Error(`the bench's checkpoints should all verify: check ${check?.status ?? "absent"} (${check?.summary ?? ""}), counts ${JSON.stringify(got)}, expected ${JSON.stringify(want)}, ${report.summary.findings} findings ${JSON.stringify(report.findings.slice(0, 3))}`);
  }
  return got;
}
