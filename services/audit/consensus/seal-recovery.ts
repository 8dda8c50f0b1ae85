// The signer of a QBFT commit seal (r ‖ s ‖ recovery id, 65 bytes): recovery is the audit's most expensive
// step on a QBFT chain (one per validator per block), done by services/shared/secp256k1-recovery.ts
// (libsecp256k1 where its native build loads, ethers otherwise).
import { recoverSigner, recoveryImplementation, type RecoveryImplementation } from "../../shared/secp256k1-recovery";

/** Which implementation recovers seals: "native" (libsecp256k1) or "js" (ethers). */
export const sealRecoveryImplementation: RecoveryImplementation = recoveryImplementation;

/** The recovery id of a 65-byte seal r ‖ s ‖ v: Besu's SECPSignature writes v as 0 or 1. */
function recoveryId(seal: string): 0 | 1 {
  const recId = Number.parseInt(seal.slice(-2), 16);
  if (recId !== 0 && recId !== 1) throw new Error(`recovery id ${recId} is neither 0 nor 1`);
  return recId;
}

/** The lowercase address that signed `digest` (32 bytes, 0x-hex) with `seal`; throws when none can be recovered. */
export function recoverSealSigner(digest: string, seal: string, implementation: RecoveryImplementation = sealRecoveryImplementation): string {
  if (seal.length !== 2 + 65 * 2) throw new Error(`a seal has 65 bytes, not ${(seal.length - 2) / 2}`);
  return recoverSigner(digest, seal.slice(0, 130), recoveryId(seal), implementation);
}
