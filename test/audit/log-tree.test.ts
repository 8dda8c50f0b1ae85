// The RFC 6962 log tree the checkpoints sign (services/shared/commitments-log-root.ts): its roots against a
// plain recursive Merkle Tree Hash and the standard known-answer vectors, the frontier's roots at every
// prefix, the audit's one-pass roots, and the v2 inclusion proofs with their offline check.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { keccak256, Wallet } from "ethers";
import { LogTreeFrontier, EMPTY_LOG_ROOT, logAuditPath, logLeafHash, rfc6962LeafHash, rfc6962NodeHash, rootFromAuditPath, toHex32 } from "../../services/shared/commitments-log-root";
import { encodeCommitmentLeaf } from "../../services/shared/commitment-leaf";
import { CommitmentRoots } from "../../services/audit/commitment-roots";
import { StepHashWorker } from "../../services/audit/step-hash-worker";
import { CaseHeadChains } from "../../services/audit/case-head-chains";
import { keccakBytes } from "../../services/shared/keccak";
import { proveEvent, proveEventV1, verifyInclusionProof, type InclusionProofV2 } from "../../services/audit/merkle";
import { packStep, unpackStep } from "../../services/shared/ledger-codec";
import { deployedReplayer, LEDGER, replayed, type SynthStep } from "./support/synthetic";
import { signCheckpoint } from "./support/sign";

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (h: string) => new Uint8Array(Buffer.from(h.replace(/^0x/, ""), "hex"));

/** RFC 6962 §2.1 as written: MTH({}) = SHA-256(), MTH({d}) = SHA-256(0x00 || d), else split at the largest power of two below n. */
function mth(data: Uint8Array[]): Uint8Array {
  const n = data.length;
  if (n === 0) return sha256();
  if (n === 1) return sha256(Uint8Array.of(0), data[0]);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return sha256(Uint8Array.of(1), mth(data.slice(0, k)), mth(data.slice(k)));
}

/** RFC 6962 §2.1.1 PATH(m, D[n]) as written. */
function pathOf(m: number, data: Uint8Array[]): Uint8Array[] {
  const n = data.length;
  if (n <= 1) return [];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m < k ? [...pathOf(m, data.slice(0, k)), mth(data.slice(k))] : [...pathOf(m - k, data.slice(k)), mth(data.slice(0, k))];
}

/** Deterministic leaf data of varying length (a xorshift, so failures reproduce). */
function leaves(n: number, seed = 1): Uint8Array[] {
  let x = seed;
  const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
  return Array.from({ length: n }, () => Uint8Array.from({ length: 1 + (next() % 40) }, () => next() & 0xff));
}

const vectors = JSON.parse(readFileSync(join(__dirname, "vectors", "rfc6962.json"), "utf8")) as {
  leafInputs: string[];
  rootsBySize: string[];
  leafHashes: string[];
  inclusionProofs: { leafIndex: number; treeSize: number; auditPath: string[] }[];
};

