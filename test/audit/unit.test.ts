// Unit tests of the audit's pure functions with fixed vectors.
import { expect } from "chai";
import { keccak256, solidityPackedKeccak256, Wallet, dataSlice } from "ethers";
import { headerHash, headerRlp, HeaderChainVerifier } from "../../services/audit/headers";
import { LedgerLogDecoder, eventKeyOf, isDecodeFailure, isStepRecorded } from "../../services/audit/events";
import { fastCommitmentOf, keccakHex, keccakBytes, initFastKeccak, fastKeccakReady } from "../../services/shared/keccak";
import { ExportIndex, matchCommitments } from "../../services/audit/commitments";
import { CommitmentWorker } from "../../services/audit/commitment-worker";
import { tableOf } from "../../services/audit/export-table";
import { checkAgencyDb, inferDbAgency } from "../../services/audit/internal";
import { checkpointSummary, coSigning, verifyCheckpoint, type CheckpointVerdict } from "../../services/audit/checkpoints";
import { buildEventTree, leafOf, proveEventV1, verifyInclusionProof } from "../../services/audit/merkle";
import { CommitmentRoots } from "../../services/audit/commitment-roots";
import { CaseHeadChains } from "../../services/audit/case-head-chains";
import { commitmentLeafHash, commitmentsRootOf, EMPTY_COMMITMENTS_ROOT } from "../../services/shared/commitments-sorted-root";
import { compareCode } from "../../services/audit/code";
import { commitmentOf, dataDigest, canonicalJson } from "../../services/shared/commitment";
import { nextHead, ZERO_HEAD, unpackStep, packStep, eventIdOf } from "../../services/shared/ledger-codec";
import { checkpointHeights, recoverCheckpointSigner } from "../../services/shared/checkpoint";
import { FindingSink, SignedCheckpoint, type RpcBlock, type StepRow } from "../../services/audit/types";
import { LEDGER, replayed, synthLogs, type SynthStep } from "./support/synthetic";
import { signCheckpoint } from "./support/sign";
import { loadVector } from "./support/vector";

const caseA = "0x" + "a1".repeat(32);
const caseB = "0x" + "b2".repeat(32);
const c = (n: number) => keccak256("0x" + n.toString(16).padStart(4, "0"));

// Ethereum mainnet's genesis header: an independent, well-known vector (pre-London: 15 fields).
const MAINNET_GENESIS: RpcBlock = {
  number: "0x0",
  hash: "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
  parentHash: "0x" + "00".repeat(32),
  sha3Uncles: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
  miner: "0x" + "00".repeat(20),
  stateRoot: "0xd7f8974fb5ac78d9ac099b9ad5018bedc2ce0a72dad1827a1709da30580f0544",
  transactionsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
  receiptsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
  logsBloom: "0x" + "00".repeat(256),
  difficulty: "0x400000000",
  gasLimit: "0x1388",
  gasUsed: "0x0",
  timestamp: "0x0",
  extraData: "0x11bbe8db4e347b4e8c937c1c8370e4b5ed33adb3db69cbdb7a38e1e50b1b82fa",
  mixHash: "0x" + "00".repeat(32),
  nonce: "0x0000000000000042",
};

// A cancun header captured from anvil (chain 4242): all twenty fields.
const ANVIL_CANCUN: RpcBlock = {
  hash: "0x53fa0a144061a62bccf806c4e9ebc02e765da3da1d18b4fa9fdb859b769e5ac5",
  parentHash: "0x33df92092cb80ae39a5cd38510ca056c9446628302ab2e90db07df0e96b5b128",
  sha3Uncles: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
  miner: "0x0000000000000000000000000000000000000000",
  stateRoot: "0xb4d676f6d2f6d79053579ce4b4796d83788aa6bf592022ed7bd362d58701d608",
  transactionsRoot: "0x0c57c0f2764dc8e30df66ae46e0023007cc233b9ce57ed0acfe8ca75a26f0e1f",
  receiptsRoot: "0x6d5bce5d6a153bad5eeec780aadc8c49c2578e9da567b8629a2e438e30647b35",
  logsBloom:
    "0x04000000000000000000000000000000000000000000000000000000000000000000000000000000000440000000000000000004080060200000000000040000080000040000000000000000000000000000000000040000000000000200000000000000000000000000000000000000000000000000000004000100000000000000000000000000000000000000000000000000000000020000000000000000800000000000000000000100000000000000000000000000000000040000000000000000000000000000000000000000000000000000000000000000000040000000040000000000000000000000000080000000008002400000000000082000",
  difficulty: "0x0",
  number: "0x3",
  gasLimit: "0x1c9c380",
  gasUsed: "0x2243c3",
  timestamp: "0x6b09b860",
  extraData: "0x",
  mixHash: "0xed134f07ab9037ee539a385644ef9d0ed78b17811ca5a15e539e8405a0df21ff",
  nonce: "0x0000000000000000",
  baseFeePerGas: "0x2da72f11",
  withdrawalsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
  blobGasUsed: "0x0",
  excessBlobGas: "0x0",
  parentBeaconBlockRoot: "0x0000000000000000000000000000000000000000000000000000000000000000",
  totalDifficulty: "0x0",
  size: "0x2d80",
};

