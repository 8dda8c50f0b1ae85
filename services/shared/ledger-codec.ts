// How steps are encoded on chain: event ids, the packed step of StepRecorded, the per-case hash chain.
// Mirrors contracts/ProcedureLedger.sol; the audit and the services share it.
import { solidityPackedKeccak256, dataSlice } from "ethers";

export const SEQUENCE_BITS = 56n;
const SEQUENCE_MASK = (1n << SEQUENCE_BITS) - 1n;

/** An on-chain event id: the agency code above a per-agency sequence number. */
export function eventIdOf(agency: number, sequence: bigint | number): bigint {
  const seq = BigInt(sequence);
  if (seq <= 0n || seq > SEQUENCE_MASK) throw new RangeError(`sequence out of range: ${seq}`);
  return (BigInt(agency) << SEQUENCE_BITS) | seq;
}

export function agencyOfEventId(eventId: bigint): number {
  return Number(eventId >> SEQUENCE_BITS);
}

export function sequenceOfEventId(eventId: bigint): bigint {
  return eventId & SEQUENCE_MASK;
}

export interface PackedStep {
  eventId: bigint;
  step: number;
  detail: bigint;
  businessDate: number;
}

export function packStep(s: PackedStep): bigint {
  return s.eventId | (BigInt(s.step) << 64n) | (s.detail << 72n) | (BigInt(s.businessDate) << 136n);
}

export function unpackStep(packed: bigint): PackedStep {
  return {
    eventId: packed & ((1n << 64n) - 1n),
    step: Number((packed >> 64n) & 0xffn),
    detail: (packed >> 72n) & ((1n << 64n) - 1n),
    businessDate: Number((packed >> 136n) & 0xffffffffn),
  };
}

export const ZERO_HEAD = "0x" + "00".repeat(24);

/** The next link of a case's hash chain, as the contract computes it (192-bit head). */
export function nextHead(prevHead: string, caseRef: string, packed: bigint, commitment: string): string {
  const h = solidityPackedKeccak256(["bytes24", "bytes32", "uint256", "bytes32"], [prevHead, caseRef, packed, commitment]);
  return dataSlice(h, 0, 24);
}