describe("audit: RFC 6962 log tree", () => {
  it("gives the standard known-answer roots, leaf hashes and audit paths (transparency-dev/merkle, Certificate Transparency)", () => {
    const data = vectors.leafInputs.map(unhex);
    expect(data.map((d) => hex(rfc6962LeafHash(d)))).to.deep.equal(vectors.leafHashes);
    const f = new LogTreeFrontier();
    expect(f.root()).to.equal(EMPTY_LOG_ROOT);
    expect(EMPTY_LOG_ROOT).to.equal("0x" + vectors.rootsBySize[0]);
    data.forEach((d, i) => {
      f.append(rfc6962LeafHash(d));
      expect(f.root(), `size ${i + 1}`).to.equal("0x" + vectors.rootsBySize[i + 1]);
    });
    const leafHashAt = (i: number) => rfc6962LeafHash(data[i]);
    for (const p of vectors.inclusionProofs) {
      const path = logAuditPath(leafHashAt, p.leafIndex, p.treeSize);
      expect(path.map(hex), `leaf ${p.leafIndex} of ${p.treeSize}`).to.deep.equal(p.auditPath);
      expect(hex(rootFromAuditPath(leafHashAt(p.leafIndex), p.leafIndex, p.treeSize, p.auditPath.map(unhex))!)).to.equal(vectors.rootsBySize[p.treeSize]);
    }
  });

  it("equals a recursive Merkle Tree Hash for 0..70 leaves and random larger sizes, at every prefix of the frontier", () => {
    const sizes = [...Array.from({ length: 71 }, (_, i) => i), 127, 128, 129, 255, 256, 257, 1000 + (Date.now() % 1000), 1023, 1024, 1025];
    for (const n of sizes) {
      const data = leaves(n, n + 7);
      const f = new LogTreeFrontier();
      for (const d of data) f.append(rfc6962LeafHash(d));
      expect(f.root(), `n = ${n}`).to.equal("0x" + hex(mth(data)));
      expect(f.size).to.equal(n);
    }
    // Every prefix of one growing tree: the incremental root equals the full recompute there.
    const data = leaves(300, 3);
    const f = new LogTreeFrontier();
    data.forEach((d, i) => {
      f.append(rfc6962LeafHash(d));
      expect(f.root(), `prefix ${i + 1}`).to.equal("0x" + hex(mth(data.slice(0, i + 1))));
    });
  });

  it("makes RFC 6962's audit path for every leaf of trees up to 40 leaves, and the path leads to the root", () => {
    for (let n = 1; n <= 40; n++) {
      const data = leaves(n, 11 * n);
      const root = mth(data);
      const leafHashAt = (i: number) => rfc6962LeafHash(data[i]);
      for (let m = 0; m < n; m++) {
        const path = logAuditPath(leafHashAt, m, n);
        expect(path.map(hex), `leaf ${m} of ${n}`).to.deep.equal(pathOf(m, data).map(hex));
        expect(hex(rootFromAuditPath(leafHashAt(m), m, n, path)!)).to.equal(hex(root));
      }
    }
  });

  it("rejects an audit path for a wrong index, a wrong size, a modified leaf or path, and a path too short or too long", () => {
    const data = leaves(37, 5);
    const leafHashAt = (i: number) => rfc6962LeafHash(data[i]);
    const root = hex(mth(data));
    const leads = (leaf: Uint8Array, m: number, n: number, path: Uint8Array[]) => {
      const r = rootFromAuditPath(leaf, m, n, path);
      return r !== undefined && hex(r) === root;
    };
    for (const m of [0, 1, 17, 31, 32, 36]) {
      const path = logAuditPath(leafHashAt, m, 37);
      const leaf = leafHashAt(m);
      expect(leads(leaf, m, 37, path)).to.equal(true);
      for (const wrong of [m - 1, m + 1, m ^ 2, 37, -1]) if (wrong !== m) expect(leads(leaf, wrong, 37, path), `index ${wrong} for ${m}`).to.equal(false);
      // A size whose tree gives the leaf the same path shape (leaf 0 of 36 or 38 as of 37) leads to the same
      // root: as in RFC 9162, the root, not the path, binds the size (the checkpoints sign the root).
      for (const size of [74, 18, 0]) expect(leads(leaf, m, size, path), `size ${size} for ${m}`).to.equal(false);
      expect(leads(rfc6962LeafHash(Uint8Array.of(1, 2, 3)), m, 37, path), "another leaf").to.equal(false);
      expect(leads(rfc6962NodeHash(leaf, leaf), m, 37, path), "a node hash as the leaf").to.equal(false);
      for (let i = 0; i < path.length; i++) {
        const changed = path.map((p) => Uint8Array.from(p));
        changed[i][0] ^= 8;
        expect(leads(leaf, m, 37, changed), `path[${i}] changed`).to.equal(false);
      }
      expect(leads(leaf, m, 37, path.slice(0, -1)), "a hash left out").to.equal(false);
      expect(leads(leaf, m, 37, [...path, unhex(root)]), "a hash added").to.equal(false);
      expect(leads(leaf, m, 37, [unhex(root), ...path]), "a hash put in front").to.equal(false);
    }
    expect(() => logAuditPath(leafHashAt, 37, 37)).to.throw(RangeError);
  });
});