describe("audit: block headers", () => {
  it("re-hashes mainnet's genesis header (15 fields) and a captured cancun header (20 fields)", () => {
    expect(headerHash(MAINNET_GENESIS)).to.equal(MAINNET_GENESIS.hash);
    expect(headerHash(ANVIL_CANCUN)).to.equal(ANVIL_CANCUN.hash);
  });

  it("takes fields by presence and refuses a later field without the earlier ones", () => {
    const london = { ...ANVIL_CANCUN };
    delete london.withdrawalsRoot;
    delete london.blobGasUsed;
    delete london.excessBlobGas;
    delete london.parentBeaconBlockRoot;
    expect(headerRlp(london).length).to.be.lessThan(headerRlp(ANVIL_CANCUN).length);
    const gap = { ...ANVIL_CANCUN };
    delete gap.withdrawalsRoot;
    expect(() => headerHash(gap)).to.throw(/withdrawalsRoot/);
  });

  it("links headers by parent hash and reports a changed field, a broken link, a gap and a wrong anchor", () => {
    const v = loadVector();
    const from = v.deployment.block;
    const ok = new HeaderChainVerifier(from, v.head, v.deployment.blockHash);
    ok.push(v.blocks);
    ok.finish();
    expect(ok.findings).to.deep.equal([]);
    expect(ok.hashAt(v.head)).to.equal(v.blocks[v.blocks.length - 1].hash);

    const changed = v.blocks.map((b) => ({ ...b }));
    changed[1].timestamp = "0x1";
    const a = new HeaderChainVerifier(from, v.head);
    a.push(changed);
    a.finish();
    expect(a.findings.map((f) => f.kind)).to.include.members(["header-hash-mismatch", "header-link-broken"]);

    const gap = new HeaderChainVerifier(from, v.head);
    gap.push([v.blocks[0], ...v.blocks.slice(2)]);
    gap.finish();
    expect(gap.findings.map((f) => f.kind)).to.include.members(["header-out-of-sequence", "header-link-broken"]);

    const short = new HeaderChainVerifier(from, v.head);
    short.push(v.blocks.slice(0, -1));
    short.finish();
    expect(short.findings.map((f) => f.kind)).to.deep.equal(["headers-incomplete"]);

    const anchor = new HeaderChainVerifier(from, v.head, "0x" + "99".repeat(32));
    anchor.push(v.blocks);
    expect(anchor.findings.map((f) => f.kind)).to.deep.equal(["anchor-mismatch"]);
  });
});

describe("audit: decoding and hash chains", () => {
  it("unpacks StepRecorded exactly as ledger-codec does", () => {
    const d = new LedgerLogDecoder(LEDGER);
    const detail = (1n << 64n) - 3n;
    const [log] = synthLogs([{ agency: 2, seq: 123456789, caseRef: caseA, step: 20, detail, commitment: c(1) }]);
    const e = d.decode(log);
    if (!isStepRecorded(e)) throw new Error("not decoded");
    const u = unpackStep(BigInt("0x" + e.packedHex));
    expect(e.eventId).to.equal(u.eventId);
    expect(e.eventId).to.equal(eventIdOf(2, 123456789));
    expect(e.agency).to.equal(2);
    expect(e.step).to.equal(u.step);
    expect(e.detail).to.equal(detail);
    expect(e.businessDate).to.equal(u.businessDate);
    expect(e.caseRef).to.equal(caseA);
    expect(e.commitment).to.equal(c(1));
  });

  it("reports a value wider than its ABI type instead of masking it", () => {
    const d = new LedgerLogDecoder(LEDGER);
    const logs = synthLogs([{ agency: 2, seq: 1, caseRef: caseA, step: 13, businessDate: 20270101, commitment: c(1) }]);
    const stop = logs.find((l) => l.topics[0] === LedgerLogDecoder.topicOf("StopChanged"))!;
    stop.data = stop.data.slice(0, 2 + 128) + "1".padStart(62, "0") + "01"; // reasons: uint8 with a bit above 8
    const out = d.decode(stop);
    expect(isDecodeFailure(out)).to.equal(true);
    expect(d.decode({ ...stop, address: "0x" + "bb".repeat(20) })).to.have.property("error").that.matches(/not from the ledger/);
  });

  it("recomputes a case's head like the contract (fixed vector, cross-checked with solidityPackedKeccak256)", () => {
    const steps: SynthStep[] = [
      { agency: 2, seq: 1, caseRef: caseA, step: 1, commitment: c(1) },
      { agency: 1, seq: 1, caseRef: caseA, step: 2, commitment: c(2) },
      { agency: 1, seq: 2, caseRef: caseA, step: 3, businessDate: 20270115, commitment: c(3) },
    ];
    const r = replayed(steps);
    let head = ZERO_HEAD;
    for (const s of r.steps) head = nextHead(head, s.caseRef, BigInt("0x" + s.packedHex), s.commitment);
    expect("0x" + new CaseHeadChains().addSteps(r.steps).headHex(r.cases.get(caseA)!.caseNo)).to.equal(head);
    expect(head).to.equal("0xbc14aefdbc7ebec464808f0bd494ee06dec417dc1a2b98cf");
    // one link by hand: bytes24(keccak256(abi.encodePacked(prevHead, caseRef, packedStep, commitment)))
    const first = r.steps.at(0)!;
    expect(dataSlice(solidityPackedKeccak256(["bytes24", "bytes32", "uint256", "bytes32"], [ZERO_HEAD, caseA, BigInt("0x" + first.packedHex), c(1)]), 0, 24)).to.equal(nextHead(ZERO_HEAD, caseA, BigInt("0x" + first.packedHex), c(1)));
  });

  it("hashes with the WebAssembly keccak exactly as ethers does, for every input length up to three blocks", async () => {
    expect(await initFastKeccak()).to.equal(true);
    expect(fastKeccakReady()).to.equal(true);
    for (let len = 0; len <= 3 * 136 + 1; len++) {
      const bytes = Buffer.from(Array.from({ length: len }, (_, i) => (i * 31 + len * 7) & 0xff));
      expect("0x" + keccakHex(bytes), `length ${len}`).to.equal(keccak256(bytes));
    }
  });

  it("computes keccak-256 and commitments like ethers (fixed vector)", () => {
    const salt = "0x" + "5a".repeat(32);
    const digest = dataDigest(canonicalJson({ step: 1, data: { note: "x" } }));
    expect(digest).to.equal("0xaf1083a0d541d2f7668ef36406806f1cafc4373cf7cd17603401b0b1ee4bac80");
    expect(fastCommitmentOf(salt, digest)).to.equal(commitmentOf(salt, digest));
    expect(fastCommitmentOf(salt, digest)).to.equal("0xc55a35398c7200873f336188683d7396d56577335dc42235554971fea6ba17cf");
    expect("0x" + keccakHex(Buffer.alloc(0))).to.equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    expect(() => fastCommitmentOf("0x12", digest)).to.throw();
  });
});

