// The address that signed a 32-byte digest: secp256k1 public-key recovery, then the last 20 bytes of keccak
// of the public key. Used for every signature the audit checks (QBFT commit seals, one per validator per
// block; the agencies' signed checkpoints, a thousand a day), so it goes through libsecp256k1, the
// `secp256k1` package's native build (about 0.06 ms a recovery on the project's machine), and falls back to
// ethers' pure-JS recovery (about 1.5–3 ms) where the native build cannot be loaded. Both give the same
// address; the tests compare them.
import { Signature, SigningKey, computeAddress, dataSlice } from "ethers";
import { keccakBytes } from "./keccak";

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
}

function loadNative(): NativeSecp256k1 | undefined {
  try {
    // The package's index picks its native build and only falls back to elliptic (slower than ethers) itself.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const native = require("secp256k1/bindings") as NativeSecp256k1;
    return typeof native.ecdsaRecover === "function" ? native : undefined;
  } catch {
    return undefined;
  }
}

const NATIVE = loadNative();

export type RecoveryImplementation = "native" | "js";

/** Which implementation recovers signers here: "native" (libsecp256k1) or "js" (ethers). */
export const recoveryImplementation: RecoveryImplementation = NATIVE ? "native" : "js";

/**
 * The lowercase address that signed `digest` (0x-hex, 32 bytes) with r ‖ s (0x-hex, 64 bytes) and recovery
 * id 0 or 1; throws when none can be recovered.
 */
export function recoverSigner(digest: string, rs: string, recId: 0 | 1, implementation: RecoveryImplementation = recoveryImplementation): string {
  if (rs.length !== 2 + 64 * 2) throw new Error(`r ‖ s has 64 bytes, not ${(rs.length - 2) / 2}`);
  if (implementation === "native" && NATIVE) {
    const pub = NATIVE.ecdsaRecover(Buffer.from(rs.slice(2), "hex"), recId, Buffer.from(digest.slice(2), "hex"), false);
    // The address is the last 20 bytes of keccak of the 64-byte public key (without the 0x04 prefix).
    return "0x" + Buffer.from(keccakBytes(pub.subarray(1))).subarray(12).toString("hex");
  }
  const sig = Signature.from({ r: dataSlice(rs, 0, 32), s: dataSlice(rs, 32, 64), yParity: recId });
  return computeAddress(SigningKey.recoverPublicKey(digest, sig)).toLowerCase();
}
