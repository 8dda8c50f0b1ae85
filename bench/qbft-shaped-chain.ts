// The benchmark's anvil chain re-shaped as a Hyperledger Besu QBFT chain (bench/qbft-shaped-node.ts serves
// it): every header carries Besu's QBFT extraData (zero vanity, four validators, no vote, round 0, the
// commit seals of a quorum over the committed-seal hash), is hashed as Besu hashes it and linked by those
// hashes; block 0 lists the validator set. A quorum, not all four: Besu imports a block as soon as its
// round has a quorum of commits, with those commits' seals (QbftRound.importBlockToChain, called once when
// RoundState.isCommitted() first turns true, with RoundState.getCommitSeals()), so its blocks carry
// ⌈2n/3⌉ seals: 3 of 4, the proposer's and the next validators' in turn here. With `blocksPerBlock` K > 1 the chain is spread over K times more
// blocks, as a network with a fixed block period makes them: anvil block a is QBFT block a·K, and the K - 1
// blocks before it are empty (no transactions, no logs, the state of the block before), each sealed too.
// So the audit's seal checks meet a realistic block count while its events stay the same.
// The header fields are those of the network kit's genesis (London, Shanghai and Cancun, as anvil's
// --hardfork cancun has them; no Prague). An empty block keeps the timestamp of the block before
// it (Besu would space them by the block period; the audit checks no timestamps, and keeping the real
// blocks' times keeps the compliance figures of the plain bench).
// The encoding and hashing are the project's own (services/shared/qbft, services/audit/consensus), which
// the audit's tests hold to Besu's vector; the seals are made by libsecp256k1 (the `secp256k1` package),
// which signs as ethers does (RFC 6979, low s) about twenty times faster, so that 250,000 blocks seal in
// about a minute.
import { Wallet, id } from "ethers";
import secp256k1 from "secp256k1";
import { SEAL_BYTES, decodeQbftExtraData, encodeQbftExtraData, genesisExtraData, sortValidators, type QbftExtraData } from "../services/shared/qbft/extra-data";
import { blockHashOf, qbftHashes, quorumOf } from "../services/audit/consensus/qbft";
import { rlpOfBytes, rlpOfList } from "../services/audit/headers";
import type { RpcBlock } from "../services/audit/types";

/** Besu's mixHash of BFT blocks ("ctical byzantine fault tolerance"). */
const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
const EMPTY_TRIE = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
const EMPTY_BLOOM = "0x" + "00".repeat(256);
const ZERO_ADDRESS = "0x" + "00".repeat(20);
/** Prague's header field, which a chain of the kit's genesis (Cancun) does not have. */
const NOT_IN_KIT_GENESIS = ["requestsHash"];

/** The bench's four validators, from fixed seeds (a benchmark chain, not a network's keys). */
export const BENCH_VALIDATOR_KEYS = [0, 1, 2, 3].map((i) => new Wallet(id(`anker-bench-qbft-validator-${i}`)));

const hex = (n: number) => "0x" + n.toString(16);

/** An anvil block as eth_getBlockByNumber(n, false) gives it: header fields, transaction hashes and the rest. */
export type NodeBlock = RpcBlock & { transactions?: unknown[]; [field: string]: unknown };

export class QbftShapedChain {
  /** the highest QBFT block number */
  readonly head: number;
  readonly validators: string[];
  private readonly keys: Buffer[];
  private readonly extra: QbftExtraData;
  /** extraData without seals (round 0), and block 0's */
  private readonly unsealedExtra: string;
  private readonly genesisExtra: string;
  /** the encoded extraData items before the seal list: vanity, validators, vote, round */
  private readonly extraPrefix: Buffer[];
  /** Besu's block hash of every block, 32 bytes each */
  private readonly hashes: Buffer;
  /** the commit seals of every block: `sealers` of them, the proposer's first */
  private readonly seals: Buffer;
  /** seals a block carries: a quorum of the validators */
  readonly sealers: number;

  /**
   * @param anvil the anvil chain's blocks 0..head, in order
   * @param blocksPerBlock K: QBFT blocks per anvil block
   */
  constructor(
    private readonly anvil: readonly NodeBlock[],
    readonly blocksPerBlock: number,
    wallets: readonly Wallet[] = BENCH_VALIDATOR_KEYS,
  ) {
    if (!Number.isInteger(blocksPerBlock) || blocksPerBlock < 1) throw new Error(`blocks per block: a positive integer, not ${blocksPerBlock}`);
    this.head = (anvil.length - 1) * blocksPerBlock;
    // sorted, as Besu lists them; the keys in the same order
    const byAddress = [...wallets].sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
    this.validators = sortValidators(byAddress.map((w) => w.address));
    this.keys = byAddress.map((w) => Buffer.from(w.privateKey.slice(2), "hex"));
    this.extra = { vanity: "0x" + "00".repeat(32), validators: this.validators, vote: null, round: 0, seals: [] };
    this.unsealedExtra = encodeQbftExtraData(this.extra);
    this.genesisExtra = genesisExtraData(this.validators);
    this.extraPrefix = [rlpOfBytes(Buffer.alloc(32)), rlpOfList(this.validators.map((v) => rlpOfBytes(Buffer.from(v.slice(2), "hex")))), rlpOfList([]), rlpOfBytes(Buffer.alloc(0))];
    this.hashes = Buffer.alloc(32 * (this.head + 1));
    this.sealers = quorumOf(this.keys.length);
    this.seals = Buffer.alloc(SEAL_BYTES * this.sealers * (this.head + 1));
    this.seal();
  }

