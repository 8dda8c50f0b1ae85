// The signer of a commit seal: secp256k1 public-key recovery, then the address (keccak of the public
// key). Recovery is the audit's most expensive step on a QBFT chain (one per validator per block), so it
// uses libsecp256k1 through the `secp256k1` package's native build (about 0.06 ms a recovery on the
// project's machine) and falls back to ethers' pure-JS recovery (about 1.5 ms) where the native build
// cannot be loaded. Both give the same address; the tests compare them.
import { Signature, SigningKey, computeAddress, dataSlice } from "ethers";
import { keccakBytes } from "../../shared/keccak";

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

/** Which implementation recovers seals: "native" (libsecp256k1) or "js" (ethers). */
export const sealRecoveryImplementation: "native" | "js" = NATIVE ? "native" : "js";

/** The recovery id of a 65-byte seal r ‖ s ‖ v: Besu's SECPSignature writes v as 0 or 1. */
function recoveryId(seal: string): 0 | 1 {
  const recId = Number.parseInt(seal.slice(-2), 16);
  if (recId !== 0 && recId !== 1) throw new Error(`recovery id ${recId} is neither 0 nor 1`);
  return recId;
}

/** The lowercase address that signed `digest` (32 bytes, 0x-hex) with `seal`; throws when none can be recovered. */
export function recoverSealSigner(digest: string, seal: string, implementation: "native" | "js" = sealRecoveryImplementation): string {
  if (seal.length !== 2 + 65 * 2) throw new Error(`a seal has 65 bytes, not ${(seal.length - 2) / 2}`);
  const recId = recoveryId(seal);
  if (implementation === "native" && NATIVE) {
    const pub = NATIVE.ecdsaRecover(Buffer.from(seal.slice(2, 130), "hex"), recId, Buffer.from(digest.slice(2), "hex"), false);
    // The address is the last 20 bytes of keccak of the 64-byte public key (without the 0x04 prefix).
    return "0x" + Buffer.from(keccakBytes(pub.subarray(1))).subarray(12).toString("hex");
  }
  const sig = Signature.from({ r: dataSlice(seal, 0, 32), s: dataSlice(seal, 32, 64), yParity: recId });
  return computeAddress(SigningKey.recoverPublicKey(digest, sig)).toLowerCase();
}