describe("audit: commitments against an export", () => {
  const salt = (n: number) => "0x" + n.toString(16).padStart(64, "0");
  const digest = (n: number) => keccak256("0x" + (n + 1000).toString(16).padStart(8, "0"));
  const steps: SynthStep[] = [1, 2, 3, 4].map((seq) => ({ agency: 1, seq, caseRef: seq === 4 ? caseB : caseA, step: 2, commitment: commitmentOf(salt(seq), digest(seq)) }));
  const lineOf = (seq: number) => ({ ledgerEventId: eventIdOf(1, seq).toString(), caseRef: seq === 4 ? caseB : caseA, salt: salt(seq), dataDigest: digest(seq) });

  it("matches every line of a faithful export", () => {
    const r = replayed(steps);
    const idx = new ExportIndex(1);
    idx.add({ agency: 1, source: "t", lines: [1, 2, 3, 4].map(lineOf) });
    const sink = new FindingSink();
    expect(matchCommitments(r, idx, sink)).to.deep.include({ onChain: 4, matched: 4, missing: 0, mismatched: 0, notOnChain: 0 });
    expect(sink.findings).to.deep.equal([]);
  });

  it("tells apart a forged line, a missing line, a line not on chain, a pending line and another case", () => {
    const r = replayed(steps);
    const idx = new ExportIndex(1);
    const forged = { ...lineOf(1), dataDigest: digest(99) };
    const otherCase = { ...lineOf(3), caseRef: caseB };
    const notOnChain = { ...lineOf(2), ledgerEventId: eventIdOf(1, 3).toString() }; // duplicate id 3
    const pending = lineOf(7);
    idx.add({ agency: 1, source: "t", lines: [forged, otherCase, notOnChain, pending] });
    const sink = new FindingSink();
    const counts = matchCommitments(r, idx, sink);
    const kinds = sink.findings.map((f) => f.kind).sort();
    expect(kinds).to.deep.equal(["commitment-mismatch", "export-case-mismatch", "export-duplicate-line", "missing-from-export", "missing-from-export"].sort());
    expect(counts.pending).to.equal(1);
    expect(sink.findings.find((f) => f.kind === "commitment-mismatch")!.eventId).to.equal(eventIdOf(1, 1).toString());
  });

  it("reports an erased line as erased only where the agency recorded the erasure marker", () => {
    const withErasure = [...steps, { agency: 1, seq: 5, caseRef: caseA, step: 21, detail: 1n, commitment: commitmentOf(salt(5), digest(5)) }];
    const r = replayed(withErasure);
    const idx = new ExportIndex(1);
    idx.add({ agency: 1, source: "t", lines: [{ ...lineOf(1), salt: null, dataDigest: null, erased: true }, lineOf(4), lineOf(5)] });
    const sink = new FindingSink();
    const counts = matchCommitments(r, idx, sink);
    // 1: erased line; 2, 3: no line, but the case is erased; 4 (case B): matched; 5: the marker itself.
    expect(counts).to.deep.include({ erased: 3, matched: 2, missing: 0 });
    expect(sink.findings).to.deep.equal([]);

    const r2 = replayed(steps);
    const idx2 = new ExportIndex(1);
    idx2.add({ agency: 1, source: "t", lines: [{ ...lineOf(4), salt: null, dataDigest: null, erased: true }] });
    const sink2 = new FindingSink();
    matchCommitments(r2, idx2, sink2);
    expect(sink2.findings.map((f) => f.kind)).to.include("erased-without-marker");
  });

  it("computes the same commitments on a worker thread, and leaves malformed exports to the main thread", async () => {
    const lines = [lineOf(1), { ...lineOf(2), salt: "0x" + "AB".repeat(32) }, { ...lineOf(3), salt: null, dataDigest: null, erased: true }, lineOf(4), { ...lineOf(5), ledgerEventId: ((1n << 56n) | (1n << 40n)).toString() }];
    const x = { agency: 1, source: "t", lines };
    const worker = (await CommitmentWorker.start())!;
    const pre = (await worker.linesOf(tableOf(lines), 0, lines.length))!;
    lines.forEach((l, i) => {
      const hex = l.salt && l.dataDigest ? fastCommitmentOf(l.salt, l.dataDigest).slice(2) : undefined;
      expect(pre.hashed[i] ? Buffer.from(pre.commitments.subarray(i * 32, i * 32 + 32)).toString("hex") : undefined).to.equal(hex);
    });
    const a = new ExportIndex(1);
    a.add(x);
    const b = new ExportIndex(1);
    b.add(x, 0, lines.length, pre);
    expect(b.entries()).to.deep.equal(a.entries());
    expect(a.entries().map(([k]) => k)).to.deep.equal(lines.map((l) => eventKeyOf(BigInt(l.ledgerEventId))));
    // A line that is not hex is left to the main thread (fastCommitmentOf, which refuses it).
    const bad = { agency: 1, source: "t", lines: [lineOf(1), { ...lineOf(2), salt: "0x" + "zz".repeat(32) }] };
    const badPre = (await worker.linesOf(tableOf(bad.lines), 0, 2))!;
    worker.close();
    expect(Array.from(badPre.hashed)).to.deep.equal([1, 0]);
    expect(() => new ExportIndex(1).add(bad, 0, 2, badPre)).to.throw(/0x-hex 32 bytes/);
  });

  it("matches event ids beyond the dense range (map keys) like the others", () => {
    const big = (1n << 40n) + 7n;
    const withBig = [...steps, { agency: 1, seq: big, caseRef: caseA, step: 2, commitment: commitmentOf(salt(9), digest(9)) }];
    const r = replayed(withBig);
    const idx = new ExportIndex(1);
    idx.add({ agency: 1, source: "t", lines: [1, 2, 3, 4].map(lineOf).concat([{ ledgerEventId: eventIdOf(1, big).toString(), caseRef: caseA, salt: salt(9), dataDigest: digest(9) }]) });
    const sink = new FindingSink();
    expect(matchCommitments(r, idx, sink)).to.deep.include({ onChain: 5, matched: 5, missing: 0, notOnChain: 0 });
    expect(sink.findings).to.deep.equal([]);
  });
});

