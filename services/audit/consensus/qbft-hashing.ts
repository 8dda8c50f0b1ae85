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
import { Signature, SigningKey, computeAddress, dataSlice } from "ethers";
import { decodeQbftExtraData, encodeQbftExtraData, type QbftEncoding, type QbftExtraData } from "../../shared/qbft/extra-data";
import { headerRlp } from "../headers";
import { keccakHex } from "../keccak";
import type { RpcBlock } from "../types";

function hashWith(header: RpcBlock, extraData: string): string {
  const rlp = headerRlp({ ...header, extraData });
  return "0x" + keccakHex(Buffer.from(rlp.slice(2), "hex"));
}

function reencoded(header: RpcBlock, encoding: QbftEncoding, extra?: QbftExtraData): string {
  return hashWith(header, encodeQbftExtraData(extra ?? decodeQbftExtraData(header.extraData), encoding));
}

/** The block hash as Besu QBFT computes it; throws when a non-genesis header's extraData is not QBFT extraData. */
export function blockHashOf(header: RpcBlock, extra?: QbftExtraData): string {
  if (BigInt(header.number) === 0n) return hashWith(header, header.extraData);
  return reencoded(header, "for-block-hash", extra);
}

/** The hash every commit seal of this header signs: the real round, the seals emptied. */
export function committedSealHash(header: RpcBlock, extra?: QbftExtraData): string {
  return reencoded(header, "without-seals", extra);
}

export interface RecoveredSeal {
  seal: string;
  /** lowercase address that signed the seal over this header's committed-seal hash, or null if none can be recovered */
  signer: string | null;
  /** why no signer could be recovered */
  error?: string;
}

/** A 65-byte seal r ‖ s ‖ recovery id (0 or 1, as Besu's SECPSignature writes it) as an ethers Signature. */
function sealSignature(seal: string): Signature {
  const recId = Number.parseInt(seal.slice(-2), 16);
  if (recId !== 0 && recId !== 1) throw new Error(`recovery id ${recId} is neither 0 nor 1`);
  return Signature.from({ r: dataSlice(seal, 0, 32), s: dataSlice(seal, 32, 64), yParity: recId as 0 | 1 });
}

/** Recovers the signer of each commit seal, in the order the header lists them. */
export function recoverSealers(header: RpcBlock, extra?: QbftExtraData): RecoveredSeal[] {
  const data = extra ?? decodeQbftExtraData(header.extraData);
  const digest = committedSealHash(header, data);
  return data.seals.map((seal) => {
    try {
      return { seal, signer: computeAddress(SigningKey.recoverPublicKey(digest, sealSignature(seal))).toLowerCase() };
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
