// Phase 2 of an audit: the verdicts on what the fetch phase read. Every verdict comes from a pure check
// (the modules named below); this phase only puts their inputs together and collects their findings in
// the engine's sink, in a fixed order. Pure, no I/O.
import type { Deployment } from "../../shared/deployment";
import { verifyCheckpoints, type CheckpointVerdict } from "../checkpoints";
import { compareCode, type CodeComparison } from "../code";
import { CommitmentRoots } from "../commitment-roots";
import { matchCommitments, type CommitmentCounts } from "../commitments";
import { compliance as complianceOf, statistics, type Compliance, type Stats } from "../compliance";
import { anchorFinding, codeListVerdict, deploymentMemberFindings, type CodeListVerdict } from "../deployment-checks";
import { blockHashOf } from "../consensus/qbft-hashing";
import { headerHash } from "../headers";
import { keccakBytes } from "../../shared/keccak";
import { checkAgencyDb, inferDbAgency, type InternalCounts } from "../internal";
import { NEWEST_CODE_LIST, codeListByHash } from "../code-list-versions";
import { agencyName } from "../names";
import { compareHeads } from "../replay";
import { CannotRun } from "../rpc";
import type { Artifact } from "../source";
import type { StoreRestore } from "../agency-db/reader";
import type { CheckpointSet, StepRow } from "../types";
import { behindFinding, type VerifiedHead } from "../verified-head";
import type { Fetched } from "./fetch";

export interface VerifyInputs {
  deployment: Deployment;
  artifact: Artifact;
  /** whether exports were given (else the commitment check is skipped) */
  exportsGiven: boolean;
  /** the checkpoint sets given, without the database's */
  checkpoints: CheckpointSet[];
  db?: { source: string; agency?: number; rows: StepRow[]; checkpoints?: CheckpointSet; restores?: StoreRestore[] };
  /** this build's code lists: version label and hash */
  codeLists: { version: string; hash: string };
  allocationDays: number;
  fromGenesis?: boolean;
  /** the auditor's record of a head verified before (--verified-head): above the audited head it is reported */
  verifiedHead?: VerifiedHead;
  /** seconds since 1970: the compliance clock where the audited head has no timestamp */
  now: number;
}

export interface Verified {
  hashChains: { compared: number; mismatched: number };
  code: CodeComparison;
  codeList: CodeListVerdict;
  commitments?: Record<string, CommitmentCounts>;
  internal?: { source: string; agency: string; counts: InternalCounts };
  /** every checkpoint set checked, the database's with its agency (named or inferred) */
  checkpointSets: CheckpointSet[];
  checkpoints: CheckpointVerdict[];
  /** the audited head's time (seconds) */
  headTime: number;
  compliance: Compliance;
  stats: Stats;
}

/** Which agency a database belongs to: as named, else inferred from its rows; CannotRun when neither. */
export function dbAgencyOf(f: Fetched, db: NonNullable<VerifyInputs["db"]>): number {
  const agency = db.agency ?? inferDbAgency(f.engine.replayer, db.rows);
  if (agency !== undefined) return agency;
  if (db.rows.length > 0) throw new CannotRun(`${db.source}: no Step row matches an on-chain event of any agency; name the agency as KEY=${db.source} (BAMF, ZAB, or its number, e.g. 3=${db.source})`);
  throw new CannotRun(`${db.source} holds no Step rows; name its agency as KEY=${db.source} (BAMF, ZAB, or its number, e.g. 3=${db.source})`);
}

