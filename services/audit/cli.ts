// `npm run audit -- [options]`: the auditor's command. Reads the chain over standard JSON-RPC, the
// agencies' audit exports and checkpoints (over HTTP from the running services, or from files), optionally
// an agency database (internal mode), and writes report.json and report.html.
// Exit codes: 0 clean, 1 findings, 2 could not run (the message says why).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { readDeployment } from "../shared/deployment";
import { DATA_DIR, DEPLOYMENT_FILE } from "../shared/paths";
import { demoAuditClient } from "../shared/demo-credentials";
import { runAudit } from "./audit";
import { QBFT_DEFAULT_EPOCH_LENGTH, RecordedConsensus, type ConsensusChoice } from "./consensus/chain-consensus";
import { renderHtml } from "./html";
import { verifyInclusionProof } from "./merkle";
import { LEDGER_INTERFACE } from "./events";
import { agencyCodeOf, nameAgency } from "./names";
import { StderrProgress, silentProgress } from "./progress";
import { setSpillDirectory } from "./spill-pages";
import { agencyLines, exitCodeOf, reportJson } from "./report";
import { CannotRun, RpcClient } from "./rpc";
import {
  DEFAULT_ARTIFACT,
  fetchAgencyCheckpoints,
  fetchAgencyExport,
  readAgencyDb,
  readArtifact,
  readCheckpointFile,
  readExportFile,
  splitSpec,
  type AgencyEndpoint,
} from "./source";
import type { AgencyExport, CheckpointSet } from "./types";
import { readVerifiedHead, verifiedHeadOf, writeVerifiedHead } from "./verified-head";
import { DEFAULT_MAX_BLOCK_RANGE } from "../shared/log-range";

interface CliOptions {
  rpc?: string;
  deployment: string;
  export: string[];
  checkpoints: string[];
  db?: string;
  out: string;
  agencies: boolean;
  agency: string[];
  bamfUrl: string;
  zabUrl: string;
  allocationDays: number;
  fromGenesis?: boolean;
  toBlock?: number;
  maxBlockRange: number;
  artifact: string;
  prove?: string;
  verifyProof?: string;
  expectRoot?: string;
  trust: string[];
  consensus: ConsensusChoice;
  epochLength: number;
  quiet?: boolean;
  spillDir?: string;
  verifiedHead?: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];
const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a whole number ≥ 1");
  return n;
};
const nonNegInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("a whole number ≥ 0");
  return n;
};
const consensusChoice = (v: string): ConsensusChoice => {
  if (v !== "dev" && v !== "qbft" && v !== "auto") throw new InvalidArgumentError("dev, qbft or auto");
  return v;
};
const decimalId = (v: string) => {
  if (!/^[0-9]+$/.test(v)) throw new InvalidArgumentError("a decimal ledger event id");
  return v;
};