describe("audit: internal mode (agency database rows)", () => {
  const data = (seq: number) => canonicalJson({ seq, note: "off-chain data" });
  const salt = (seq: number) => "0x" + (seq + 77).toString(16).padStart(64, "0");
  const commit = (seq: number) => commitmentOf(salt(seq), dataDigest(data(seq)));
  const steps: SynthStep[] = [1, 2, 3].map((seq) => ({ agency: 2, seq, caseRef: caseA, step: seq === 1 ? 1 : 12, commitment: commit(seq) }));
  const row = (seq: number): StepRow => ({ id: seq, caseRef: caseA, stepCode: seq === 1 ? 1 : 12, detail: "0", businessDate: 0, data: data(seq), salt: salt(seq), commitment: commit(seq), state: "confirmed" });

  it("finds the database's agency and passes intact rows", () => {
    const r = replayed(steps);
    const rows = [1, 2, 3].map(row);
    expect(inferDbAgency(r, rows)).to.equal(2);
    const sink = new FindingSink();
    expect(checkAgencyDb(r, 2, rows, sink)).to.deep.include({ intact: 3, changed: 0, deleted: 0 });
    expect(sink.findings).to.deep.equal([]);
  });

  it("names the event id of a changed row, a deleted row, and data removed without an erasure marker", () => {
    const r = replayed(steps);
    const changed = { ...row(2), data: data(2).replace("off-chain", "altered") };
    const erasedNoMarker = { ...row(3), data: null, salt: null };
    const pendingRow = { ...row(4), state: "queued" };
    const sink = new FindingSink();
    const counts = checkAgencyDb(r, 2, [changed, erasedNoMarker, pendingRow], sink);
    expect(counts).to.deep.include({ changed: 2, deleted: 1, pending: 1 });
    const byKind = Object.fromEntries(sink.findings.map((f) => [f.kind, f.eventId]));
    expect(byKind["row-changed"]).to.equal(eventIdOf(2, 2).toString());
    expect(byKind["row-deleted"]).to.equal(eventIdOf(2, 1).toString());
    expect(byKind["data-deleted-without-erasure"]).to.equal(eventIdOf(2, 3).toString());
  });

  it("finds a row whose stored commitment or fields differ from the chain", () => {
    const r = replayed(steps);
    const sink = new FindingSink();
    checkAgencyDb(r, 2, [{ ...row(1), stepCode: 12 }, row(2), { ...row(3), data: data(9), commitment: commit(9), salt: salt(9) }], sink);
    expect(sink.findings.map((f) => f.kind).sort()).to.deep.equal(["row-commitment-differs", "row-fields-differ"]);
  });
});

