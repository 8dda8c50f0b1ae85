// The leaf both commitments trees are built over: one per StepRecorded event, abi.encode of
// [blockNumber, logIndex, caseRef, packedStep, commitment] (five static words, 160 bytes). The sorted tree
// (commitments-sorted-root.ts) hashes it as OpenZeppelin's standardLeafHash, the log tree
// (commitments-log-root.ts) as RFC 6962's leaf hash; the bytes hashed are the same.

export const COMMITMENT_LEAF_ENCODING = ["uint256", "uint256", "bytes32", "uint256", "bytes32"] as const;
export const COMMITMENT_LEAF_BYTES = 160;

export interface CommitmentLeaf {
  blockNumber: number;
  logIndex: number;
  /** 0x-hex 32 bytes */
  caseRef: string;
  packedStep: bigint;
  /** 0x-hex 32 bytes */
  commitment: string;
}

function word(into: Uint8Array, at: number, value: bigint): void {
  if (value < 0n || value >> 256n !== 0n) throw new RangeError(`not a uint256: ${value}`);
  for (let i = 31; i >= 0; i--) {
    into[at + i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

/** A block number or log index as a uint256 word; without BigInt, which cost seconds at a million leaves. */
function smallWord(into: Uint8Array, at: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a block number or log index: ${value}`);
  into.fill(0, at, at + 24);
  const hi = Math.floor(value / 0x100000000);
  const lo = value >>> 0;
  for (let i = 0; i < 4; i++) {
    into[at + 27 - i] = (hi >>> (8 * i)) & 0xff;
    into[at + 31 - i] = (lo >>> (8 * i)) & 0xff;
  }
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

// Without ethers: this module is loaded by the audit's step-hash thread too, which should not load ethers for it.
function bytes32(into: Uint8Array, at: number, hex: string): void {
  if (!HEX32.test(hex)) throw new RangeError(`not 32 bytes: ${hex}`);
  into.set(Buffer.from(hex.slice(2), "hex"), at);
}

/** The 160 bytes of `leaf`, into `into` from `at`. */
export function encodeCommitmentLeaf(leaf: CommitmentLeaf, into = new Uint8Array(COMMITMENT_LEAF_BYTES), at = 0): Uint8Array {
  const data = new Uint8Array(96);
  bytes32(data, 0, leaf.caseRef);
  word(data, 32, leaf.packedStep);
  bytes32(data, 64, leaf.commitment);
  return encodeCommitmentLeafOfData(leaf.blockNumber, leaf.logIndex, data, 0, into, at);
}

/**
 * The same 160 bytes from caseRef, packedStep and commitment as three consecutive 32-byte words of `data`
 * from `dataAt` (as the audit's log records hold a StepRecorded, so it need not decode them).
 */
export function encodeCommitmentLeafOfData(blockNumber: number, logIndex: number, data: Uint8Array, dataAt: number, into = new Uint8Array(COMMITMENT_LEAF_BYTES), at = 0): Uint8Array {
  smallWord(into, at, blockNumber);
  smallWord(into, at + 32, logIndex);
  into.set(data.subarray(dataAt, dataAt + 96), at + 64);
  return into;
}