export function buildCommand(): Command {
  return new Command("audit")
    .description("Audit the AnKER status ledger: block headers, deployed code, events and hash chains, process rules, commitments, checkpoints, compliance.")
    .option("--rpc <url>", "JSON-RPC endpoint (default: rpcUrl of the deployment record)")
    .option("--deployment <file>", "deployment record", DEPLOYMENT_FILE)
    .option("--export <[AGENCY=]file>", "an agency's audit export (JSON array, {lines:[...]} or JSON lines); repeatable", collect, [])
    .option("--checkpoints <[AGENCY=]file>", "an agency's signed checkpoints (JSON array, {checkpoints:[...]} or JSON lines); repeatable", collect, [])
    .option("--db <[AGENCY=]file>", "internal mode: an agency's SQLite database")
    .option("--out <dir>", "where report.json and report.html go", join(DATA_DIR, "audit"))
    .option("--no-agencies", "do not fetch exports and checkpoints from the agency services")
    .option("--agency <KEY[:NUMBER]=url>", "an agency service to fetch the export and checkpoints from (e.g. ABH-14625:3=http://127.0.0.1:3003); repeatable; replaces the default services", collect, [])
    .option("--bamf-url <url>", "BAMF agency service", process.env.ANKER_BAMF_URL ?? "http://127.0.0.1:3001")
    .option("--zab-url <url>", "ZAB agency service", process.env.ANKER_ZAB_URL ?? "http://127.0.0.1:3002")
    .option("--allocation-days <n>", "an allocation due longer than this is overdue", nonNegInt, 30)
    .option("--from-genesis", "verify block headers from block 0 instead of the deployment block")
    .option("--to-block <n>", "audit up to this block instead of the head", nonNegInt)
    .option("--max-block-range <n>", "most blocks one eth_getLogs request spans (the node's cap, Besu: --rpc-max-logs-range); halved while the node refuses", positiveInt, DEFAULT_MAX_BLOCK_RANGE)
    .option("--artifact <file>", "compiled ProcedureLedger artifact to compare the deployed code with", DEFAULT_ARTIFACT)
    .option("--prove <ledgerEventId>", "also write an inclusion proof (Merkle) for this event to <out>/proof-<id>.json", decimalId)
    .option("--verify-proof <file>", "only verify an inclusion proof file, offline")
    .option("--expect-root <hex>", "with --verify-proof: the root the proof must have (e.g. from a report)")
    .option("--trust <address>", "with --verify-proof: a checkpoint signer key to trust; repeatable", collect, [])
    .option("--consensus <kind>", "the chain's consensus: dev (anvil, Hardhat: plain Ethereum hashes, no finality to verify), qbft (Besu: hashes as Besu, commit seals of a validator quorum on every block) or auto (from block 0's extraData)", consensusChoice, "auto" as ConsensusChoice)
    .option("--epoch-length <blocks>", "QBFT: the genesis file's qbft.epochlength (votes restart at each epoch block)", positiveInt, QBFT_DEFAULT_EPOCH_LENGTH)
    .option(
      "--verified-head <file>",
      "this auditor's record of the head it last verified (created if absent): the chain must still hash to it there (else a critical finding); on QBFT the seals up to it are not recovered again; moved to the audited head when the chain check passes. Keep it where no node or agency operator can write",
    )
    .option("--quiet", "no progress bar")
    .option("--spill-dir <dir>", "where the audit keeps the per-event columns that do not stay in memory (a file without a name, gone when the audit's process ends; default: the system's temporary directory)")
    .addHelpText(
      "after",
      `
With no options it audits the local system of \`npm start\`: the chain and ledger of .data/deployment.json,
exports and checkpoints fetched as the auditor from BAMF (:3001), ZAB (:3002) and, when agency 3 is a member
on chain, the demo district authority ABH-14625 (:3003, ANKER_ABH_14625_URL). --agency names the services instead,
any number of them. Tokens: ANKER_AUDIT_TOKEN_<KEY> (e.g. ANKER_AUDIT_TOKEN_ABH_14625; default: the demo tokens).
AGENCY in --export/--checkpoints/--db: BAMF, ZAB, an agency number, or KEY:NUMBER.
Exit codes: 0 clean, 1 findings, 2 could not run.`,
    );
}

/** The consensus to audit: --consensus, else the deployment record's field, else detected ("auto"). */
function consensusOf(o: CliOptions, cmd: Command, deploymentFile: string): { consensus: ConsensusChoice; consensusSource?: "option" | "deployment record"; epochLength: number } {
  const recorded = RecordedConsensus.safeParse(JSON.parse(readFileSync(deploymentFile, "utf8")));
  if (!recorded.success) throw new CannotRun(`${deploymentFile}: its consensus field is not valid (${recorded.error.issues[0]?.message})`);
  const r = recorded.data.consensus;
  const epochLength = cmd.getOptionValueSource("epochLength") === "default" && r?.epochLength ? r.epochLength : o.epochLength;
  if (o.consensus !== "auto") return { consensus: o.consensus, consensusSource: "option", epochLength };
  if (r) return { consensus: r.kind, consensusSource: "deployment record", epochLength };
  return { consensus: "auto", epochLength };
}

