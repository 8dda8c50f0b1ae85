// Reading caseHead() of many cases in one standard eth_call: the call creates (without deploying) a tiny
// contract whose constructor calls ledger.caseHead(caseRef) for each case it carries and returns the
// results ("deployless multicall"). One EVM execution per ~700 cases instead of one JSON-RPC request per
// case; the values come from the ledger's own caseHead() at the requested block, exactly as with single
// calls. Pure: builds the call data and decodes the answer; the caller sends it (eth_call without `to`).
//
// Constructor layout: CODE ‖ ledger (32-byte word) ‖ caseRef_0 ‖ … ‖ caseRef_{n-1}
// Return:             0x00 ‖ word_0 ‖ … ‖ word_{n-1},  word_i = head_i (bytes24) | stepCount_i (uint24)
// (the leading zero byte keeps the "code" from starting with 0xEF, which EIP-3541 forbids; n ≤ 700
// keeps it under the 24,576-byte code limit of EIP-170).
import { LEDGER_INTERFACE } from "./events";
import type { OnChainHead } from "./replay";

export const MAX_CASES_PER_CALL = 700;

const OP = {
  STOP: 0x00, ADD: 0x01, SUB: 0x03, LT: 0x10, ISZERO: 0x15, OR: 0x17, SHL: 0x1b, CODESIZE: 0x38, CODECOPY: 0x39,
  POP: 0x50, MLOAD: 0x51, MSTORE: 0x52, JUMP: 0x56, JUMPI: 0x57, GAS: 0x5a, JUMPDEST: 0x5b,
  PUSH1: 0x60, PUSH2: 0x61, PUSH4: 0x63, DUP1: 0x80, DUP2: 0x81, DUP3: 0x82, DUP4: 0x83, DUP5: 0x84, SWAP1: 0x90, SWAP2: 0x91,
  RETURN: 0xf3, STATICCALL: 0xfa, REVERT: 0xfd,
} as const;

type Item = number | { push2: string } | { label: string };

/** Assemble with two-byte jump labels. */
function assemble(items: Item[]): Uint8Array {
  const labels = new Map<string, number>();
  let pc = 0;
  for (const it of items) {
    if (typeof it === "number") pc += 1;
    else if ("push2" in it) pc += 3;
    else labels.set(it.label, pc++); // JUMPDEST
  }
  const out: number[] = [];
  for (const it of items) {
    if (typeof it === "number") out.push(it);
    else if ("push2" in it) {
      const to = labels.get(it.push2);
      if (to === undefined) throw new Error(`no label ${it.push2}`);
      out.push(OP.PUSH2, to >> 8, to & 0xff);
    } else out.push(OP.JUMPDEST);
  }
  return Uint8Array.from(out);
}

function constructorCode(): Uint8Array {
  const sel = LEDGER_INTERFACE.getFunction("caseHead")!.selector; // 4 bytes
  const s = [2, 4, 6, 8].map((i) => parseInt(sel.slice(i, i + 2), 16));
  // The code length is patched into the first PUSH2 below, once known.
  const body = (codeLen: number): Item[] => [
    OP.PUSH2, codeLen >> 8, codeLen & 0xff, // [L]
    OP.DUP1, OP.CODESIZE, OP.SUB, //          [L, len]          len = codesize - L
    OP.DUP1, OP.SWAP2, OP.PUSH1, 0, OP.CODECOPY, // mem[0..len) = ledger ‖ caseRefs; [len]
    OP.PUSH4, ...s, OP.PUSH1, 0xe0, OP.SHL, OP.DUP2, OP.MSTORE, // mem[len..len+4) = selector
    OP.PUSH1, 32, //                           [len, p]         p: the current case reference
    { label: "loop" },
    OP.DUP2, OP.DUP2, OP.LT, OP.ISZERO, { push2: "end" }, OP.JUMPI, // p >= len: done
    OP.DUP1, OP.MLOAD, OP.DUP3, OP.PUSH1, 4, OP.ADD, OP.MSTORE, //    calldata = selector ‖ caseRef
    OP.PUSH1, 64, OP.DUP3, OP.PUSH1, 64, OP.ADD, OP.PUSH1, 36, OP.DUP5, OP.PUSH1, 0, OP.MLOAD, OP.GAS,
    OP.STATICCALL, //                          staticcall(gas, ledger, len, 36, len+64, 64)
    OP.ISZERO, { push2: "fail" }, OP.JUMPI,
    OP.DUP2, OP.PUSH1, 64, OP.ADD, OP.MLOAD, OP.DUP3, OP.PUSH1, 96, OP.ADD, OP.MLOAD, OP.OR, // head | count
    OP.DUP2, OP.DUP4, OP.ADD, OP.PUSH1, 97, OP.ADD, OP.MSTORE, //     at len + 129 + (p - 32)
    OP.PUSH1, 32, OP.ADD, { push2: "loop" }, OP.JUMP,
    { label: "end" },
    OP.POP, OP.PUSH1, 31, OP.DUP2, OP.SUB, OP.SWAP1, OP.PUSH1, 128, OP.ADD, OP.RETURN, // return(len+128, len-31)
    { label: "fail" },
    OP.PUSH1, 0, OP.DUP1, OP.REVERT,
  ];
  const len = assemble(body(0)).length;
  return assemble(body(len));
}

let CODE_HEX: string | undefined;

/** The eth_call data (contract creation) that reads caseHead() of `caseRefs` from `ledger`. */
export function headReaderCallData(ledger: string, caseRefs: string[]): string {
  if (caseRefs.length > MAX_CASES_PER_CALL) throw new Error(`at most ${MAX_CASES_PER_CALL} cases per call`);
  CODE_HEX ??= Buffer.from(constructorCode()).toString("hex");
  return "0x" + CODE_HEX + ledger.toLowerCase().replace(/^0x/, "").padStart(64, "0") + caseRefs.map((c) => c.slice(2)).join("");
}

/** Decode the answer of headReaderCallData; undefined when it does not have the expected shape. */
export function decodeHeadReader(result: string, caseRefs: string[]): Map<string, OnChainHead> | undefined {
  if (typeof result !== "string" || result.length !== 4 + 64 * caseRefs.length || !result.startsWith("0x00")) return undefined;
  const m = new Map<string, OnChainHead>();
  caseRefs.forEach((c, i) => {
    const w = result.slice(4 + 64 * i, 4 + 64 * (i + 1));
    m.set(c, { head: "0x" + w.slice(0, 48), stepCount: parseInt(w.slice(58, 64), 16) });
  });
  return m;
}