describe("audit: checkpoints", () => {
  const key = "0x" + "4b".repeat(32);
  const wallet = new Wallet(key);
  const root = "0x" + "ee".repeat(32);
  const sortedRoot = "0x" + "5e".repeat(32);
  const cp = { chainId: 4242, ledger: "0x" + "cc".repeat(20), blockNumber: 100, blockHash: "0x" + "dd".repeat(32), caseCount: 7, commitmentsRoot: root, commitmentsTree: "rfc6962" as const, stepCount: 9 };

  it("are signed at the multiples of the spacing from the deployment block on, never block 0", () => {
    expect(checkpointHeights(1, 2, 9)).to.deep.equal([2, 4, 6, 8]);
    expect(checkpointHeights(0, 50, 149)).to.deep.equal([50, 100]);
    expect(checkpointHeights(101, 50, 250)).to.deep.equal([150, 200, 250]);
    expect(checkpointHeights(100, 50, 99)).to.deep.equal([]);
  });
  const sortedCp = { ...cp, commitmentsRoot: sortedRoot, commitmentsTree: "sorted" as const, stepCount: null };
  const fields = [{ name: "chainId", type: "uint256" }, { name: "ledger", type: "address" }, { name: "blockNumber", type: "uint256" }, { name: "blockHash", type: "bytes32" }, { name: "caseCount", type: "uint256" }];
  const domain = { name: "AnkerLedger", version: "1", chainId: 4242, verifyingContract: cp.ledger };

  it("signs and recovers deterministically (fixed vector), the commitments root and its tree part of the signed struct", async () => {
    const { commitmentsRoot: _r, commitmentsTree: _t, stepCount: _s, ...old } = cp;
    // The log tree's type: its size and the root as commitmentsLogRoot, so its type hash is its own.
    const signed = await signCheckpoint(wallet, cp);
    expect(recoverCheckpointSigner(cp, signed.signature)).to.equal(wallet.address);
    expect(signed.signature).to.equal(
      await wallet.signTypedData(domain, { Checkpoint: [...fields, { name: "stepCount", type: "uint256" }, { name: "commitmentsLogRoot", type: "bytes32" }] }, { ...old, stepCount: 9, commitmentsLogRoot: root }),
    );
    expect(recoverCheckpointSigner({ ...cp, commitmentsRoot: "0x" + "ef".repeat(32) }, signed.signature)).to.not.equal(wallet.address);
    expect(recoverCheckpointSigner({ ...cp, stepCount: 10 }, signed.signature), "the tree's size is signed").to.not.equal(wallet.address);
    expect(() => recoverCheckpointSigner({ ...cp, stepCount: null }, signed.signature), "no log-tree checkpoint without its size").to.throw(/step count/);
    // The sorted tree's type, as checkpoints signed before the log tree: verifiable as such only.
    const sorted = await signCheckpoint(wallet, sortedCp);
    expect(sorted.signature).to.equal(await wallet.signTypedData(domain, { Checkpoint: [...fields, { name: "commitmentsRoot", type: "bytes32" }] }, { ...old, commitmentsRoot: sortedRoot }));
    expect(recoverCheckpointSigner(sortedCp, sorted.signature)).to.equal(wallet.address);
    expect(recoverCheckpointSigner({ ...cp, commitmentsRoot: sortedRoot }, sorted.signature), "a sorted root read as a log-tree root").to.not.equal(wallet.address);
    expect(recoverCheckpointSigner({ ...sortedCp, commitmentsRoot: root }, signed.signature), "a log-tree root read as a sorted root").to.not.equal(wallet.address);
    // A checkpoint signed before the root was part of it: the old struct, recoverable as such only.
    const legacy = await signCheckpoint(wallet, { ...cp, commitmentsRoot: null });
    expect(legacy.signature).to.equal(await wallet.signTypedData(domain, { Checkpoint: fields }, old));
    expect(recoverCheckpointSigner({ ...cp, commitmentsRoot: null }, legacy.signature)).to.equal(wallet.address);
    expect(recoverCheckpointSigner(cp, legacy.signature), "a root added to an old signature").to.not.equal(wallet.address);
    expect(recoverCheckpointSigner({ ...cp, commitmentsRoot: null }, signed.signature), "the root stripped from a new signature").to.not.equal(wallet.address);
  });

  const ctx = (over: Partial<Parameters<typeof verifyCheckpoint>[1]> = {}): Parameters<typeof verifyCheckpoint>[1] => ({
    chainId: 4242,
    ledger: cp.ledger,
    headBlock: 200,
    blockHashAt: (n: number) => (n === 100 ? cp.blockHash : undefined),
    caseCountAt: () => 7,
    stepCountAt: () => 9,
    commitmentsRootAt: (_n, tree) => (tree === "rfc6962" ? root : sortedRoot),
    memberAgencyAt: (a: string) => (a.toLowerCase() === wallet.address.toLowerCase() ? 1 : 0),
    ...over,
  });
  const kinds = (r: ReturnType<typeof verifyCheckpoint>) => r.problems.map((p) => p.kind);

  it("accepts a member's checkpoint over the chain's block and rejects the rest", async () => {
    const signed = await signCheckpoint(wallet, cp);
    expect(verifyCheckpoint(signed, ctx(), 1)).to.deep.include({ valid: true, signerAgency: 1, rootVerified: true });
    expect(kinds(verifyCheckpoint(signed, ctx({ blockHashAt: () => "0x" + "ee".repeat(32) }), 1))).to.deep.equal(["checkpoint-fork"]);
    expect(kinds(verifyCheckpoint(signed, ctx({ headBlock: 50, blockHashAt: () => undefined }), 1))).to.deep.equal(["checkpoint-beyond-head"]);
    expect(kinds(verifyCheckpoint(signed, ctx({ caseCountAt: () => 6 }), 1))).to.deep.equal(["checkpoint-case-count"]);
    expect(kinds(verifyCheckpoint(signed, ctx({ stepCountAt: () => 8 }), 1))).to.deep.equal(["checkpoint-step-count"]);
    expect(kinds(verifyCheckpoint({ ...signed, stepCount: 8 }, ctx({ stepCountAt: () => 8 }), 1))).to.include("checkpoint-signature-invalid");
    expect(kinds(verifyCheckpoint(signed, ctx({ memberAgencyAt: () => 0 }), 1))).to.deep.equal(["checkpoint-signer-not-member"]);
    expect(kinds(verifyCheckpoint(signed, ctx(), 2))).to.deep.equal(["checkpoint-signer-other-agency"]);
    expect(kinds(verifyCheckpoint({ ...signed, caseCount: 8 }, ctx({ caseCountAt: () => 8 }), 1))).to.include("checkpoint-signature-invalid");
  });

  it("finds a signed commitments root the chain's events do not give, a changed root and a wrong signature", async () => {
    const signed = await signCheckpoint(wallet, cp);
    const otherRoot = "0x" + "ef".repeat(32);
    // The chain's events up to block 100 give another root: events withheld, added or changed.
    const r = verifyCheckpoint(signed, ctx({ commitmentsRootAt: () => otherRoot }), 1);
    expect(kinds(r)).to.deep.equal(["checkpoint-commitments-root"]);
    expect(r).to.deep.include({ valid: false, rootVerified: false });
    expect(r.problems[0].severity).to.equal("critical");
    expect(r.problems[0].message).to.include("RFC 6962 log tree");
    // The root in the served checkpoint changed to match a tampered chain: the signature no longer holds.
    expect(kinds(verifyCheckpoint({ ...signed, commitmentsRoot: otherRoot }, ctx({ commitmentsRootAt: () => otherRoot }), 1))).to.deep.equal(["checkpoint-signature-invalid", "checkpoint-signer-not-member"]);
    // The root left out of the served checkpoint: recovered over the old struct, not the agency's key.
    expect(kinds(verifyCheckpoint({ ...signed, commitmentsRoot: null }, ctx(), 1))).to.deep.equal(["checkpoint-signature-invalid", "checkpoint-signer-not-member"]);
    // The tree relabelled: the signature is over the other type.
    expect(kinds(verifyCheckpoint({ ...signed, commitmentsTree: "sorted" }, ctx({ commitmentsRootAt: () => root }), 1))).to.deep.equal(["checkpoint-signature-invalid", "checkpoint-signer-not-member"]);
    // Signed by another key than the stated signer.
    const other = await signCheckpoint(new Wallet("0x" + "4d".repeat(32)), cp);
    expect(kinds(verifyCheckpoint({ ...signed, signature: other.signature }, ctx(), 1))).to.deep.equal(["checkpoint-signature-invalid", "checkpoint-signer-not-member"]);
    // A checkpoint above the audited head: its root is not recomputed (its events were not replayed).
    expect(verifyCheckpoint(signed, ctx({ headBlock: 99, blockHashAt: () => cp.blockHash, commitmentsRootAt: () => otherRoot }), 1)).to.deep.include({ valid: true, rootVerified: false });
  });

  it("verifies a checkpoint signed over the sorted tree (before the log tree) against the sorted tree's root", async () => {
    const sorted = await signCheckpoint(wallet, sortedCp);
    const asked: string[] = [];
    const v = verifyCheckpoint(sorted, ctx({ commitmentsRootAt: (n, tree) => (asked.push(tree), tree === "sorted" ? sortedRoot : root) }), 1);
    expect(v).to.deep.include({ valid: true, rootVerified: true });
    expect(asked).to.deep.equal(["sorted"]);
    // Served by an agency from before the change: no commitmentsTree field, which the audit reads as sorted.
    const { commitmentsTree: _, ...served } = sorted;
    expect(verifyCheckpoint(SignedCheckpoint.parse(served), ctx(), 1)).to.deep.include({ valid: true, rootVerified: true });
    const tampered = verifyCheckpoint(sorted, ctx({ commitmentsRootAt: () => "0x" + "ef".repeat(32) }), 1);
    expect(kinds(tampered)).to.deep.equal(["checkpoint-commitments-root"]);
    expect(tampered.problems[0].message).to.include("sorted StandardMerkleTree");
  });

  it("verifies a checkpoint signed without a root (before the root was part of it) over the old struct", async () => {
    const legacy = await signCheckpoint(wallet, { ...cp, commitmentsRoot: null, commitmentsTree: "sorted" });
    expect(verifyCheckpoint(legacy, ctx({ commitmentsRootAt: () => "0x" + "ef".repeat(32) }), 1)).to.deep.include({ valid: true, rootVerified: false });
    const { commitmentsRoot: _, commitmentsTree: _t, ...served } = legacy;
    expect(verifyCheckpoint(SignedCheckpoint.parse(served), ctx(), 1)).to.deep.include({ valid: true, rootVerified: false });
  });

  it("counts the blocks both agencies signed (co-signed) and says so in the report's line, with the tree of each verified root", () => {
    const v = (blockNumber: number, signerAgency: string, over: Partial<CheckpointVerdict> = {}): CheckpointVerdict => ({
      source: "s", blockNumber, blockHash: "0x", caseCount: 1, commitmentsRoot: root, commitmentsTree: "rfc6962", rootVerified: true, signer: "0x", signerAgency, valid: true, problems: [], ...over,
    });
    const both = [v(10, "BAMF"), v(10, "ZAB"), v(20, "BAMF"), v(20, "ZAB")];
    expect(coSigning(both, ["BAMF", "ZAB"])).to.deep.equal({ blocks: 2, coSigned: 2, rootVerified: 2, partial: [] });
    expect(checkpointSummary(both, ["a", "b"], ["BAMF", "ZAB"], 30).text).to.equal("2 checkpoints (4 signatures from a, b), each co-signed by BAMF and ZAB, commitments root verified (in the RFC 6962 log tree)");
    const some = [...both, v(30, "BAMF"), v(40, "ZAB", { valid: false })];
    expect(coSigning(some, ["BAMF", "ZAB"])).to.deep.equal({ blocks: 3, coSigned: 2, rootVerified: 2, partial: [{ blockNumber: 30, agencies: ["BAMF"] }] });
    expect(checkpointSummary(some, ["a", "b"], ["BAMF", "ZAB"], 30).text).to.equal("3 checkpoints (6 signatures from a, b), 2 co-signed by BAMF and ZAB, 1 not (block 30 by BAMF), commitments root verified (in the RFC 6962 log tree)");
    const mixed = [v(10, "BAMF", { commitmentsTree: "sorted" }), v(10, "ZAB", { commitmentsTree: "sorted" }), v(20, "BAMF"), v(20, "ZAB")];
    const summary = checkpointSummary(mixed, ["a", "b"], ["BAMF", "ZAB"], 30);
    expect(summary.text).to.equal("2 checkpoints (4 signatures from a, b), each co-signed by BAMF and ZAB, commitments root verified (2 in the RFC 6962 log tree, 2 in the sorted StandardMerkleTree, signed before the log tree)");
    expect(summary.counts).to.include({ rootVerifiedLogTree: 2, rootVerifiedSortedTree: 2 });
    const above = [v(10, "BAMF"), v(10, "ZAB", { rootVerified: false })];
    expect(checkpointSummary(above, ["a"], ["BAMF", "ZAB"], 5).text).to.equal("1 checkpoint (2 signatures from a), co-signed by BAMF and ZAB, commitments root verified on 1 of 2 signatures (in the RFC 6962 log tree), 2 above the audited head checked by block hash only");
    expect(checkpointSummary([], ["a"], ["BAMF", "ZAB"], 5).text).to.equal("0 checkpoints (0 signatures from a)");
  });
});

