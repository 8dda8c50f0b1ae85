// The audit's QBFT finality checks over QBFT-shaped chains built here (support/qbft-chain.ts: validator
// keys are ethers wallets, headers carry Besu's extraData, every commit seal is signed over the
// committed-seal hash as a Besu validator signs it, and every block hash is computed as Besu computes it).
// Each finding is proven on a chain that has exactly the defect it names. The validator sets are written
// out per test, not derived with the code under test.
import { expect } from "chai";
import { encodeRlp, hexlify, id, toBeArray } from "ethers";
import { encodeQbftExtraData, sortValidators, type QbftExtraData, type QbftVote } from "../../services/shared/qbft/extra-data";
import { extraDataWithoutSeals } from "../../services/audit/consensus/qbft-hashing";
import { QbftFinalityVerifier, blockHashOf, commitSeal, committedSealHash, quorumOf, recoverSealers, verifyBlockFinality } from "../../services/audit/consensus/qbft";
import { recoverSealSigner, sealRecoveryImplementation } from "../../services/audit/consensus/seal-recovery";
import { headerHash, headerRlp } from "../../services/audit/headers";
import type { Finding, RpcBlock } from "../../services/audit/types";
import { A, B, C, D, E, FOUR, X, addr, buildChain, sealsOf, withRound, withSeals } from "./support/qbft-chain";

function verify(chain: RpcBlock[], epochLength = 30000): QbftFinalityVerifier {
  const v = new QbftFinalityVerifier(chain[0], epochLength);
  for (const h of chain.slice(1)) v.push(h);
  return v;
}

const kinds = (findings: Finding[]) => findings.map((f) => `${f.blockNumber}:${f.kind}`);

