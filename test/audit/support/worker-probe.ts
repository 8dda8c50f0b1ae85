// Run as `tsx worker-probe.ts` (the way `npm run audit` runs the audit): prints whether the commitment
// worker thread started and computed a commitment (a worker that cannot start leaves it to the caller).
import { commitmentsInWorker } from "../../../services/audit/commitment-worker";
import { fastCommitmentOf, initFastKeccak } from "../../../services/shared/keccak";

async function main(): Promise<void> {
  await initFastKeccak();
  const line = { ledgerEventId: String((1n << 56n) | 1n), caseRef: "0x" + "11".repeat(32), salt: "0x" + "22".repeat(32), dataDigest: "0x" + "33".repeat(32) };
  const x = { agency: 1, source: "probe", lines: [line] };
  const pre = (await commitmentsInWorker([x]))?.get(x);
  const commitment = pre ? "0x" + Buffer.from(pre.commitments.subarray(0, 32)).toString("hex") : null;
  console.log(JSON.stringify({ worker: pre !== undefined, matches: commitment === fastCommitmentOf(line.salt, line.dataDigest) }));
}

void main();
