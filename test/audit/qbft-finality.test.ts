// The audit's QBFT finality checks over QBFT-shaped chains built here: validator keys are ethers
// wallets, headers carry Besu's extraData, every commit seal is signed over the committed-seal hash as a
// Besu validator signs it, and every block hash is computed as Besu computes it. Each finding is proven
// on a chain that has exactly the defect it names. The validator sets are written out per test, not
// derived with the code under test.
import { expect } from "chai";
import { Wallet, id, type SigningKey } from "ethers";
import { decodeQbftExtraData, encodeQbftExtraData, genesisExtraData, sortValidators, type QbftExtraData, type QbftVote } from "../../services/shared/qbft/extra-data";
import { QbftFinalityVerifier, blockHashOf, commitSeal, committedSealHash, quorumOf, recoverSealers, verifyBlockFinality } from "../../services/audit/consensus/qbft";
import { headerHash } from "../../services/audit/headers";
import type { Finding, RpcBlock } from "../../services/audit/types";

const wallet = (name: string) => new Wallet(id(`qbft-test-${name}`));
const [A, B, C, D, E, X] = ["A", "B", "C", "D", "E", "X"].map(wallet);
const FOUR = [A, B, C, D];
const addr = (w: Wallet) => w.address.toLowerCase();
const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
const EMPTY_TRIE = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
const hex = (n: number) => "0x" + n.toString(16);

interface BlockPlan {
  /** the validator list written into extraData (default: the chain's set for that block) */
  listed?: string[];
  proposer?: Wallet;
  vote?: QbftVote;
  round?: number;
  /** who seals (default: every validator of the set) */
  sealers?: Wallet[];
}

interface ChainPlan {
  length: number;
  /** the validator set block n must be sealed by, written out by the test */
  setFor?: (n: number) => Wallet[];
  blocks?: Record<number, BlockPlan>;
}

function baseHeader(n: number, parentHash: string, proposer: string, extraData: string): RpcBlock {
  return {
    hash: "0x",
    parentHash,
    sha3Uncles: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
    miner: proposer,
    stateRoot: id(`state-${n}`),
    transactionsRoot: EMPTY_TRIE,
    receiptsRoot: EMPTY_TRIE,
    logsBloom: "0x" + "00".repeat(256),
    difficulty: "0x1",
    number: hex(n),
    gasLimit: "0x1fffffffffffff",
    gasUsed: "0x0",
    timestamp: hex(1_700_000_000 + 5 * n),
    extraData,
    mixHash: BFT_MIX_HASH,
    nonce: "0x0000000000000000",
    baseFeePerGas: "0x0",
  };
}

/** Seals a header per Besu: each sealer signs the committed-seal hash; the seals go into extraData; the hash is Besu's. */
function seal(header: RpcBlock, extra: QbftExtraData, sealers: SigningKey[]): RpcBlock {
  const unsealed = { ...header, extraData: encodeQbftExtraData({ ...extra, seals: [] }) };
  const seals = sealers.map((k) => commitSeal(unsealed, k, extra));
  const sealed = { ...header, extraData: encodeQbftExtraData({ ...extra, seals }) };
  return { ...sealed, hash: blockHashOf(sealed) };
}

function buildChain(plan: ChainPlan): RpcBlock[] {
  const setFor = plan.setFor ?? (() => FOUR);
  const genesisSet = setFor(0).map(addr);
  const genesis = baseHeader(0, "0x" + "00".repeat(32), "0x" + "00".repeat(20), genesisExtraData(sortValidators(genesisSet)));
  const chain = [{ ...genesis, hash: blockHashOf(genesis) }];
  for (let n = 1; n <= plan.length; n++) {
    const set = setFor(n);
    const p = plan.blocks?.[n] ?? {};
    const proposer = p.proposer ?? set[n % set.length];
    const extra: QbftExtraData = { vanity: "0x" + "00".repeat(32), validators: p.listed ?? sortValidators(set.map(addr)), vote: p.vote ?? null, round: p.round ?? 0, seals: [] };
    const header = baseHeader(n, chain[n - 1].hash, addr(proposer), encodeQbftExtraData(extra));
    chain.push(seal(header, extra, (p.sealers ?? set).map((w) => w.signingKey)));
  }
  return chain;
}

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

function sealsOf(h: RpcBlock): string[] {
  return decodeQbftExtraData(h.extraData).seals;
}

/** The header with one part of its extraData changed and nothing else (the stated hash is kept). */
function reencode(h: RpcBlock, change: (e: QbftExtraData) => QbftExtraData): RpcBlock {
  return { ...h, extraData: encodeQbftExtraData(change(decodeQbftExtraData(h.extraData))) };
}

function withSeals(h: RpcBlock, seals: string[]): RpcBlock {
  return reencode(h, (e) => ({ ...e, seals }));
}

function withRound(h: RpcBlock, round: number): RpcBlock {
  return reencode(h, (e) => ({ ...e, round }));
}