describe("audit: sorted commitments root (checkpoints signed before the log tree)", () => {
  const steps: SynthStep[] = Array.from({ length: 13 }, (_, i) => ({ agency: 1 + (i % 2), seq: i + 1, caseRef: i % 3 ? caseA : caseB, step: 2, detail: BigInt(i), businessDate: 20000 + i, commitment: c(i + 1), block: 1 + Math.floor(i / 2) }));

  it("is the root of the inclusion proofs' StandardMerkleTree (@openzeppelin/merkle-tree) at every block", async () => {
    const r = replayed(steps);
    expect(await initFastKeccak()).to.equal(true);
    const roots = new CommitmentRoots(r.steps, keccakBytes);
    for (const block of [7, 1, 2, 3, 4, 5, 6]) {
      const lib = buildEventTree(r.steps, block).root;
      expect(roots.sortedRootAt(block), `block ${block}`).to.equal(lib);
      // As an agency computes it from its mirror's decoded columns (ethers' keccak).
      const mirror = [...r.steps].filter((s) => s.block <= block).map((s) => {
        const u = unpackStep(BigInt("0x" + s.packedHex));
        return commitmentLeafHash({ blockNumber: s.block, logIndex: s.logIndex, caseRef: s.caseRef, packedStep: packStep(u), commitment: s.commitment });
      });
      expect(commitmentsRootOf(mirror), `block ${block} from the decoded columns`).to.equal(lib);
    }
    expect(roots.sortedRootAt(0)).to.equal(EMPTY_COMMITMENTS_ROOT);
    expect(leafOf(r.steps.at(0)!)[3]).to.equal(BigInt("0x" + r.steps.at(0)!.packedHex).toString());
  });

  it("changes with any event's commitment, order-independent input, and rejects malformed fields", () => {
    const r = replayed(steps);
    const leaves = [...r.steps].map((s) => commitmentLeafHash({ blockNumber: s.block, logIndex: s.logIndex, caseRef: s.caseRef, packedStep: BigInt("0x" + s.packedHex), commitment: s.commitment }));
    const all = commitmentsRootOf(leaves);
    expect(commitmentsRootOf([...leaves].reverse())).to.equal(all);
    const changed = replayed(steps.map((s, i) => (i === 5 ? { ...s, commitment: c(99) } : s)));
    expect(new CommitmentRoots(changed.steps, keccakBytes).sortedRootAt(7)).to.not.equal(all);
    expect(new CommitmentRoots(replayed(steps.slice(0, 12)).steps, keccakBytes).sortedRootAt(7), "an event withheld").to.not.equal(all);
    expect(() => commitmentLeafHash({ blockNumber: 1, logIndex: 0, caseRef: "0x12", packedStep: 1n, commitment: c(1) })).to.throw(RangeError);
    expect(() => commitmentLeafHash({ blockNumber: 1, logIndex: 0, caseRef: caseA, packedStep: 1n << 256n, commitment: c(1) })).to.throw(RangeError);
  });
});

