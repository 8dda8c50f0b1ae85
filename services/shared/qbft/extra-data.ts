// The extraData of a Hyperledger Besu QBFT block header, encoded and decoded exactly as Besu's
// QbftExtraDataCodec does (hyperledger/besu, consensus/qbft/.../QbftExtraDataCodec.java):
//   RLP[ vanity (32 bytes), [validator addresses], vote, round, [commit seals] ]
// vote is the empty list, or [recipient, 0xff] to add a validator, or [recipient, ""] (RLP 0x80) to drop
// one; round is a minimal big-endian scalar (0 is the empty string, no leading zero bytes); each commit
// seal is 65 bytes r ‖ s ‖ recovery id. Pure functions, no I/O; used by the network kit (genesis) and
// by the audit (block hashes and commit seals).
import { decodeRlp, encodeRlp, getAddress, hexlify, toBeArray, type RlpStructuredData } from "ethers";

export const VANITY_BYTES = 32;
export const SEAL_BYTES = 65;
/** Besu's Vote.ADD_BYTE_VALUE; a drop vote is written as an empty string (Vote.DROP_BYTE_VALUE is 0x00, never written). */
const ADD_VOTE_HEX = "0xff";
/** Besu reads the round with readIntScalar into a Java int. */
const MAX_ROUND = 0x7fffffff;

export interface QbftVote {
  /** the address the vote is about, lowercase 0x-hex */
  recipient: string;
  kind: "add" | "drop";
}

export interface QbftExtraData {
  /** 32 bytes, 0x-hex */
  vanity: string;
  /** lowercase 0x-hex addresses, in the order written */
  validators: string[];
  vote: QbftVote | null;
  round: number;
  /** 65-byte commit seals, lowercase 0x-hex */
  seals: string[];
}

/**
 * Which parts Besu leaves out (BftExtraDataCodec.EncodingType):
 * - "full": everything (what the header carries);
 * - "without-seals": real round, empty seal list: what each validator signs as its commit seal;
 * - "for-block-hash": round 0 and empty seal list: what the on-chain block hash covers.
 */
export type QbftEncoding = "full" | "without-seals" | "for-block-hash";

function bytesOf(item: RlpStructuredData, what: string): string {
  if (typeof item !== "string") throw new Error(`QBFT extraData: ${what} is a list, expected bytes`);
  return item.toLowerCase();
}

function listOf(item: RlpStructuredData, what: string): RlpStructuredData[] {
  if (!Array.isArray(item)) throw new Error(`QBFT extraData: ${what} is bytes, expected a list`);
  return item;
}

function byteLength(hex: string): number {
  return (hex.length - 2) / 2;
}

function addressOf(item: RlpStructuredData, what: string): string {
  const hex = bytesOf(item, what);
  if (byteLength(hex) !== 20) throw new Error(`QBFT extraData: ${what} has ${byteLength(hex)} bytes, expected 20`);
  return hex;
}

function decodeVote(item: RlpStructuredData): QbftVote | null {
  const parts = listOf(item, "the vote");
  if (parts.length === 0) return null;
  if (parts.length !== 2) throw new Error(`QBFT extraData: the vote has ${parts.length} items, expected 2`);
  const recipient = addressOf(parts[0], "the vote's recipient");
  const value = bytesOf(parts[1], "the vote's type");
  if (value === "0x") return { recipient, kind: "drop" };
  if (value === ADD_VOTE_HEX) return { recipient, kind: "add" };
  throw new Error(`QBFT extraData: the vote's type ${value} is neither add (0xff) nor drop (empty)`);
}

function decodeRound(item: RlpStructuredData): number {
  const hex = bytesOf(item, "the round");
  // A leading zero byte is not a minimal scalar; Besu's readIntScalar rejects it.
  if (hex.startsWith("0x00")) throw new Error(`QBFT extraData: the round ${hex} has a leading zero byte`);
  if (byteLength(hex) > 4) throw new Error(`QBFT extraData: the round ${hex} is longer than 4 bytes`);
  const round = hex === "0x" ? 0 : Number.parseInt(hex.slice(2), 16);
  if (round > MAX_ROUND) throw new Error(`QBFT extraData: the round ${hex} does not fit a signed 32-bit integer`);
  return round;
}

/** Decodes a header's extraData; throws with a reason when it is not QBFT extraData. */
export function decodeQbftExtraData(extraData: string): QbftExtraData {
  if (!/^0x([0-9a-fA-F]{2})+$/.test(extraData)) throw new Error("QBFT extraData: empty or not hex");
  const root = listOf(decodeRlp(extraData), "extraData");
  if (root.length !== 5) throw new Error(`QBFT extraData: ${root.length} items, expected 5`);
  const vanity = bytesOf(root[0], "the vanity");
  if (byteLength(vanity) !== VANITY_BYTES) throw new Error(`QBFT extraData: the vanity has ${byteLength(vanity)} bytes, expected ${VANITY_BYTES}`);
  const validators = listOf(root[1], "the validator list").map((v, i) => addressOf(v, `validator ${i}`));
  const vote = decodeVote(root[2]);
  const round = decodeRound(root[3]);
  const seals = listOf(root[4], "the seal list").map((s, i) => {
    const seal = bytesOf(s, `seal ${i}`);
    if (byteLength(seal) !== SEAL_BYTES) throw new Error(`QBFT extraData: seal ${i} has ${byteLength(seal)} bytes, expected ${SEAL_BYTES}`);
    return seal;
  });
  return { vanity, validators, vote, round, seals };
}

/** Encodes extraData as Besu does, leaving out what `encoding` says. */
export function encodeQbftExtraData(data: QbftExtraData, encoding: QbftEncoding = "full"): string {
  if (byteLength(data.vanity) !== VANITY_BYTES) throw new Error(`QBFT extraData: the vanity must have ${VANITY_BYTES} bytes`);
  if (!Number.isInteger(data.round) || data.round < 0 || data.round > MAX_ROUND) throw new Error(`QBFT extraData: invalid round ${data.round}`);
  const vote: RlpStructuredData = data.vote ? [getAddress(data.vote.recipient), data.vote.kind === "add" ? ADD_VOTE_HEX : "0x"] : [];
  const round = encoding === "for-block-hash" ? 0 : data.round;
  const seals = encoding === "full" ? data.seals : [];
  for (const s of seals) if (byteLength(s) !== SEAL_BYTES) throw new Error(`QBFT extraData: a seal must have ${SEAL_BYTES} bytes`);
  return encodeRlp([data.vanity, data.validators.map((v) => getAddress(v)), vote, hexlify(toBeArray(round)), seals]);
}

/** The extraData of a QBFT genesis block: zero vanity, the validators, no vote, round 0, no seals. */
export function genesisExtraData(validators: readonly string[]): string {
  return encodeQbftExtraData({ vanity: "0x" + "00".repeat(VANITY_BYTES), validators: [...validators], vote: null, round: 0, seals: [] });
}

/** Addresses in Besu's order (Address compares as unsigned bytes: for lowercase hex of one length, string order). */
export function sortValidators(addresses: Iterable<string>): string[] {
  return [...addresses].map((a) => a.toLowerCase()).sort();
}