describe("audit: commitments log root of the ledger's events", () => {
  const caseA = "0x" + "a1".repeat(32);
  const caseB = "0x" + "b2".repeat(32);
  const c = (n: number) => keccak256("0x" + n.toString(16).padStart(4, "0"));
  const steps: SynthStep[] = Array.from({ length: 29 }, (_, i) => ({ agency: 1 + (i % 2), seq: i + 1, caseRef: i % 3 ? caseA : caseB, step: 2, detail: BigInt(i), businessDate: 20000 + i, commitment: c(i + 1), block: 1 + Math.floor(i / 3) }));

  it("is the MTH over the events' abi-encoded leaves in chain order, at every block, from one pass; as an agency computes it from decoded columns", () => {
    const r = replayed(steps);
    const all = [...r.steps];
    const roots = new CommitmentRoots(r.steps, keccakBytes);
    const blocks = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const got = roots.logRootsAt([...blocks].reverse());
    for (const block of blocks) {
      const upTo = all.filter((s) => s.block <= block);
      const data = upTo.map((s) => encodeCommitmentLeaf({ blockNumber: s.block, logIndex: s.logIndex, caseRef: s.caseRef, packedStep: BigInt("0x" + s.packedHex), commitment: s.commitment }));
      expect(got.get(block), `block ${block}`).to.equal("0x" + hex(mth(data)));
      expect(roots.logRootAt(block)).to.equal(got.get(block));
      // The agency's leaf hash, from the mirror's decoded columns with the packed step rebuilt.
      const f = new LogTreeFrontier();
      for (const s of upTo) f.append(logLeafHash({ blockNumber: s.block, logIndex: s.logIndex, caseRef: s.caseRef, packedStep: packStep(unpackStep(BigInt("0x" + s.packedHex))), commitment: s.commitment }));
      expect(f.root(), `block ${block} from the decoded columns`).to.equal(got.get(block));
    }
    expect(got.get(0)).to.equal(EMPTY_LOG_ROOT);
    // Chain order matters (unlike the sorted tree), and any change or withheld event changes the root.
    const changed = replayed(steps.map((s, i) => (i === 5 ? { ...s, commitment: c(99) } : s)));
    expect(new CommitmentRoots(changed.steps, keccakBytes).logRootAt(11)).to.not.equal(got.get(11));
    expect(new CommitmentRoots(replayed(steps.slice(0, 28)).steps, keccakBytes).logRootAt(11), "an event withheld").to.not.equal(got.get(11));
    // The same leaves as the sorted tree (commitment-leaf.ts), but another tree and hash: another root.
    expect(roots.sortedRootAt(11)).to.not.equal(got.get(11));
  });

  it("comes out the same from the step-hash thread fed range by range while the chain is read, with the case heads (heights between, at and after the events)", async () => {
    const r = replayed(steps);
    const heights = [11, 0, 1, 4, 4, 7, 10, 25];
    const expected = new CommitmentRoots(r.steps, keccakBytes).logRootsAt(heights);
    const expectedHeads = new CaseHeadChains().addSteps(r.steps);
    const headsOf = (h: CaseHeadChains) => [caseA, caseB].map((ref) => h.headHex(r.cases.get(ref)!.caseNo));
    expect(headsOf(expectedHeads)[0]).to.not.equal("00".repeat(24));
    // From the replay's StepLog in one run; in three runs (as ranges arrive); and one step a run with at most
    // one step's bytes unhashed (the feeding waits for the thread each time).
    for (const [cuts, maxBytes] of [[[steps.length]], [[4, 17, steps.length]], [steps.map((_, i) => i + 1), 165]] as const) {
      for (const wanted of [heights, []]) {
        const worker = await StepHashWorker.start(wanted);
        expect(worker, "a worker thread starts").to.not.equal(undefined);
        const { gov, r: growing } = deployedReplayer();
        let done = 0;
        for (const cut of cuts) {
          gov.steps(steps.slice(done, cut));
          done = cut;
          await worker!.feed(growing.steps, maxBytes);
        }
        const got = await worker!.hashes();
        expect(got && headsOf(got.heads), `heads, ${cuts.length} runs, ${wanted.length} heights`).to.deep.equal(headsOf(expectedHeads));
        if (wanted.length === 0) expect(got!.roots.size).to.equal(0);
        else expect([...got!.roots].sort((a, b) => a[0] - b[0])).to.deep.equal([...expected].sort((a, b) => a[0] - b[0]));
      }
    }
    // A changed event changes the thread's root and its case's head as it changes the verifier's.
    const worker = await StepHashWorker.start([11]);
    await worker!.feed(replayed(steps.map((s, i) => (i === 20 ? { ...s, commitment: c(77) } : s))).steps);
    const changed = await worker!.hashes();
    expect(changed?.roots.get(11)).to.not.equal(expected.get(11));
    expect(headsOf(changed!.heads)[0], "case A's head (step 20 is case A's)").to.not.equal(headsOf(expectedHeads)[0]);
    expect(headsOf(changed!.heads)[1], "case B's head").to.equal(headsOf(expectedHeads)[1]);
  });
});