describe("audit: inclusion proofs v1 (sorted tree, still verified)", () => {
  const steps: SynthStep[] = [1, 2, 3, 4, 5].map((seq) => ({ agency: 1, seq, caseRef: seq % 2 ? caseA : caseB, step: 2, commitment: c(seq), block: seq }));

  it("builds the same root for the same events (fixed vector) and proves each event", () => {
    const r = replayed(steps);
    const tree = buildEventTree(r.steps, 4);
    expect(tree.length).to.equal(4);
    expect(tree.root).to.equal(buildEventTree(replayed(steps).steps, 4).root);
    expect(tree.root).to.equal("0x01a505c73e491f12a754ed3d86b70259bfdbd4c589824ca14f3b593a310a1d8a");
    for (const s of [...r.steps].slice(0, 4)) {
      const proof = proveEventV1(r.steps, s.eventId, { chainId: 4242, ledger: LEDGER, uptoBlock: 4, blockHash: "0x" + "ab".repeat(32), checkpoints: [] });
      expect(verifyInclusionProof(proof).valid).to.equal(true);
    }
    expect(() => proveEventV1(r.steps, r.steps.at(4)!.eventId, { chainId: 4242, ledger: LEDGER, uptoBlock: 4, blockHash: "0x" + "ab".repeat(32), checkpoints: [] })).to.throw(/above block 4/);
  });

  it("rejects a changed leaf, proof or root, and checks the checkpoint signatures in the proof", async () => {
    const r = replayed(steps);
    const wallet = new Wallet("0x" + "4c".repeat(32));
    const blockHash = "0x" + "ab".repeat(32);
    const root = buildEventTree(r.steps, 5).root;
    const cp = await signCheckpoint(wallet, { chainId: 4242, ledger: LEDGER, blockNumber: 5, blockHash, caseCount: 2, commitmentsRoot: root, commitmentsTree: "sorted" });
    const proof = proveEventV1(r.steps, r.steps.at(2)!.eventId, { chainId: 4242, ledger: LEDGER, uptoBlock: 5, blockHash, checkpoints: [cp] });
    expect(proof.root).to.equal(root);
    expect(verifyInclusionProof(proof, { signers: [wallet.address] })).to.deep.include({ valid: true, signers: [wallet.address] });
    // A checkpoint over another root does not vouch for this proof, nor one whose root was swapped in.
    const otherRoot = await signCheckpoint(wallet, { chainId: 4242, ledger: LEDGER, blockNumber: 5, blockHash, caseCount: 2, commitmentsRoot: c(98), commitmentsTree: "sorted" });
    expect(verifyInclusionProof({ ...proof, checkpoints: [otherRoot] }).valid).to.equal(false);
    expect(verifyInclusionProof({ ...proof, checkpoints: [{ ...otherRoot, commitmentsRoot: root }] }).valid).to.equal(false);
    // A checkpoint signed before the root was part of it still vouches for the block hash.
    const legacy = await signCheckpoint(wallet, { chainId: 4242, ledger: LEDGER, blockNumber: 5, blockHash, caseCount: 2, commitmentsRoot: null, commitmentsTree: "sorted" });
    // A checkpoint over the same root signed under the log tree's type does not vouch for a v1 proof.
    const logTyped = await signCheckpoint(wallet, { chainId: 4242, ledger: LEDGER, blockNumber: 5, blockHash, caseCount: 2, commitmentsRoot: root, commitmentsTree: "rfc6962", stepCount: 5 });
    expect(verifyInclusionProof({ ...proof, checkpoints: [logTyped] }).valid).to.equal(false);
    expect(verifyInclusionProof({ ...proof, checkpoints: [legacy] }, { signers: [wallet.address] }).valid).to.equal(true);
    expect(verifyInclusionProof({ ...proof, leaf: [proof.leaf[0], proof.leaf[1], proof.leaf[2], proof.leaf[3], c(99)] }).valid).to.equal(false);
    expect(verifyInclusionProof({ ...proof, proof: [...proof.proof].reverse() }).valid).to.equal(proof.proof.length < 2);
    expect(verifyInclusionProof(proof, { root: "0x" + "00".repeat(32) }).valid).to.equal(false);
    expect(verifyInclusionProof({ ...proof, ledgerEventId: "1" }).valid).to.equal(false);
    expect(verifyInclusionProof(proof, { signers: [Wallet.createRandom().address] }).valid).to.equal(false);
    expect(verifyInclusionProof({ ...proof, checkpoints: [{ ...cp, caseCount: 3 }] }).valid).to.equal(false);
    expect(verifyInclusionProof({ nonsense: true }).valid).to.equal(false);
  });
});

