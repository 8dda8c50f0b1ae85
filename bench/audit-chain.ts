// The audit benchmark's ledger (bench/audit.ts): built once on a throwaway anvil, ten steps per case along
// the paths of domain.md, or more per case (a rescheduled hearing, again and again, after the ten), so
// that the same number of events can lie in fewer cases (recordBatch of 200 steps a transaction, 20
// transactions a block), with both
// agencies' audit exports written beside anvil's state as JSON lines, and both agencies' signed checkpoints
// (bench/audit-checkpoints.ts, withBenchCheckpoints). With a state directory the chain is kept there (anvil's
// state.json, bench-meta.json, export-<agency>.ndjson, checkpoints-<agency>.json) and a later run of the same
// size measures it again instead of building a new one.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { HDNodeWallet, Mnemonic, Wallet, keccak256, toQuantity, toUtf8Bytes, type Interface, type JsonRpcProvider } from "ethers";
import { z } from "zod";
import { anvilBinary, startAnvil, stopAnvil, waitForChain, providerFor } from "../scripts/lib/anvil";
import { CHAIN_ID } from "../services/shared/paths";
import { deployLedgerContract } from "../scripts/lib/deploy-ledger";
import type { Deployment } from "../services/shared/deployment";
import { ExportLine, type AgencyExport } from "../services/audit/types";
import { ExportTable } from "../services/audit/export-table";
import type { PlannedStep } from "../test/audit/support/writer";
import { ProcedureLedger__factory } from "../typechain-types";
import { eventIdOf, packStep } from "../services/shared/ledger-codec";
import { stepByKey } from "../services/shared/codelists";
import { fastCommitmentOf, initFastKeccak, keccakHex } from "../services/shared/keccak";
import { BENCH_CHECKPOINT_EVERY_BLOCKS, signBenchCheckpoints } from "./audit-checkpoints";

/** steps per case along the paths below; a ledger of more steps per case adds rescheduled hearings */
export const PER_CASE = 10;
const BATCH = 200;
// Batches per block: a busy consortium chain carries many transactions per block (this also keeps
// anvil's per-second state dump small: it preserves one state per block).
const TXS_PER_BLOCK = 20;
/** Above this many steps the ledger is built on an anvil without the per-second state dump (a dump of a
 * state of a gigabyte and more would take most of each second). */
const DUMP_WHILE_BUILDING_UP_TO = 200_000;

// anvil's development accounts (the well-known test mnemonic): deployer, BAMF, ZAB, auditor.
const DEV_MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const devKey = (i: number) => HDNodeWallet.fromMnemonic(DEV_MNEMONIC, `m/44'/60'/0'/0/${i}`).privateKey;

const B = 1;
const Z = 2;
type Path = [number, string, number?][];
/** steps that carry a business date (as the agency services and LedgerWriter date them) */
const DATED = new Set([3, 13]);
// Ten steps per case along the paths of domain.md.
const PATHS: Path[] = [
  [[Z, "REGISTERED"], [B, "APPLICATION_FILED"], [B, "HEARING_SCHEDULED"], [B, "HEARING_HELD"], [B, "DECISION_ISSUED", 1], [B, "DECISION_SERVED"], [Z, "MUNICIPAL_ALLOCATION", 14612], [Z, "TRANSFERRED_TO_MUNICIPALITY"], [B, "DECISION_FINAL"], [B, "PROSPECTS_ASSESSED", 1]],
  [[Z, "REGISTERED"], [B, "APPLICATION_FILED"], [B, "HEARING_SCHEDULED"], [B, "HEARING_HELD"], [B, "DECISION_ISSUED", 5], [B, "DECISION_SERVED"], [B, "DECISION_FINAL"], [Z, "DEPARTURE_OBLIGATION"], [Z, "REPATRIATION_SCHEDULED"], [Z, "REPATRIATION_COMPLETED"]],
  [[Z, "REGISTERED"], [B, "APPLICATION_FILED"], [B, "HEARING_SCHEDULED"], [B, "HEARING_HELD"], [B, "DECISION_ISSUED", 6], [B, "DECISION_SERVED"], [B, "APPEAL_FILED", 1], [B, "APPEAL_DECIDED", 1], [B, "DECISION_FINAL"], [Z, "DEPARTURE_OBLIGATION"]],
  [[Z, "REGISTERED"], [B, "PROSPECTS_ASSESSED", 1], [B, "APPLICATION_FILED"], [Z, "MUNICIPAL_ALLOCATION", 14713], [Z, "TRANSFERRED_TO_MUNICIPALITY"], [B, "HEARING_SCHEDULED"], [B, "HEARING_HELD"], [B, "DECISION_ISSUED", 3], [B, "DECISION_SERVED"], [B, "DECISION_FINAL"]],
];