describe("QBFT finality (audit as a light client)", () => {
  it("verifies a clean 4-validator chain and says how", () => {
    const v = verify(buildChain({ length: 6 }));
    expect(v.findings).to.deep.equal([]);
    expect(v.describe()).to.equal("BFT finality verified: 6 blocks, each sealed by ≥ 3 of 4 validators");
    expect(v.summary()).to.deep.include({ blocks: 6, validatorCounts: [4] });
  });

  it("hashes as Besu: genesis as it is, later blocks without seals and round (not the plain Ethereum hash)", () => {
    const chain = buildChain({ length: 2, blocks: { 2: { round: 3 } } });
    expect(blockHashOf(chain[0])).to.equal(headerHash(chain[0]));
    for (const h of chain.slice(1)) expect(blockHashOf(h)).to.not.equal(headerHash(h));
    // The block hash leaves the round out; the committed-seal hash covers it.
    expect(committedSealHash(chain[1])).to.equal(blockHashOf(chain[1]));
    expect(committedSealHash(chain[2])).to.not.equal(blockHashOf(chain[2]));
    expect(recoverSealers(chain[2]).map((r) => r.signer)).to.deep.equal(FOUR.map(addr));
  });

  it("recovers each seal's signer alike with libsecp256k1 and with ethers, and refuses a malformed seal in both", () => {
    // The audit loads the native build where it can; the machines that run these tests have it.
    expect(sealRecoveryImplementation).to.equal("native");
    const chain = buildChain({ length: 3, blocks: { 2: { round: 2 }, 3: { sealers: [A, X] } } });
    for (const h of chain.slice(1)) {
      const digest = committedSealHash(h);
      const signers = sealsOf(h).map((s) => [recoverSealSigner(digest, s, "native"), recoverSealSigner(digest, s, "js")]);
      for (const [native, js] of signers) expect(native).to.equal(js);
    }
    expect(sealsOf(chain[3]).map((s) => recoverSealSigner(committedSealHash(chain[3]), s))).to.deep.equal([addr(A), addr(X)]);
    const seal = sealsOf(chain[1])[0];
    for (const impl of ["native", "js"] as const) {
      expect(() => recoverSealSigner(committedSealHash(chain[1]), seal.slice(0, -2) + "1b", impl)).to.throw(/recovery id 27/);
      expect(() => recoverSealSigner(committedSealHash(chain[1]), "0x" + "00".repeat(64) + "00", impl)).to.throw();
    }
  });

  it("encodes a header's RLP byte for byte as ethers' general encoder does (both hashes are built from it)", () => {
    const chain = buildChain({ length: 2 });
    const shapes: RpcBlock[] = [
      chain[0],
      chain[2],
      // one-byte values below and above 0x80, a long integer, a long extraData, every later fork's field
      { ...chain[1], difficulty: "0x7f", gasUsed: "0x80", number: "0x1", timestamp: "0x" + "ff".repeat(8), extraData: "0x" + "ab".repeat(300), withdrawalsRoot: id("w"), blobGasUsed: "0x0", excessBlobGas: "0x20000", parentBeaconBlockRoot: id("b"), requestsHash: id("r") },
      { ...chain[1], extraData: "0x", baseFeePerGas: "0x3b9aca00" },
    ];
    for (const h of shapes) {
      const fields = [h.parentHash, h.sha3Uncles, h.miner, h.stateRoot, h.transactionsRoot, h.receiptsRoot, h.logsBloom, toBeArray(BigInt(h.difficulty)), toBeArray(BigInt(h.number)), toBeArray(BigInt(h.gasLimit)), toBeArray(BigInt(h.gasUsed)), toBeArray(BigInt(h.timestamp)), h.extraData, h.mixHash, h.nonce];
      for (const [k, int] of [["baseFeePerGas", true], ["withdrawalsRoot", false], ["blobGasUsed", true], ["excessBlobGas", true], ["parentBeaconBlockRoot", false], ["requestsHash", false]] as const) {
        if (typeof h[k] === "string") fields.push(int ? toBeArray(BigInt(h[k] as string)) : (h[k] as string));
      }
      expect(headerRlp(h)).to.equal(encodeRlp(fields.map((f) => (typeof f === "string" ? f : hexlify(f)))));
    }
    expect(() => headerRlp({ ...chain[1], stateRoot: "0x12g4" })).to.throw(/stateRoot is not 0x-hex bytes/);
    expect(() => headerRlp({ ...chain[1], stateRoot: "0x123" })).to.throw(/stateRoot is not 0x-hex bytes/);
  });

  it("re-encodes extraData for the two hashes byte for byte as the codec does (votes, rounds, seals)", () => {
    const base: QbftExtraData = { vanity: id("vanity"), validators: sortValidators(FOUR.map(addr)), vote: null, round: 0, seals: [] };
    const chain = buildChain({ length: 1 });
    const shapes: QbftExtraData[] = [
      base,
      { ...base, vote: { recipient: addr(E), kind: "add" }, round: 1 },
      { ...base, vote: { recipient: addr(D), kind: "drop" }, round: 0xfedcba },
      { ...base, validators: [], round: 0x80, seals: sealsOf(chain[1]) },
      { ...base, validators: [...base.validators, ...base.validators, ...base.validators], round: 0x7fffffff },
    ];
    for (const e of shapes) {
      for (const encoding of ["for-block-hash", "without-seals"] as const) {
        expect("0x" + extraDataWithoutSeals(e, encoding).toString("hex")).to.equal(encodeQbftExtraData(e, encoding));
      }
    }
  });

  it("quorum is ⌈2n/3⌉ as Besu's calculateRequiredValidatorQuorum", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(quorumOf)).to.deep.equal([1, 2, 2, 3, 4, 4, 5, 7]);
  });

  it("finds a seal by a non-validator, which does not count towards the quorum", () => {
    const v = verify(buildChain({ length: 4, blocks: { 3: { sealers: [A, B, X] } } }));
    expect(kinds(v.findings)).to.deep.equal(["3:qbft-seal-not-by-validator", "3:qbft-quorum-missing"]);
    expect(v.findings[0].details).to.deep.equal({ signer: addr(X) });
  });

  it("finds too few seals", () => {
    const v = verify(buildChain({ length: 4, blocks: { 2: { sealers: [A, B] } } }));
    expect(kinds(v.findings)).to.deep.equal(["2:qbft-quorum-missing"]);
    expect(v.findings[0].details).to.deep.equal({ sealers: 2, quorum: 3, validators: 4 });
    expect(v.describe()).to.match(/^BFT finality NOT verified/);
  });

  it("finds a duplicated seal, also when the quorum is reached without it (Besu rejects such a block)", () => {
    const short = verify(buildChain({ length: 3, blocks: { 2: { sealers: [A, A, B] } } }));
    expect(kinds(short.findings)).to.deep.equal(["2:qbft-seal-duplicated", "2:qbft-quorum-missing"]);
    const enough = verify(buildChain({ length: 3, blocks: { 2: { sealers: [A, B, C, C] } } }));
    expect(kinds(enough.findings)).to.deep.equal(["2:qbft-seal-duplicated"]);
  });

  it("finds a seal made by a validator over a different header", () => {
    const chain = buildChain({ length: 4, blocks: { 3: { sealers: [A, B] } } });
    // C signs block 3 with another state root; the seal is moved into the real block 3.
    const other = { ...chain[3], stateRoot: id("other state") };
    const foreign = commitSeal(other, C.signingKey);
    const r = verifyBlockFinality(withSeals(chain[3], [...sealsOf(chain[3]), foreign]), FOUR.map(addr));
    expect(kinds(r.findings)).to.deep.equal(["3:qbft-seal-not-by-validator", "3:qbft-quorum-missing"]);
    expect(r.sealers).to.deep.equal([addr(A), addr(B)]);
  });

  it("finds a validator added without a vote", () => {
    // No votes at all, yet from block 3 on the extraData lists E, E seals, and E proposes block 4.
    const v = verify(buildChain({ length: 4, setFor: (n) => (n >= 3 ? [...FOUR, E] : FOUR), blocks: { 4: { proposer: E } } }));
    expect(kinds(v.findings)).to.deep.equal([
      "3:qbft-validator-added-without-vote",
      "3:qbft-seal-not-by-validator",
      "4:qbft-validator-added-without-vote",
      "4:qbft-proposer-not-validator",
      "4:qbft-seal-not-by-validator",
    ]);
  });

  it("finds a changed validator list in extraData (one swapped, order broken)", () => {
    const swapped = sortValidators([addr(A), addr(B), addr(C), addr(X)]);
    const unsorted = [...sortValidators(FOUR.map(addr))].reverse();
    const v = verify(buildChain({ length: 3, blocks: { 2: { listed: swapped }, 3: { listed: unsorted } } }));
    expect(kinds(v.findings)).to.have.members(["2:qbft-validator-added-without-vote", "2:qbft-validator-removed-without-vote", "3:qbft-validators-unsorted"]);
    expect(v.findings.find((f) => f.kind === "qbft-validator-removed-without-vote")?.details).to.deep.equal({ validator: addr(D) });
  });

  it("finds a header a forger changed and re-hashed (with the seals kept, or stripped): the hashes link, the seals do not", () => {
    const chain = buildChain({ length: 5 });
    for (const strip of [false, true]) {
      const forged = chain.map((h) => ({ ...h }));
      forged[3] = { ...forged[3], stateRoot: id("rewritten state") };
      if (strip) forged[3] = withSeals(forged[3], []);
      // The forger re-hashes block 3 and re-links the blocks after it, as Besu hashes them (without seals).
      for (let n = 3; n < forged.length; n++) {
        if (n > 3) forged[n] = { ...forged[n], parentHash: forged[n - 1].hash };
        forged[n] = { ...forged[n], hash: blockHashOf(forged[n]) };
      }
      const v = verify(forged);
      const found = kinds(v.findings);
      expect(found.filter((k) => /hash-mismatch|link-broken/.test(k))).to.deep.equal([]);
      expect(found).to.include("3:qbft-quorum-missing");
      // The re-linked successors carry seals over their old parent hash: none of them is final either.
      expect(found).to.include.members(["4:qbft-quorum-missing", "5:qbft-quorum-missing"]);
      if (!strip) expect(found).to.include("3:qbft-seal-not-by-validator");
    }
  });

  it("finds a stated hash that is the plain Ethereum hash, and the broken link after it", () => {
    const chain = buildChain({ length: 3 });
    chain[2] = { ...chain[2], hash: headerHash(chain[2]) };
    chain[3] = { ...chain[3], parentHash: chain[2].hash };
    const found = kinds(verify(chain).findings);
    expect(found).to.include.members(["2:qbft-header-hash-mismatch", "3:qbft-header-link-broken"]);
  });

  it("finds a change of round after sealing (the block hash stays, the seals break)", () => {
    const chain = buildChain({ length: 2 });
    const resealed = withRound(chain[2], 1);
    expect(blockHashOf(resealed)).to.equal(chain[2].hash);
    expect(kinds(verifyBlockFinality(resealed, FOUR.map(addr)).findings)).to.deep.equal(["2:qbft-seal-not-by-validator", "2:qbft-seal-not-by-validator", "2:qbft-seal-not-by-validator", "2:qbft-seal-not-by-validator", "2:qbft-quorum-missing"]);
  });

  describe("validator set through the votes (Besu's VoteTally)", () => {
    it("adds a validator once floor(n/2)+1 validators voted for it; the next blocks need ⌈2·5/3⌉ = 4 seals", () => {
      const vote: QbftVote = { recipient: addr(E), kind: "add" };
      const five = [...FOUR, E];
      const v = verify(buildChain({ length: 5, setFor: (n) => (n >= 4 ? five : FOUR), blocks: { 1: { proposer: A, vote }, 2: { proposer: B, vote }, 3: { proposer: C, vote } } }));
      expect(v.findings).to.deep.equal([]);
      expect(v.validators).to.deep.equal(sortValidators(five.map(addr)));
      expect(v.describe()).to.equal("BFT finality verified: 5 blocks, each sealed by ≥ ⌈2n/3⌉ of its n validators (n from 4 to 5)");
      // Three seals are no longer enough with five validators.
      const short = verify(buildChain({ length: 5, setFor: (n) => (n >= 4 ? five : FOUR), blocks: { 1: { proposer: A, vote }, 2: { proposer: B, vote }, 3: { proposer: C, vote }, 5: { sealers: [A, B, C] } } }));
      expect(kinds(short.findings)).to.deep.equal(["5:qbft-quorum-missing"]);
    });

    it("does not add on two of four votes, nor on votes from the same proposer repeated", () => {
      const vote: QbftVote = { recipient: addr(E), kind: "add" };
      const v = verify(buildChain({ length: 5, setFor: (n) => (n >= 4 ? [...FOUR, E] : FOUR), blocks: { 1: { proposer: A, vote }, 2: { proposer: B, vote }, 3: { proposer: B, vote } } }));
      expect(kinds(v.findings)).to.include("4:qbft-validator-added-without-vote");
    });

    it("drops a validator on three of four drop votes; then 2 of 3 seals suffice and the dropped one's seal is an outsider's", () => {
      const vote: QbftVote = { recipient: addr(D), kind: "drop" };
      const three = [A, B, C];
      const v = verify(buildChain({ length: 5, setFor: (n) => (n >= 4 ? three : FOUR), blocks: { 1: { proposer: A, vote }, 2: { proposer: B, vote }, 3: { proposer: C, vote }, 4: { sealers: [A, B] }, 5: { sealers: [A, B, D] } } }));
      expect(kinds(v.findings)).to.deep.equal(["5:qbft-seal-not-by-validator"]);
      expect(v.validators).to.deep.equal(sortValidators(three.map(addr)));
    });

    it("discards outstanding votes at an epoch block and ignores the epoch block's own vote", () => {
      const vote: QbftVote = { recipient: addr(E), kind: "add" };
      // epoch length 4: votes at 2 and 3 are discarded at 4, the vote in 4 is not counted, 5 is one vote.
      const plan = { 2: { proposer: A, vote }, 3: { proposer: B, vote }, 4: { proposer: C, vote }, 5: { proposer: D, vote } };
      const kept = verify(buildChain({ length: 6, blocks: plan }), 4);
      expect(kept.findings).to.deep.equal([]);
      expect(kept.validators).to.deep.equal(sortValidators(FOUR.map(addr)));
      const added = verify(buildChain({ length: 6, setFor: (n) => (n >= 5 ? [...FOUR, E] : FOUR), blocks: plan }), 4);
      expect(kinds(added.findings)).to.include("5:qbft-validator-added-without-vote");
      // Without the epoch boundary the same votes (A, B, C) add E after block 4.
      const noEpoch = verify(buildChain({ length: 6, setFor: (n) => (n >= 5 ? [...FOUR, E] : FOUR), blocks: plan }));
      expect(noEpoch.findings).to.deep.equal([]);
    });

    it("starts only from an epoch block", () => {
      const chain = buildChain({ length: 3 });
      expect(() => new QbftFinalityVerifier(chain[2], 4)).to.throw(/not an epoch block/);
    });
  });
});