async function verifyProofOnly(o: CliOptions): Promise<number> {
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(resolve(o.verifyProof!), "utf8"));
  } catch (err) {
    throw new CannotRun(`${o.verifyProof} cannot be read as JSON: ${(err as Error).message}`);
  }
  const v = verifyInclusionProof(input, { root: o.expectRoot, signers: o.trust.length ? o.trust : undefined });
  if (v.valid) {
    const p = input as { format: string; ledgerEventId: string; uptoBlock: number; root: string };
    const tree = p.format === "anker-inclusion-proof-v1" ? "sorted tree, v1" : "RFC 6962 log tree";
    console.log(`valid: event ${p.ledgerEventId} is in the ledger's history up to block ${p.uptoBlock} (root ${p.root}, ${tree})${v.signers.length ? `; checkpoint signed by ${v.signers.join(", ")}` : "; no checkpoint signature"}`);
    return 0;
  }
  console.log(`INVALID inclusion proof:\n  ${v.problems.join("\n  ")}`);
  return 1;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const cmd = buildCommand();
  cmd.exitOverride();
  try {
    cmd.parse(argv);
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const o = cmd.opts<CliOptions>();
  if (o.verifyProof) return verifyProofOnly(o);
  if (o.spillDir) setSpillDirectory(resolve(o.spillDir));

  const deployment = readDeployment(resolve(o.deployment));
  if (!deployment) throw new CannotRun(`${o.deployment} is missing: run "npm start" (or "npm run deploy") first, or pass --deployment FILE`);
  const rpcUrl = o.rpc ?? deployment.rpcUrl;
  const verifiedHeadFile = o.verifiedHead && resolve(o.verifiedHead);
  const previousHead = verifiedHeadFile ? readVerifiedHead(verifiedHeadFile) : undefined;
  const consensus = consensusOf(o, cmd, resolve(o.deployment));
  const artifact = readArtifact(resolve(o.artifact));
  const progress = o.quiet ? silentProgress : new StderrProgress();

  // Fix the audited block first, then read the agencies: whatever they handed to the chain by then is
  // in their export (a later submission shows as pending, not as missing).
  const rpc = new RpcClient(rpcUrl);
  const head = o.toBlock ?? Number(BigInt(await rpc.call<string>("eth_blockNumber", [])));

  let exports: AgencyExport[] | undefined;
  let checkpoints: CheckpointSet[] | undefined;
  if (o.export.length > 0) {
    exports = [];
    for (const s of o.export) exports.push(await readExportFile(s, agencyCodeOf, nameAgency));
  }
  if (o.checkpoints.length > 0) checkpoints = o.checkpoints.map((s) => readCheckpointFile(s, agencyCodeOf, nameAgency));
  if (o.agencies && o.export.length === 0 && o.checkpoints.length === 0) {
    const endpoints = o.agency.length > 0 ? o.agency.map(endpointOf) : await defaultEndpoints(o, rpc, head, deployment.contracts.ProcedureLedger.address);
    progress.phase("agency exports", endpoints.length * 2, "requests");
    exports = [];
    checkpoints = [];
    for (const ep of endpoints) {
      exports.push(await fetchAgencyExport(ep));
      progress.tick();
      checkpoints.push(await fetchAgencyCheckpoints(ep));
      progress.tick();
    }
    progress.done(endpoints.map((e, i) => `${e.name} ${exports![i].lines.length} lines, ${checkpoints![i].checkpoints.length} checkpoints`).join("; "));
  }

  let db: Parameters<typeof runAudit>[0]["db"];
  if (o.db) {
    const { agency, file } = splitSpec(o.db, agencyCodeOf, nameAgency);
    const content = await readAgencyDb(file);
    db = { source: file, agency, rows: content.rows, checkpoints: content.checkpoints.length ? { agency, source: `${file} (SignedCheckpoint)`, checkpoints: content.checkpoints } : undefined, restores: content.restores };
  }

  const { report, proof } = await runAudit({
    rpcUrl,
    deployment,
    artifact,
    exports,
    checkpoints,
    db,
    allocationDays: o.allocationDays,
    fromGenesis: o.fromGenesis,
    toBlock: head,
    maxBlockRange: o.maxBlockRange,
    ...consensus,
    verifiedHead: previousHead,
    prove: o.prove === undefined ? undefined : BigInt(o.prove),
    progress,
  });

  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  let proofFile: string | undefined;
  if (proof) {
    proofFile = join(out, `proof-${proof.ledgerEventId}.json`);
    writeFileSync(proofFile, JSON.stringify(proof, null, 2) + "\n");
    report.proof = { ledgerEventId: proof.ledgerEventId, file: proofFile, root: proof.root, uptoBlock: proof.uptoBlock };
  }
  writeFileSync(join(out, "report.json"), reportJson(report));
  writeFileSync(join(out, "report.html"), renderHtml(report));

  const s = report.summary;
  console.log(
    report.verdict === "clean"
      ? `CLEAN: blocks ${report.scope.fromBlock}–${report.scope.toBlock}, ${report.scope.steps} steps in ${report.scope.cases} cases, no findings.`
      : `FINDINGS: ${s.critical} critical, ${s.error} error, ${s.warning} warning (blocks ${report.scope.fromBlock}–${report.scope.toBlock}, ${report.scope.steps} steps in ${report.scope.cases} cases).`,
  );
  if (report.consensus) console.log(`  ${report.consensus.finality.line}${report.consensus.finality.anchor ? ` (validator set from ${report.consensus.finality.anchor.reason.replace(/:.*$/, "")})` : ""}`);
  for (const c of report.checks) console.log(`  ${c.status.padEnd(7)} ${c.title}: ${c.summary}`);
  console.log(`  Member agencies (who was a member when):`);
  for (const line of agencyLines(report.agencies)) console.log(`    ${line}`);
  for (const f of report.findings.slice(0, 10)) console.log(`  [${f.severity}] ${f.check}/${f.kind}: ${f.message}`);
  if (report.findings.length > 10) console.log(`  … ${report.findings.length - 10} more in the report`);
  if (verifiedHeadFile) {
    const next = verifiedHeadOf(report, previousHead);
    if (next) writeVerifiedHead(verifiedHeadFile, next);
    console.log(
      next
        ? `Verified head: block ${next.block} (${next.hash}) recorded in ${verifiedHeadFile}`
        : `Verified head: ${verifiedHeadFile} left as it was (${previousHead ? `block ${previousHead.block}` : "none yet"}): ${report.scope.toBlock < (previousHead?.block ?? -1) ? "this audit ended below it" : "the chain check has findings"}`,
    );
  }
  if (proofFile) console.log(`Inclusion proof of event ${proof!.ledgerEventId}: ${proofFile}${proof!.checkpoints.length ? ` (checkpoint at block ${proof!.uptoBlock}, signed by ${proof!.checkpoints.map((c) => c.signer).join(", ")})` : " (no checkpoint covers it yet: up to the audited head)"}`);
  console.log(`Report: ${join(out, "report.html")} and report.json (${report.timing.seconds.toFixed(1)} s, ${report.timing.eventsPerSecond} events/s)`);
  return exitCodeOf(report);
}

