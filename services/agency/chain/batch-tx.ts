// The calldata and the signed transaction of a batch, built on Buffers. Why: ethers' ABI coder, its
// Transaction serializer (RLP over JavaScript arrays, the calldata converted from hex byte by byte, three
// times: unsigned hash, serialization, hash) and hexlify took about a tenth of the agency service's CPU at
// a few hundred steps a second, with batches of 250 steps (24 KB of calldata). The output is byte for byte
// what ethers produces (test/services/batch-tx.test.ts compares both); the signature is still ethers'
// SigningKey, and when recordBatch's ABI is not the one encoded here, ethers' coder is used.
import type { SigningKey } from "ethers";
import { keccakHex } from "../../shared/keccak";
import type { FeeChoice } from "./fees";
import { LEDGER_INTERFACE } from "./ledger-logs";

/** One step in the form recordBatch takes it (as ChainStep in adapter.ts). */
interface BatchStep {
  caseRef: string;
  packedStep: bigint;
  commitment: string;
}

const RECORD_BATCH = LEDGER_INTERFACE.getFunction("recordBatch");
/** recordBatch((bytes32,uint256,bytes32)[]): a static tuple array, three words a step. */
const FAST_ABI = RECORD_BATCH?.inputs.length === 1 && RECORD_BATCH.inputs[0].format("sighash") === "(bytes32,uint256,bytes32)[]";
const WORD = /^0x[0-9a-fA-F]{64}$/;
const MAX_UINT256 = (1n << 256n) - 1n;

function word(n: bigint | number): string {
  return n.toString(16).padStart(64, "0");
}

/** recordBatch(steps) calldata, as LEDGER_INTERFACE.encodeFunctionData("recordBatch", [steps]) gives it. */
export function encodeRecordBatch(steps: BatchStep[]): string {
  const fast = FAST_ABI && steps.every((s) => WORD.test(s.caseRef) && WORD.test(s.commitment) && s.packedStep >= 0n && s.packedStep <= MAX_UINT256);
  if (!fast) return LEDGER_INTERFACE.encodeFunctionData("recordBatch", [steps]);
  const parts = [RECORD_BATCH!.selector, word(32), word(steps.length)];
  for (const s of steps) parts.push(s.caseRef.slice(2).toLowerCase(), word(s.packedStep), s.commitment.slice(2).toLowerCase());
  return parts.join("");
}

// --- RLP (Ethereum yellow paper, appendix B) ----------------------------------------------------------

function lengthPrefix(len: number, offset: number): Buffer {
  if (len < 56) return Buffer.from([offset + len]);
  const hex = len.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex");
  return Buffer.concat([Buffer.from([offset + 55 + bytes.length]), bytes]);
}

function rlpBytes(b: Buffer): Buffer {
  if (b.length === 1 && b[0] < 0x80) return b;
  return Buffer.concat([lengthPrefix(b.length, 0x80), b]);
}

/** A quantity: big-endian without leading zeros (zero is the empty string). */
function rlpInt(n: bigint | number): Buffer {
  if (BigInt(n) < 0n) throw new RangeError("negative quantity");
  if (BigInt(n) === 0n) return rlpBytes(Buffer.alloc(0));
  const hex = BigInt(n).toString(16);
  return rlpBytes(Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex"));
}

function rlpList(items: Buffer[]): Buffer {
  const body = Buffer.concat(items);
  return Buffer.concat([lengthPrefix(body.length, 0xc0), body]);
}

const hexBytes = (hex: string): Buffer => Buffer.from(hex.startsWith("0x") ? hex.slice(2) : hex, "hex");

export interface BatchTx {
  fees: FeeChoice;
  chainId: number;
  to: string;
  data: string;
  nonce: number;
  gasLimit: bigint;
}

/** Sign the transaction (value 0, no access list) with `key`: the raw transaction and its hash. */
export function signBatchTx(tx: BatchTx, key: SigningKey): { raw: string; hash: string } {
  const head = [rlpInt(tx.nonce)];
  const to = rlpBytes(hexBytes(tx.to));
  const data = rlpBytes(hexBytes(tx.data));
  let raw: Buffer;
  if (tx.fees.type === 2) {
    const fields = [rlpInt(tx.chainId), ...head, rlpInt(tx.fees.maxPriorityFeePerGas), rlpInt(tx.fees.maxFeePerGas), rlpInt(tx.gasLimit), to, rlpInt(0), data, rlpList([])];
    const unsigned = Buffer.concat([Buffer.from([2]), rlpList(fields)]);
    const sig = key.sign("0x" + keccakHex(unsigned));
    raw = Buffer.concat([Buffer.from([2]), rlpList([...fields, rlpInt(sig.yParity), rlpInt(BigInt(sig.r)), rlpInt(BigInt(sig.s))])]);
  } else {
    // Legacy with EIP-155 replay protection (as ethers signs a type 0 transaction with a chain id).
    const fields = [...head, rlpInt(tx.fees.gasPrice), rlpInt(tx.gasLimit), to, rlpInt(0), data];
    const unsigned = rlpList([...fields, rlpInt(tx.chainId), rlpInt(0), rlpInt(0)]);
    const sig = key.sign("0x" + keccakHex(unsigned));
    const v = BigInt(tx.chainId) * 2n + 35n + BigInt(sig.yParity);
    raw = rlpList([...fields, rlpInt(v), rlpInt(BigInt(sig.r)), rlpInt(BigInt(sig.s))]);
  }
  return { raw: "0x" + raw.toString("hex"), hash: "0x" + keccakHex(raw) };
}