export function verifyAudit(f: Fetched, inp: VerifyInputs): Verified {
  const d = inp.deployment;
  const { engine, head, fromBlock } = f;
  const r = engine.replayer;
  const sink = engine.sink;

  // The consensus's own findings (QBFT: seals and validator set of every header) next to the header chain's.
  for (const x of f.consensus?.findings ?? []) sink.add(x);
  if (inp.verifiedHead && inp.verifiedHead.block > head) sink.add(behindFinding(inp.verifiedHead, head));
  if (inp.fromGenesis) {
    const anchor = anchorFinding(d, engine.headers.hashAt(d.block));
    if (anchor) sink.add(anchor);
  }
  const hashChains = compareHeads(r, f.heads, sink, f.caseHeads);
  const code = compareCode(f.code, inp.artifact.deployedBytecode, { address: d.contracts.ProcedureLedger.address.toLowerCase(), deploymentCodeHash: d.contracts.ProcedureLedger.codeHash, holes: inp.artifact.holes, localBuild: inp.artifact.localBuild });
  for (const x of code.findings) sink.add(x);
  const codeList = codeListVerdict(f.codeList, inp.codeLists, codeListByHash);
  if (codeList.finding) sink.add(codeList.finding);
  for (const x of deploymentMemberFindings(d, (account) => r.memberAgencyAt(account, head))) sink.add(x);

  let commitments: Record<string, CommitmentCounts> | undefined;
  if (inp.exportsGiven) {
    commitments = {};
    for (const [agency, idx] of f.exportIndexes) commitments[agencyName(agency)] = matchCommitments(r, idx, sink);
  }

  let internal: Verified["internal"];
  const checkpointSets = [...inp.checkpoints];
  if (inp.db) {
    const agency = dbAgencyOf(f, inp.db);
    internal = { source: inp.db.source, agency: agencyName(agency), counts: checkAgencyDb(r, agency, inp.db.rows, sink, inp.db.source, inp.db.restores) };
    if (inp.db.checkpoints) checkpointSets.push({ ...inp.db.checkpoints, agency: inp.db.checkpoints.agency ?? agency });
  }

  // Heights outside the audited range are checked against the chain's current header there, re-hashed as
  // the chain hashes (its seals are not checked: those blocks are outside the audited range).
  const hashOf = f.consensus?.kind === "qbft" ? blockHashOf : headerHash;
  const outsideHashes = new Map<number, string>();
  for (const { height, block } of f.blocksOutsideRange) {
    if (block && Number(BigInt(block.number)) === height) outsideHashes.set(height, hashOf(block));
  }
  const roots = new CommitmentRoots(r.steps, keccakBytes, f.logRoots);
  // Every log-tree root the checkpoints up to the head sign (those the fetch phase's worker did not give),
  // from one pass over the steps (a root per call would walk them again each time); the sorted tree's roots
  // of older rows are computed one by one.
  roots.logRootsAt(checkpointSets.flatMap((s) => s.checkpoints.filter((c) => c.commitmentsTree === "rfc6962" && c.commitmentsRoot && c.blockNumber <= head).map((c) => c.blockNumber)));
  const checkpoints = verifyCheckpoints(
    checkpointSets,
    {
      chainId: d.chainId,
      ledger: d.contracts.ProcedureLedger.address,
      headBlock: head,
      blockHashAt: (n) => (n < fromBlock || n > head ? outsideHashes.get(n) : engine.headers.hashAt(n)),
      caseCountAt: (n) => r.caseCountAt(n),
      stepCountAt: (n) => roots.stepsUpTo(n),
      commitmentsRootAt: (n, tree) => (tree === "rfc6962" ? roots.logRootAt(n) : roots.sortedRootAt(n)),
      memberAgencyAt: (a, b) => r.memberAgencyAt(a, b),
      agencyEverOf: (a) => r.agencyEverOf(a),
    },
    sink,
  );

  const headTime = engine.headers.timestampAt(head) ?? inp.now;
  // The non-arrival rule's N: a parameter of the code-list version in force at the audited head.
  const inForce = [...r.codeListEpochs].reverse().find((e) => e.hash !== "")?.known ?? NEWEST_CODE_LIST;
  const compliance = complianceOf(r, { asOf: headTime, allocationDays: inp.allocationDays, arrivalOverdueDays: inForce.lists.parameters.arrivalOverdueDays }, sink);
  return { hashChains, code, codeList, commitments, internal, checkpointSets, checkpoints, headTime, compliance, stats: statistics(r) };
}
