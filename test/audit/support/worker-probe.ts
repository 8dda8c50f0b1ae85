// Run as `tsx worker-probe.ts` (the way `npm run audit` runs the audit): prints whether the commitment
// worker thread started and computed a commitment (a worker that cannot start leaves it to the caller).
import { CommitmentWorker } from "../../../services/audit/commitment-worker";
import { tableOf } from "../../../services/audit/export-table";
import { fastCommitmentOf, initFastKeccak } from "../../../services/shared/keccak";

async function main(): Promise<void> {
  await initFastKeccak();
  const line = { ledgerEventId: String((1n << 56n) | 1n), caseRef: "0x" + "11".repeat(32), salt: "0x" + "22".repeat(32), dataDigest: "0x" + "33".repeat(32) };
  const worker = await CommitmentWorker.start();
  const pre = await worker?.linesOf(tableOf([line]), 0, 1);
  worker?.close();
  const commitment = pre ? "0x" + Buffer.from(pre.commitments.subarray(0, 32)).toString("hex") : null;
  console.log(JSON.stringify({ worker: pre !== undefined, matches: commitment === fastCommitmentOf(line.salt, line.dataDigest) }));
}

void main();
