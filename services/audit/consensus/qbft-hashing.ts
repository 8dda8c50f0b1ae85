// Block hashes and commit-seal hashes of a Hyperledger Besu QBFT chain, computed from a header's fields
// as Besu does (hyperledger/besu, consensus/common/.../bft/BftBlockHashing.java):
// - the on-chain block hash is keccak of the ordinary header RLP with extraData re-encoded with round 0
//   and an empty seal list (calculateHashOfBftBlockOnChain); block 0 is hashed as it is;
// - each validator's commit seal signs keccak of the header RLP with extraData re-encoded with the real
//   round and an empty seal list (calculateDataHashForCommittedSeal);
// - the sealer of a commit seal is the address recovered from it over that hash (recoverCommitterAddresses).
// The seals are left out of the block hash because they are collected after the block is proposed;
// so the hash alone proves nothing about finality, and the seals have to be checked on their own.
// Pure functions, no I/O.
import type { SigningKey } from "ethers";
import { decodeQbftExtraData, type QbftExtraData } from "../../shared/qbft/extra-data";
import { EXTRA_DATA_INDEX, headerItems, rlpOfBytes, rlpOfList } from "../headers";
import { keccakHex } from "../../shared/keccak";
import { recoverSealSigner } from "./seal-recovery";
import type { RpcBlock } from "../types";

const bytesOf = (hex: string) => Buffer.from(hex.slice(2), "hex");
const EMPTY_LIST = rlpOfList([]);
const ADD_VOTE = rlpOfBytes(Uint8Array.of(0xff));
const DROP_VOTE = rlpOfBytes(new Uint8Array(0));

/**
 * The RLP of extraData with the seal list emptied, and round 0 ("for-block-hash") or the real round
 * ("without-seals"): the same bytes as encodeQbftExtraData gives for those encodings (the tests compare
 * them), built from bytes because the codec's address checksums took most of a block's hashing time.
 */
export function extraDataWithoutSeals(data: QbftExtraData, encoding: "for-block-hash" | "without-seals"): Buffer {
  const round = encoding === "for-block-hash" ? 0 : data.round;
  const roundHex = round === 0 ? "" : round.toString(16);
  const vote = data.vote ? rlpOfList([rlpOfBytes(bytesOf(data.vote.recipient)), data.vote.kind === "add" ? ADD_VOTE : DROP_VOTE]) : EMPTY_LIST;
  return rlpOfList([
    rlpOfBytes(bytesOf(data.vanity)),
    rlpOfList(data.validators.map((v) => rlpOfBytes(bytesOf(v)))),
    vote,
    rlpOfBytes(Buffer.from(roundHex.length % 2 ? "0" + roundHex : roundHex, "hex")),
    EMPTY_LIST,
  ]);
}

/** keccak of the header's RLP with `extraData` in place of its own; `items` are the header's encoded fields. */
function hashWith(items: readonly Buffer[], extraData: Uint8Array): string {
  const withExtra = items.slice();
  withExtra[EXTRA_DATA_INDEX] = rlpOfBytes(extraData);
  return "0x" + keccakHex(rlpOfList(withExtra));
}

/**
 * Both hashes of a QBFT header from one encoding of its fields: the block hash (round 0, no seals; block 0
 * as it is) and the committed-seal hash (real round, no seals). Throws when a non-genesis header's
 * extraData is not QBFT extraData.
 */
export function qbftHashes(header: RpcBlock, extra?: QbftExtraData): { blockHash: string; sealHash: string } {
  const items = headerItems(header);
  if (BigInt(header.number) === 0n) {
    const hash = "0x" + keccakHex(rlpOfList(items));
    return { blockHash: hash, sealHash: hash };
  }
  const data = extra ?? decodeQbftExtraData(header.extraData);
  const blockHash = hashWith(items, extraDataWithoutSeals(data, "for-block-hash"));
  // With round 0 both encodings are the same bytes: one hash serves both.
  const sealHash = data.round === 0 ? blockHash : hashWith(items, extraDataWithoutSeals(data, "without-seals"));
  return { blockHash, sealHash };
}

/** The block hash as Besu QBFT computes it; throws when a non-genesis header's extraData is not QBFT extraData. */
export function blockHashOf(header: RpcBlock, extra?: QbftExtraData): string {
  return qbftHashes(header, extra).blockHash;
}

/** The hash every commit seal of this header signs: the real round, the seals emptied. */
export function committedSealHash(header: RpcBlock, extra?: QbftExtraData): string {
  return hashWith(headerItems(header), extraDataWithoutSeals(extra ?? decodeQbftExtraData(header.extraData), "without-seals"));
}

export interface RecoveredSeal {
  seal: string;
  /** lowercase address that signed the seal over this header's committed-seal hash, or null if none can be recovered */
  signer: string | null;
  /** why no signer could be recovered */
  error?: string;
}

/** Recovers the signer of each commit seal, in the order the header lists them. */
export function recoverSealers(header: RpcBlock, extra?: QbftExtraData): RecoveredSeal[] {
  const data = extra ?? decodeQbftExtraData(header.extraData);
  return recoverSealersOf(committedSealHash(header, data), data.seals);
}

/** Recovers the signer of each seal over `sealHash` (see qbftHashes). */
export function recoverSealersOf(sealHash: string, seals: readonly string[]): RecoveredSeal[] {
  return seals.map((seal) => {
    try {
      return { seal, signer: recoverSealSigner(sealHash, seal) };
    } catch (err) {
      return { seal, signer: null, error: (err as Error).message };
    }
  });
}

/** Signs the committed-seal hash of `header` with a validator key, as a Besu validator does (for tests and tools). */
export function commitSeal(header: RpcBlock, key: SigningKey, extra?: QbftExtraData): string {
  const sig = key.sign(committedSealHash(header, extra));
  return sig.r + sig.s.slice(2) + (sig.yParity === 1 ? "01" : "00");
}
