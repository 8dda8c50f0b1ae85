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
  return decodeUsualExtraData(extraData) ?? decodeAnyExtraData(extraData);
}

/**
 * extraData of the shape every QBFT block has, read from its bytes: the audit decodes it once per block,
 * and ethers' general RLP decoder (a hex string per item, built byte by byte) took about a tenth of a
 * block's seal check. Takes only the canonical encoding of a valid extraData; anything else (another
 * layout, a non-minimal length or round, a malformed item) gives undefined, and decodeAnyExtraData
 * decodes it or says why not. The tests hold both to the same result.
 */
export function decodeUsualExtraData(extraData: string): QbftExtraData | undefined {
  if (extraData.length < 4 || extraData.length % 2 !== 0 || !extraData.startsWith("0x")) return undefined;
  const b = Buffer.from(extraData.slice(2), "hex");
  // Buffer.from stops at the first character that is not hex
  if (b.length * 2 !== extraData.length - 2) return undefined;
  let at = 0;
  /** the payload length of a list at `at` (moves past its prefix), or -1 */
  const list = (): number => {
    const p = b[at];
    let length = -1;
    let prefix = 1;
    if (p >= 0xc0 && p <= 0xf7) length = p - 0xc0;
    else if (p === 0xf8 && b[at + 1] >= 56) [length, prefix] = [b[at + 1], 2];
    else if (p === 0xf9 && b[at + 1] !== 0 && (b[at + 1] << 8) + b[at + 2] >= 256) [length, prefix] = [(b[at + 1] << 8) + b[at + 2], 3];
    if (length >= 0) at += prefix;
    return length;
  };
  /** the bytes of a string of exactly `n` bytes (n ≥ 2) at `at`, as lowercase hex, or undefined */
  const fixed = (n: number): string | undefined => {
    const prefix = n < 56 ? [0x80 + n] : [0xb8, n];
    for (let i = 0; i < prefix.length; i++) if (b[at + i] !== prefix[i]) return undefined;
    at += prefix.length + n;
    return at <= b.length ? "0x" + b.toString("hex", at - n, at) : undefined;
  };
  const rootLength = list();
  if (rootLength < 0 || at + rootLength !== b.length) return undefined;
  const vanity = fixed(VANITY_BYTES);
  if (vanity === undefined) return undefined;
  const validatorsEnd = list() + at;
  if (validatorsEnd < at) return undefined;
  const validators: string[] = [];
  while (at < validatorsEnd) {
    const v = fixed(20);
    if (v === undefined) return undefined;
    validators.push(v);
  }
  if (at !== validatorsEnd) return undefined;
  let vote: QbftVote | null = null;
  const voteEnd = list() + at;
  if (voteEnd < at) return undefined;
  if (voteEnd > at) {
    const recipient = fixed(20);
    if (recipient === undefined) return undefined;
    if (b[at] === 0x80) {
      vote = { recipient, kind: "drop" };
      at += 1;
    } else if (b[at] === 0x81 && b[at + 1] === 0xff) {
      vote = { recipient, kind: "add" };
      at += 2;
    } else return undefined;
    if (at !== voteEnd) return undefined;
  }
  // the round: a minimal big-endian scalar of at most 4 bytes that fits a signed 32-bit integer
  const r = b[at];
  let round: number;
  let roundBytes = 0;
  if (r === 0x80) round = 0;
  else if (r >= 0x01 && r <= 0x7f) round = r;
  else if (r >= 0x81 && r <= 0x84 && b[at + 1] !== 0 && (r !== 0x81 || b[at + 1] >= 0x80) && at + 1 + r - 0x80 <= b.length) {
    roundBytes = r - 0x80;
    round = b.readUIntBE(at + 1, roundBytes);
    if (round > MAX_ROUND) return undefined;
  } else return undefined;
  at += 1 + roundBytes;
  const sealsEnd = list() + at;
  if (sealsEnd < at) return undefined;
  const seals: string[] = [];
  while (at < sealsEnd) {
    const seal = fixed(SEAL_BYTES);
    if (seal === undefined) return undefined;
    seals.push(seal);
  }
  if (at !== sealsEnd || at !== b.length) return undefined;
  return { vanity, validators, vote, round, seals };
}

/** Decodes extraData of any layout through ethers' RLP decoder; throws with a reason when it is not QBFT extraData. */
export function decodeAnyExtraData(extraData: string): QbftExtraData {
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