describe("audit: inclusion proofs v2 (RFC 6962 log tree)", () => {
  const caseA = "0x" + "a1".repeat(32);
  const caseB = "0x" + "b2".repeat(32);
  const c = (n: number) => keccak256("0x" + n.toString(16).padStart(4, "0"));
  const steps: SynthStep[] = Array.from({ length: 11 }, (_, i) => ({ agency: 1, seq: i + 1, caseRef: i % 2 ? caseA : caseB, step: 2, commitment: c(i + 1), block: 1 + Math.floor(i / 2) }));
  const blockHash = "0x" + "ab".repeat(32);
  const ctx = { chainId: 4242, ledger: LEDGER, uptoBlock: 5, blockHash };

  it("proves each event up to a block with the checkpoints' root and verifies offline", () => {
    const r = replayed(steps);
    const root = new CommitmentRoots(r.steps, keccakBytes).logRootAt(5);
    const upTo = [...r.steps].filter((s) => s.block <= 5);
    upTo.forEach((s, i) => {
      const proof = proveEvent(r.steps, s.eventId, { ...ctx, checkpoints: [] });
      expect(proof).to.deep.include({ format: "anker-inclusion-proof-v2", tree: "rfc6962", leafIndex: i, treeSize: upTo.length, root });
      expect(verifyInclusionProof(JSON.parse(JSON.stringify(proof))).valid, `event ${i}`).to.equal(true);
    });
    expect(() => proveEvent(r.steps, r.steps.at(10)!.eventId, { ...ctx, checkpoints: [] })).to.throw(/above block 5/);
    expect(() => proveEvent(r.steps, 12345n, { ...ctx, checkpoints: [] })).to.throw(/not on chain/);
  });

  it("rejects a wrong index or size, a changed leaf, path or root, and checks the checkpoint signatures under the log tree's type", async () => {
    const r = replayed(steps);
    const wallet = new Wallet("0x" + "4c".repeat(32));
    const root = new CommitmentRoots(r.steps, keccakBytes).logRootAt(5);
    const size = [...r.steps].filter((s) => s.block <= 5).length;
    const signed = await signCheckpoint(wallet, { chainId: 4242, ledger: LEDGER, blockNumber: 5, blockHash, caseCount: 2, commitmentsRoot: root, commitmentsTree: "rfc6962", stepCount: size });
    const cp = { ...signed, commitmentsTree: "rfc6962" as const };
    const proof = proveEvent(r.steps, r.steps.at(6)!.eventId, { ...ctx, checkpoints: [cp] });
    expect(proof.treeSize).to.equal(size);
    expect(proof.auditPath.length).to.be.greaterThan(1);
    expect(verifyInclusionProof(proof, { signers: [wallet.address], root })).to.deep.include({ valid: true, signers: [wallet.address] });
    const bad = (p: Partial<InclusionProofV2>, why: string) => expect(verifyInclusionProof({ ...proof, ...p }).valid, why).to.equal(false);
    bad({ leafIndex: proof.leafIndex + 1 }, "index + 1");
    bad({ leafIndex: proof.leafIndex - 1 }, "index - 1");
    bad({ leafIndex: proof.treeSize }, "index = size");
    bad({ treeSize: proof.treeSize * 2 }, "size * 2");
    bad({ treeSize: Math.floor(proof.treeSize / 2) }, "size / 2");
    bad({ leaf: [proof.leaf[0], proof.leaf[1], proof.leaf[2], proof.leaf[3], c(99)] }, "commitment changed");
    bad({ leaf: [proof.leaf[0], String(Number(proof.leaf[1]) + 1), proof.leaf[2], proof.leaf[3], proof.leaf[4]] }, "log index changed");
    bad({ auditPath: [...proof.auditPath].reverse() }, "path reversed");
    bad({ auditPath: proof.auditPath.map((h, i) => (i === 1 ? "0x" + "00".repeat(32) : h)) }, "path[1] changed");
    bad({ auditPath: proof.auditPath.slice(1) }, "path shortened");
    bad({ root: "0x" + "00".repeat(32) }, "root changed");
    bad({ ledgerEventId: "1" }, "another event id");
    expect(verifyInclusionProof(proof, { root: "0x" + "00".repeat(32) }).valid, "not the expected root").to.equal(false);
    expect(verifyInclusionProof(proof, { signers: [Wallet.createRandom().address] }).valid, "no trusted signer").to.equal(false);
    // A checkpoint over this root signed under the sorted tree's type does not vouch for it, nor one over another root.
    const sortedTyped = await signCheckpoint(wallet, { chainId: 4242, ledger: LEDGER, blockNumber: 5, blockHash, caseCount: 2, commitmentsRoot: root, commitmentsTree: "sorted" });
    expect(verifyInclusionProof({ ...proof, checkpoints: [{ ...sortedTyped, commitmentsTree: "rfc6962" }] }).valid).to.equal(false);
    const other = await signCheckpoint(wallet, { chainId: 4242, ledger: LEDGER, blockNumber: 5, blockHash, caseCount: 2, commitmentsRoot: c(98), commitmentsTree: "rfc6962", stepCount: size });
    expect(verifyInclusionProof({ ...proof, checkpoints: [{ ...other, commitmentsTree: "rfc6962" }] }).valid).to.equal(false);
    expect(verifyInclusionProof({ ...proof, checkpoints: [{ ...cp, caseCount: 3 }] }).valid).to.equal(false);
    // The signed size binds the proof's: a size whose path has the same shape (and so the same root) is
    // accepted by the path alone, not against a checkpoint that signed the real size.
    const sameShape = Array.from({ length: 2 * size }, (_, n) => n).filter((n) => n > proof.leafIndex && n !== size && verifyInclusionProof({ ...proof, treeSize: n, checkpoints: [] }).valid);
    expect(sameShape.length, "another size with the same path shape").to.be.greaterThan(0);
    for (const n of sameShape) expect(verifyInclusionProof({ ...proof, treeSize: n }).valid, `size ${n} against the signed ${size}`).to.equal(false);
    const wrongSize = await signCheckpoint(wallet, { chainId: 4242, ledger: LEDGER, blockNumber: 5, blockHash, caseCount: 2, commitmentsRoot: root, commitmentsTree: "rfc6962", stepCount: sameShape[0] });
    expect(verifyInclusionProof({ ...proof, checkpoints: [{ ...wrongSize, commitmentsTree: "rfc6962" }] }).valid, "a checkpoint over another size").to.equal(false);
    expect(verifyInclusionProof({ ...proof, tree: "sorted" }).valid, "another tree named").to.equal(false);
  });

  it("still verifies v1 proofs (sorted tree) next to v2", () => {
    const r = replayed(steps);
    const v1 = proveEventV1(r.steps, r.steps.at(3)!.eventId, { ...ctx, checkpoints: [] });
    const v2 = proveEvent(r.steps, r.steps.at(3)!.eventId, { ...ctx, checkpoints: [] });
    expect(verifyInclusionProof(v1).valid).to.equal(true);
    expect(verifyInclusionProof(v2).valid).to.equal(true);
    expect(v1.root).to.not.equal(v2.root);
    expect(toHex32(unhex(v2.root))).to.equal(v2.root);
  });
});