// A further step after a path's ten: allowed at any point after APPLICATION_FILED (within the first three of
// every path), raises no rule event, changes no flag that a later step or the compliance lists read.
const EXTRA_STEP: [number, string] = [B, "HEARING_SCHEDULED"];

/** The planned step `round` (0-based) of the case that takes path `path`. */
function plannedStep(path: number, round: number): [number, string, number?] {
  return round < PER_CASE ? PATHS[path][round] : EXTRA_STEP;
}

const BenchMeta = z.object({
  steps: z.number().int(),
  /** steps per case (absent in chains kept before it could be chosen: ten) */
  perCase: z.number().int().positive().default(PER_CASE),
  /** steps recorded: fewer than `steps` when the build was cut short (a file "stop" in the state directory) */
  recorded: z.number().int().optional(),
  deployment: z.custom<Deployment>((v) => typeof v === "object" && v !== null),
  head: z.number().int(),
  cases: z.number().int(),
  exportFiles: z.array(z.object({ agency: z.number().int(), file: z.string() })),
  /** the agencies' signed checkpoints beside the state (bench/audit-checkpoints.ts); absent in chains kept from before */
  checkpoints: z
    .object({
      everyBlocks: z.number().int().positive(),
      count: z.number().int(),
      files: z.array(z.object({ agency: z.number().int(), file: z.string() })),
      signedAt: z.string(),
      made: z.string(),
    })
    .optional(),
});
export type BenchMeta = z.infer<typeof BenchMeta>;

