// What went wrong talking to the chain: the node unreachable (wait and retry), a revert of the ledger
// (decoded into the custom error's name and arguments), or the node refusing a transaction.
import { isError } from "ethers";
import { ProcedureLedger__factory } from "../../../typechain-types";
import { isRangeTooLarge } from "../../shared/log-range";

const LEDGER = ProcedureLedger__factory.createInterface();

/** Node-level error codes and ethers codes that mean "the node did not answer". */
const TRANSPORT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "TIMEOUT",
  "NETWORK_ERROR",
  "SERVER_ERROR",
]);

/** Whether `err` says the chain could not be reached (so the request may or may not have arrived). */
export function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && TRANSPORT_CODES.has(code)) return true;
  const cause = (err as { cause?: unknown })?.cause;
  return cause !== undefined && cause !== err && isUnreachable(cause);
}

/** A decoded revert of the ledger contract. */
export interface LedgerRevert {
  /** custom error name, "Error" for require strings, "Panic", or "Unknown" */
  name: string;
  args: Record<string, string>;
  /** index in the batch of the step that caused it, where the error names one */
  index?: number;
  /** human-readable, for Step.failureReason: e.g. `StepNotPermitted(index=3, step=5, agency=2)` */
  reason: string;
}

export function decodeRevertData(data: string): LedgerRevert {
  try {
    const parsed = LEDGER.parseError(data);
    if (parsed) {
      const args: Record<string, string> = {};
      parsed.fragment.inputs.forEach((input, i) => (args[input.name || `arg${i}`] = String(parsed.args[i])));
      const index = "index" in args ? Number(args.index) : undefined;
      // The spec's wording for a retry of a recorded step.
      if (parsed.name === "AlreadyRecorded") return { name: parsed.name, args, index, reason: "already recorded" };
      const list = Object.entries(args).map(([k, v]) => `${k}=${v}`).join(", ");
      return { name: parsed.name, args, index, reason: `${parsed.name}(${list})` };
    }
  } catch {
    // fall through: not one of the ledger's errors
  }
  if (data.startsWith("0x08c379a0")) {
    const [msg] = LEDGER.getAbiCoder().decode(["string"], "0x" + data.slice(10));
    return { name: "Error", args: { message: String(msg) }, reason: `Error(${String(msg)})` };
  }
  if (data.startsWith("0x4e487b71")) {
    const [code] = LEDGER.getAbiCoder().decode(["uint256"], "0x" + data.slice(10));
    return { name: "Panic", args: { code: String(code) }, reason: `Panic(0x${(code as bigint).toString(16)})` };
  }
  return { name: "Unknown", args: { data }, reason: data === "0x" ? "reverted without reason" : `reverted with ${data.slice(0, 74)}` };
}

/** The revert of a call or gas estimation, or undefined when `err` is not a revert. */
export function revertOf(err: unknown): LedgerRevert | undefined {
  if (isError(err, "CALL_EXCEPTION")) return decodeRevertData(err.data ?? "0x");
  // Some nodes answer a reverting estimate with a plain JSON-RPC error carrying the data.
  const inner = (err as { error?: { code?: number; data?: unknown; message?: string } })?.error;
  if (inner && typeof inner.data === "string" && inner.data.startsWith("0x") && /revert/i.test(inner.message ?? "")) {
    return decodeRevertData(inner.data);
  }
  return undefined;
}

/** The node's own message for a rejected request (e.g. "nonce too low"), lower-cased. */
export function nodeMessage(err: unknown): string {
  const e = err as { error?: { message?: string }; info?: { error?: { message?: string } }; shortMessage?: string; message?: string };
  return String(e?.error?.message ?? e?.info?.error?.message ?? e?.shortMessage ?? e?.message ?? err).toLowerCase();
}

/** A short description for the log: ethers errors carry whole payloads (calldata), which we never log. */
export function errorSummary(err: unknown): string {
  const e = err as { code?: unknown; shortMessage?: string; message?: string };
  const code = typeof e?.code === "string" || typeof e?.code === "number" ? `${e.code}: ` : "";
  const inner = nodeMessage(err);
  const text = e?.shortMessage && !inner.includes(e.shortMessage.toLowerCase()) ? `${e.shortMessage} (${inner})` : inner;
  return (code + text).slice(0, 300);
}

/** Whether the node refused an eth_getLogs request as spanning too many blocks (or returning too many logs). */
export function isLogRangeTooLarge(err: unknown): boolean {
  if (isUnreachable(err)) return false;
  // ethers keeps the node's JSON-RPC error as `error` (and in `info.error`) when it cannot map it to one of its own codes.
  const e = err as { error?: { code?: unknown; message?: unknown }; info?: { error?: { code?: unknown; message?: unknown } } };
  const inner = e?.error ?? e?.info?.error;
  const code = typeof inner?.code === "number" ? inner.code : undefined;
  return isRangeTooLarge(code, nodeMessage(err));
}
