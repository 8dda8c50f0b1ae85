// QBFT-shaped chains for the audit's tests: validator keys are ethers wallets, headers carry Besu's
// extraData, every commit seal is signed over the committed-seal hash as a Besu validator signs it, and
// every block hash is computed as Besu computes it. The validator sets are written out per test, not
// derived with the code under test.
import { Wallet, id, type SigningKey } from "ethers";
import { decodeQbftExtraData, encodeQbftExtraData, genesisExtraData, sortValidators, type QbftExtraData, type QbftVote } from "../../../services/shared/qbft/extra-data";
import { blockHashOf, commitSeal } from "../../../services/audit/consensus/qbft";
import type { RpcBlock } from "../../../services/audit/types";

export const wallet = (name: string) => new Wallet(id(`qbft-test-${name}`));
export const [A, B, C, D, E, X] = ["A", "B", "C", "D", "E", "X"].map(wallet);
export const FOUR = [A, B, C, D];
export const addr = (w: Wallet) => w.address.toLowerCase();
const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
const EMPTY_TRIE = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
export const hex = (n: number) => "0x" + n.toString(16);

export interface BlockPlan {
  /** the validator list written into extraData (default: the chain's set for that block) */
  listed?: string[];
  proposer?: Wallet;
  vote?: QbftVote;
  round?: number;
  /** who seals (default: every validator of the set) */
  sealers?: Wallet[];
}

export interface ChainPlan {
  length: number;
  /** the validator set block n must be sealed by, written out by the test */
  setFor?: (n: number) => Wallet[];
  blocks?: Record<number, BlockPlan>;
}

export function baseHeader(n: number, parentHash: string, proposer: string, extraData: string): RpcBlock {
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
export function seal(header: RpcBlock, extra: QbftExtraData, sealers: SigningKey[]): RpcBlock {
  const unsealed = { ...header, extraData: encodeQbftExtraData({ ...extra, seals: [] }) };
  const seals = sealers.map((k) => commitSeal(unsealed, k, extra));
  const sealed = { ...header, extraData: encodeQbftExtraData({ ...extra, seals }) };
  return { ...sealed, hash: blockHashOf(sealed) };
}

export function buildChain(plan: ChainPlan): RpcBlock[] {
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


export function sealsOf(h: RpcBlock): string[] {
  return decodeQbftExtraData(h.extraData).seals;
}

/** The header with one part of its extraData changed and nothing else (the stated hash is kept). */
export function reencode(h: RpcBlock, change: (e: QbftExtraData) => QbftExtraData): RpcBlock {
  return { ...h, extraData: encodeQbftExtraData(change(decodeQbftExtraData(h.extraData))) };
}

export function withSeals(h: RpcBlock, seals: string[]): RpcBlock {
  return reencode(h, (e) => ({ ...e, seals }));
}

export function withRound(h: RpcBlock, round: number): RpcBlock {
  return reencode(h, (e) => ({ ...e, round }));
}