describe("audit: deployed code", () => {
  it("compares code with the artifact and the deployment record", () => {
    const code = "0x6080604052348015600f57600080fd5b50";
    expect(compareCode(code, code, { address: LEDGER }).findings).to.deep.equal([]);
    expect(compareCode(code, code.replace(/0f/, "10"), { address: LEDGER }).findings.map((f) => f.kind)).to.deep.equal(["code-mismatch"]);
    expect(compareCode("0x", code, { address: LEDGER }).findings.map((f) => f.kind)).to.deep.equal(["code-missing"]);
    expect(compareCode(code, code, { address: LEDGER, deploymentCodeHash: "0x" + "00".repeat(32) }).findings.map((f) => f.kind)).to.deep.equal(["code-differs-from-deployment-record"]);
    // only the metadata hash (CBOR at the end, length in the last two bytes) differs
    const withMeta = (h: string) => code + "a264" + h + "0004";
    expect(compareCode(withMeta("1111"), withMeta("2222"), { address: LEDGER }).findings.map((f) => [f.kind, f.severity])).to.deep.equal([["code-metadata-differs", "error"]]);
    // immutables are masked
    const withImmutable = code.slice(0, 6) + "ffff" + code.slice(10);
    expect(compareCode(withImmutable, code, { address: LEDGER, holes: [{ start: 2, length: 2 }] }).equal).to.equal(true);
  });
});