/** An agency service named on the command line: KEY[:NUMBER]=url. */
function endpointOf(spec: string): AgencyEndpoint {
  const { agency, key, file: url } = splitSpec(spec, agencyCodeOf, nameAgency);
  if (agency === undefined || !/^https?:\/\//.test(url)) throw new CannotRun(`--agency ${spec}: expected KEY=URL or KEY:NUMBER=URL (e.g. ABH-14625:3=http://127.0.0.1:3003)`);
  const name = key ?? `AGENCY_${agency}`;
  return { agency, name, baseUrl: url.replace(/\/$/, ""), token: auditToken(name) };
}

function auditToken(key: string): string {
  return process.env[`ANKER_AUDIT_TOKEN_${key.replace(/-/g, "_")}`] ?? demoAuditClient(key).token;
}

/** The demo's district authority (npm start): Landkreis Bautzen as agency 3 on port 3003. */
const DEMO_DISTRICT = { key: "ABH-14625", agency: 3, url: process.env.ANKER_ABH_14625_URL ?? "http://127.0.0.1:3003" };

/**
 * The services of `npm start`: BAMF and ZAB, and the demo district authority when its agency is a member
 * at the audited head (agencyInfo(3) on chain; a ledger without that view has no third member).
 */
async function defaultEndpoints(o: CliOptions, rpc: RpcClient, head: number, ledger: string): Promise<AgencyEndpoint[]> {
  const endpoints: AgencyEndpoint[] = (["BAMF", "ZAB"] as const).map((name) => ({ agency: agencyCodeOf(name)!, name, baseUrl: (name === "BAMF" ? o.bamfUrl : o.zabUrl).replace(/\/$/, ""), token: auditToken(name) }));
  const info = LEDGER_INTERFACE.getFunction("agencyInfo");
  if (!info) return endpoints;
  try {
    const res = await rpc.call<string>("eth_call", [{ to: ledger, data: LEDGER_INTERFACE.encodeFunctionData(info, [DEMO_DISTRICT.agency]) }, "0x" + head.toString(16)]);
    const accounts = Number(LEDGER_INTERFACE.decodeFunctionResult(info, res)[2]);
    if (accounts > 0) {
      nameAgency(DEMO_DISTRICT.agency, DEMO_DISTRICT.key);
      endpoints.push({ agency: DEMO_DISTRICT.agency, name: DEMO_DISTRICT.key, baseUrl: DEMO_DISTRICT.url.replace(/\/$/, ""), token: auditToken(DEMO_DISTRICT.key) });
    }
  } catch {
    /* no such view or no answer: the two pilots only */
  }
  return endpoints;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof CannotRun) console.error(`audit could not run: ${err.message}`);
      else console.error(`audit could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(2);
    },
  );
}