  /** The QBFT block number of anvil block `a`. */
  numberOf(anvilBlock: number): number {
    return anvilBlock * this.blocksPerBlock;
  }

  /** The anvil block whose state QBFT block `n` has: the last real block at or before it. */
  anvilBlockAt(n: number): number {
    return Math.floor(n / this.blocksPerBlock);
  }

  hashAt(n: number): string {
    return "0x" + this.hashes.toString("hex", 32 * n, 32 * (n + 1));
  }

  /** QBFT block `n` as eth_getBlockByNumber(n, false) answers it; undefined beyond the head. */
  block(n: number): NodeBlock | undefined {
    if (!Number.isInteger(n) || n < 0 || n > this.head) return undefined;
    const b = this.fields(n);
    b.extraData = n === 0 ? b.extraData : this.sealedExtraData(n);
    b.hash = this.hashAt(n);
    return b;
  }

  /** The header fields of block `n`, with extraData without seals (what its hashes cover). */
  private fields(n: number): NodeBlock {
    const k = this.blocksPerBlock;
    const real = n % k === 0;
    const src = this.anvil[real ? n / k : Math.floor(n / k)];
    const b: NodeBlock = { ...src, number: hex(n), difficulty: "0x1", mixHash: BFT_MIX_HASH, nonce: "0x0000000000000000" };
    for (const f of NOT_IN_KIT_GENESIS) delete b[f];
    delete b.totalDifficulty;
    delete b.size;
    if (n === 0) return { ...b, miner: ZERO_ADDRESS, extraData: this.genesisExtra };
    b.parentHash = this.hashAt(n - 1);
    // round-robin proposer, as Besu rotates it
    b.miner = this.validators[n % this.validators.length];
    b.extraData = this.unsealedExtra;
    if (!real) {
      Object.assign(b, { transactionsRoot: EMPTY_TRIE, receiptsRoot: EMPTY_TRIE, logsBloom: EMPTY_BLOOM, gasUsed: "0x0", transactions: [] });
      if (b.blobGasUsed !== undefined) b.blobGasUsed = "0x0";
      if (b.withdrawalsRoot !== undefined) b.withdrawalsRoot = EMPTY_TRIE;
    }
    return b;
  }

  /** The validators (by index in `validators`) that seal block `n`, in seal order: its proposer's first. */
  sealersOf(n: number): number[] {
    return Array.from({ length: this.sealers }, (_, j) => (n + j) % this.validators.length);
  }

  private sealedExtraData(n: number): string {
    const per = SEAL_BYTES * this.sealers;
    const seals: Buffer[] = [];
    for (let i = 0; i < this.sealers; i++) seals.push(rlpOfBytes(this.seals.subarray(n * per + i * SEAL_BYTES, n * per + (i + 1) * SEAL_BYTES)));
    return "0x" + rlpOfList([...this.extraPrefix, rlpOfList(seals)]).toString("hex");
  }

  /** Hashes and seals every block in order (each links its parent's hash). */
  private seal(): void {
    const per = SEAL_BYTES * this.sealers;
    const genesis = this.fields(0);
    this.hashes.write(blockHashOf(genesis).slice(2), 0, "hex");
    for (let n = 1; n <= this.head; n++) {
      const header = this.fields(n);
      // round 0: the block hash and the committed-seal hash are the same bytes
      const { blockHash, sealHash } = qbftHashes(header, this.extra);
      this.hashes.write(blockHash.slice(2), 32 * n, "hex");
      const digest = Buffer.from(sealHash.slice(2), "hex");
      for (const [i, v] of this.sealersOf(n).entries()) {
        const { signature, recid } = secp256k1.ecdsaSign(digest, this.keys[v]);
        const at = n * per + i * SEAL_BYTES;
        this.seals.set(signature, at);
        this.seals[at + 64] = recid;
      }
      if (n === 1) {
        // the fast extraData encoding must be the codec's
        const fast = this.sealedExtraData(1);
        if (encodeQbftExtraData({ ...this.extra, seals: decodeQbftExtraData(fast).seals }) !== fast) throw new Error("the QBFT-shaped chain's extraData differs from the codec's encoding");
      }
    }
  }
}