/** anvil on the state in `stateDir` (loaded at start, written on exit), without the periodic state dump. */
export function startQuietAnvil(port: number, stateDir: string): ChildProcess {
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(CHAIN_ID), "--hardfork", "cancun", "--state", join(stateDir, "state.json")];
  const log = openSync(join(stateDir, "anvil.log"), "a");
  try {
    return spawn(anvilBinary(), args, { stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
}

/** The kept chain of `steps` steps (`perCase` a case) in `stateDir`, if one was built there. */
export function readBenchMeta(stateDir: string, steps: number, perCase = PER_CASE): BenchMeta | undefined {
  const file = join(stateDir, "bench-meta.json");
  if (!existsSync(file)) return undefined;
  const meta = BenchMeta.parse(JSON.parse(readFileSync(file, "utf8")));
  if (meta.steps !== steps || meta.perCase !== perCase) throw new Error(`${stateDir} holds a chain of ${meta.steps} steps, ${meta.perCase} a case, not ${steps}, ${perCase} a case: use another AUDIT_BENCH_STATE`);
  return meta;
}

/**
 * `meta` with its chain's checkpoints, co-signed by BAMF and ZAB (bench/audit-checkpoints.ts): signed now from
 * the chain at `url` when the state has none yet (a chain just built, or kept from before the bench signed
 * checkpoints) or has them at another spacing, and recorded in bench-meta.json beside the state.
 */
export async function withBenchCheckpoints(meta: BenchMeta, url: string, stateDir: string, builtNow: boolean): Promise<BenchMeta> {
  if (meta.checkpoints?.everyBlocks === BENCH_CHECKPOINT_EVERY_BLOCKS) return meta;
  const signers = benchCheckpointSigners();
  const made = builtNow ? "with the build" : `added to a chain kept from before (built ${meta.deployment.deployedAt})`;
  const checkpoints = await signBenchCheckpoints(url, meta.deployment, meta.head, stateDir, signers, made);
  const out = { ...meta, checkpoints };
  writeFileSync(join(stateDir, "bench-meta.json"), JSON.stringify(out));
  return out;
}

/** BAMF's and ZAB's checkpoint keys: the member keys build() registers for them (anvil's accounts 1 and 2). */
export function benchCheckpointSigners(): { agency: number; wallet: Wallet }[] {
  return [
    { agency: B, wallet: new Wallet(devKey(1)) },
    { agency: Z, wallet: new Wallet(devKey(2)) },
  ];
}

/** An export file as the audit's input (one line at a time, each checked as the CLI checks it, into columns). */
export async function readExportLines(file: string, agency: number): Promise<AgencyExport> {
  const lines = new ExportTable();
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) if (line !== "") lines.push(ExportLine.parse(JSON.parse(line)));
  return { agency, source: file, lines };
}

interface PreparedBatch {
  agency: number;
  /** recordBatch call data */
  data: string;
  steps: number;
}

/**
 * The benchmark's steps as the agency services record them (event id = agency << 56 | sequence,
 * commitment = keccak256(salt ‖ keccak256(data))), prepared without an object per value: the call data
 * written as bytes, the export lines appended to the agencies' files as they are made. (LedgerWriter,
 * which the tests use, resolves every argument through ethers and took about a millisecond a step: an
 * hour for a million.) Salts are cheap and deterministic, still 32 bytes; the data is a short canonical JSON.
 */
class FastSteps {
  private readonly seq = new Map<number, number>();
  private readonly selector: Buffer;
  private readonly pending = new Map<number, string[]>();

  constructor(
    iface: Interface,
    private readonly exportFds: Map<number, number>,
  ) {
    this.selector = Buffer.from(iface.getFunction("recordBatch")!.selector.slice(2), "hex");
  }

  batch(agency: number, steps: PlannedStep[]): PreparedBatch {
    const data = Buffer.alloc(4 + 64 + steps.length * 96);
    this.selector.copy(data, 0);
    data.writeUInt32BE(0x20, 4 + 28);
    data.writeUInt32BE(steps.length, 4 + 60);
    const lines = this.pending.get(agency) ?? [];
    this.pending.set(agency, lines);
    steps.forEach((p, i) => {
      const step = typeof p.step === "number" ? p.step : stepByKey(p.step).code;
      const sequence = (this.seq.get(agency) ?? 0) + 1;
      this.seq.set(agency, sequence);
      const eventId = eventIdOf(agency, sequence);
      const detail = BigInt(p.detail ?? 0);
      const businessDate = DATED.has(step) ? 20270115 : 0;
      const salt = "0x" + (BigInt(sequence) * 0x9e3779b97f4a7c15n + BigInt(agency)).toString(16).padStart(64, "0");
      const json = `{"businessDate":${businessDate},"caseRef":"${p.caseRef}","data":{"note":"step ${sequence}"},"detail":"${detail}","step":${step}}`;
      const digest = "0x" + keccakHex(Buffer.from(json));
      const commitment = fastCommitmentOf(salt, digest);
      const at = 68 + i * 96;
      data.write(p.caseRef.slice(2), at, "hex");
      data.write(packStep({ eventId, step, detail, businessDate }).toString(16).padStart(64, "0"), at + 32, "hex");
      data.write(commitment.slice(2), at + 64, "hex");
      lines.push(JSON.stringify({ ledgerEventId: eventId.toString(), caseRef: p.caseRef, salt, dataDigest: digest, erased: false }) + "\n");
    });
    return { agency, data: "0x" + data.toString("hex"), steps: steps.length };
  }

  /** Append the export lines of the recorded batches to the agencies' files. */
  flush(): void {
    for (const [agency, lines] of this.pending) writeSync(this.exportFds.get(agency)!, lines.join(""));
    this.pending.clear();
  }
}

/** JSON-RPC calls in one HTTP batch; their results in order (a failed call throws). */
async function rpcBatch(url: string, calls: { method: string; params: unknown[] }[]): Promise<unknown[]> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: "2.0", id, ...c }))) });
  const answers = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[];
  const out: unknown[] = [];
  for (const a of answers) {
    if (a.error) throw new Error(`${calls[a.id].method}: ${a.error.message}`);
    out[a.id] = a.result;
  }
  return out;
}

/**
 * Send the batches TXS_PER_BLOCK to a block (automine off, evm_mine) from anvil's unlocked development
 * accounts, the transactions of a block and their receipts each in one JSON-RPC batch; every transaction
 * must succeed. Stops after a block once `stopFile` exists (a ledger cut short is still a whole one:
 * every case's steps are in order and the exports hold what the chain holds); returns the steps recorded.
 */
