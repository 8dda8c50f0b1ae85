// Ledger events as the services use them: decoded with the typechain interface, StepRecorded's packed
// step unpacked (ledger-codec), the event id and recording agency lifted out of every rule event.
import { AbiCoder, type ParamType } from "ethers";
import { ProcedureLedger__factory } from "../../../typechain-types";
import { unpackStep, agencyOfEventId } from "../../shared/ledger-codec";
import type { RpcLog } from "../../shared/rpc-log";

export const LEDGER_INTERFACE = ProcedureLedger__factory.createInterface();
export const STEP_RECORDED_TOPIC = LEDGER_INTERFACE.getEvent("StepRecorded").topicHash;

export interface LedgerLog {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  /** StepRecorded | OutOfOrder | StopChanged | StopIgnored | AllocationDue | StepCorrected | governance events */
  name: string;
  caseRef?: string;
  /** the ledger event id of the step the event is about */
  eventId?: bigint;
  /** the agency that recorded that step (from the event id) */
  agency?: number;
  stepCode?: number;
  detail?: bigint;
  businessDate?: number;
  commitment?: string;
  /** every decoded argument as a string (all non-personal by construction of the contract) */
  args: Record<string, string>;
}

export type { RpcLog };

interface EventCodec {
  name: string;
  indexed: ParamType[];
  data: ParamType[];
  /** word readers when every parameter is a uintN or bytes32 (the ledger's rule events): no ABI coder */
  fast?: { indexed: WordReader[]; data: WordReader[] };
}

/** One 32-byte ABI word (64 hex digits) to the string ethers' decoder would give (String(value)). */
type WordReader = (word: string) => string;

function wordReader(p: ParamType): WordReader | undefined {
  const uint = /^uint(\d+)$/.exec(p.type);
  if (uint) {
    const mask = (1n << BigInt(uint[1])) - 1n; // ethers masks to the type's width as well
    return (w) => (BigInt("0x" + w) & mask).toString();
  }
  if (p.type === "bytes32") return (w) => "0x" + w.toLowerCase();
  return undefined;
}

function fastReaders(params: ParamType[]): WordReader[] | undefined {
  const readers = params.map(wordReader);
  return readers.every((r) => r !== undefined) ? (readers as WordReader[]) : undefined;
}

const coder = AbiCoder.defaultAbiCoder();

// Topic hash -> codec, computed once: ethers' parseLog hashes every event signature again for each log,
// which dominated the listener's CPU time.
const CODECS = new Map<string, EventCodec>();
LEDGER_INTERFACE.forEachEvent((ev) => {
  const indexed = ev.inputs.filter((p) => p.indexed);
  const data = ev.inputs.filter((p) => !p.indexed);
  const fi = fastReaders(indexed);
  const fd = fastReaders(data);
  CODECS.set(ev.topicHash, { name: ev.name, indexed, data, fast: fi && fd ? { indexed: fi, data: fd } : undefined });
});

/** Decode one log of the ledger contract, or undefined for a log the interface does not know. */
export function decodeLedgerLog(log: RpcLog): LedgerLog | undefined {
  const codec = CODECS.get(log.topics[0]);
  if (!codec) return undefined;
  let args: Record<string, string>;
  if (log.topics[0] === STEP_RECORDED_TOPIC) {
    // The hot path (one per step): two static words of data, read directly.
    args = { caseRef: log.topics[1], packedStep: BigInt("0x" + log.data.slice(2, 66)).toString(), commitment: "0x" + log.data.slice(66, 130) };
  } else if (codec.fast && log.data.length === 2 + 64 * codec.data.length && log.topics.length === codec.indexed.length + 1) {
    const { fast } = codec;
    args = {};
    codec.data.forEach((p, i) => (args[p.name] = fast.data[i](log.data.slice(2 + 64 * i, 66 + 64 * i))));
    codec.indexed.forEach((p, i) => (args[p.name] = fast.indexed[i](log.topics[i + 1].slice(2))));
  } else {
    args = {};
    const values = coder.decode(codec.data, log.data);
    codec.data.forEach((p, i) => (args[p.name] = String(values[i])));
    // All indexed parameters of the ledger's events are static types: the topic is the ABI word.
    codec.indexed.forEach((p, i) => (args[p.name] = String(coder.decode([p], log.topics[i + 1])[0])));
  }
  const out: LedgerLog = {
    txHash: log.transactionHash,
    logIndex: Number(log.logIndex),
    blockNumber: Number(log.blockNumber),
    blockHash: log.blockHash,
    name: codec.name,
    args,
  };
  if ("caseRef" in args) out.caseRef = args.caseRef;
  if (codec.name === "StepRecorded") {
    const s = unpackStep(BigInt(args.packedStep));
    out.eventId = s.eventId;
    out.stepCode = s.step;
    out.detail = s.detail;
    out.businessDate = s.businessDate;
    out.commitment = args.commitment;
  } else if ("eventId" in args) {
    out.eventId = BigInt(args.eventId);
    if ("step" in args) out.stepCode = Number(args.step);
  }
  if (out.eventId !== undefined) out.agency = agencyOfEventId(out.eventId);
  return out;
}