async function recordInBlocks(url: string, prepare: FastSteps, batches: PlannedStep[][], from: Record<number, string>, to: string, gasPerStep: number, stopFile: string): Promise<number> {
  const nonces = new Map<number, number>();
  for (const [agency, account] of Object.entries(from)) nonces.set(Number(agency), Number((await rpcBatch(url, [{ method: "eth_getTransactionCount", params: [account, "pending"] }]))[0]));
  await rpcBatch(url, [{ method: "evm_setAutomine", params: [false] }]);
  let recorded = 0;
  try {
    for (let i = 0; i < batches.length && !existsSync(stopFile); i += TXS_PER_BLOCK) {
      const txs = batches.slice(i, i + TXS_PER_BLOCK).map((group) => {
        const agency = group[0].agency;
        const b = prepare.batch(agency, group);
        const nonce = nonces.get(agency)!;
        nonces.set(agency, nonce + 1);
        recorded += b.steps;
        return { method: "eth_sendTransaction", params: [{ from: from[agency], to, data: b.data, gas: toQuantity(200_000 + gasPerStep * b.steps), nonce: toQuantity(nonce) }] };
      });
      const sent = await rpcBatch(url, txs);
      await rpcBatch(url, [{ method: "evm_mine", params: [] }]);
      const receipts = (await rpcBatch(url, sent.map((hash) => ({ method: "eth_getTransactionReceipt", params: [hash] })))) as ({ status?: string } | null)[];
      receipts.forEach((r, k) => {
        if (r?.status !== "0x1") throw new Error(`recordBatch ${String(sent[k])} failed`);
      });
      prepare.flush();
    }
  } finally {
    await rpcBatch(url, [{ method: "evm_setAutomine", params: [true] }]);
  }
  return recorded;
}

/**
 * Builds the benchmark ledger of `steps` steps, `perCase` (≥ 10) a case, on a fresh anvil with its state in
 * `stateDir`, and stops that anvil (which writes its state).
 */
export async function buildBenchChain(steps: number, stateDir: string, port: number, perCase = PER_CASE): Promise<BenchMeta> {
  if (!Number.isInteger(perCase) || perCase < PER_CASE) throw new Error(`steps per case: at least ${PER_CASE}, not ${perCase}`);
  mkdirSync(stateDir, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  const anvil = steps <= DUMP_WHILE_BUILDING_UP_TO ? startAnvil({ port, stateDir }) : startQuietAnvil(port, stateDir);
  try {
    await waitForChain(url);
    const provider = providerFor(url);
    const meta = await build(provider, url, steps, perCase, stateDir);
    writeFileSync(join(stateDir, "bench-meta.json"), JSON.stringify(meta));
    provider.destroy();
    return meta;
  } finally {
    await stopAnvil(anvil);
  }
}

async function build(provider: JsonRpcProvider, url: string, steps: number, perCase: number, stateDir: string): Promise<BenchMeta> {
  await initFastKeccak();
  const [deployer, bamf, zab, auditor] = [0, 1, 2, 3].map((i) => new Wallet(devKey(i), provider));
  await provider.send("evm_setBlockGasLimit", ["0x" + (1_000_000_000).toString(16)]);
  const deployment = await deployLedgerContract(deployer, url, { BAMF: bamf.address, ZAB: zab.address, auditor: auditor.address });
  const address = deployment.contracts.ProcedureLedger.address;

  const exportFiles = [B, Z].map((agency) => ({ agency, file: join(stateDir, `export-${agency}.ndjson`) }));
  const fds = new Map(exportFiles.map((x) => [x.agency, openSync(x.file, "w")]));
  try {
    const prepare = new FastSteps(ProcedureLedger__factory.createInterface(), fds);
    const cases = Math.ceil(steps / perCase);
    const caseRefs = Array.from({ length: cases }, (_, i) => keccak256(toUtf8Bytes(`bench-audit-case-${i}`)));
    const t0 = performance.now();
    let recorded = 0;
    const stopFile = join(stateDir, "stop");
    for (let round = 0; round < perCase && !existsSync(stopFile); round++) {
      const byAgency: Record<number, PlannedStep[]> = { [B]: [], [Z]: [] };
      for (let c = 0; c < cases; c++) {
        const [agency, step, detail] = plannedStep(c % PATHS.length, round);
        byAgency[agency].push({ agency, caseRef: caseRefs[c], step, detail });
      }
      const batches: PlannedStep[][] = [];
      for (const a of [Z, B]) for (let i = 0; i < byAgency[a].length; i += BATCH) batches.push(byAgency[a].slice(i, i + BATCH));
      recorded += await recordInBlocks(url, prepare, batches, { [B]: bamf.address, [Z]: zab.address }, address, round === 0 ? 60_000 : 20_000, stopFile);
      process.stderr.write(`\rbuilding the ledger: ${recorded} steps`);
    }
    const head = Number(await provider.send("eth_blockNumber", []));
    process.stderr.write(`\rbuilt ${recorded} steps in ${cases} cases, blocks ${deployment.block}–${head}, in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    return { steps, perCase, recorded, deployment, head, cases, exportFiles };
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
}
