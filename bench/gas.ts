// Gas figures of the ledger (a benchmark, not a test): `npm run bench:gas`.
import { ethers } from "hardhat";
import { deployLedgerForTest, stepFor, AGENCY } from "../test/contracts/fixtures";
import { writeBenchResult } from "./bench-results";

async function main(): Promise<void> {
  const { ledger, bamf, zab } = await deployLedgerForTest();
  let zabSeq = 1n;
  let bamfSeq = 1n;
  const caseRef = (i: number) => ethers.keccak256(ethers.toUtf8Bytes(`bench-case-${i}`));

  // Open 300 cases in batches so that later steps land on existing cases.
  for (let b = 0; b < 3; b++) {
    const batch = Array.from({ length: 100 }, (_, k) => stepFor(AGENCY.ZAB, zabSeq++, caseRef(1 + b * 100 + k), "REGISTERED"));
    await (await ledger.connect(zab).recordBatch(batch)).wait();
  }
  // Warm up BAMF's event-id bitmap word, as in steady operation (a fresh word costs a new slot once per 256 ids).
  await (await ledger.connect(bamf).record(stepFor(AGENCY.BAMF, bamfSeq++, caseRef(300), "APPLICATION_FILED"))).wait();

  // A new case: ZAB registers it (its event-id bitmap word is already in use, as in steady operation).
  const first = await (await ledger.connect(zab).record(stepFor(AGENCY.ZAB, zabSeq++, caseRef(1000), "REGISTERED"))).wait();
  const firstStepNewCase = Number(first!.gasUsed);

  const single = await (await ledger.connect(bamf).record(stepFor(AGENCY.BAMF, bamfSeq++, caseRef(1), "APPLICATION_FILED"))).wait();
  const singleStepExistingCase = Number(single!.gasUsed);

  const batchOf = async (from: number, n: number) => {
    const steps = Array.from({ length: n }, (_, k) => stepFor(AGENCY.BAMF, bamfSeq++, caseRef(from + k), "APPLICATION_FILED"));
    const receipt = await (await ledger.connect(bamf).recordBatch(steps)).wait();
    return Math.round(Number(receipt!.gasUsed) / n);
  };
  const perStepBatch10 = await batchOf(2, 10);
  const perStepBatch100 = await batchOf(12, 100);

  const gas = { singleStepExistingCase, firstStepNewCase, perStepBatch10, perStepBatch100 };
  console.table(gas);
  writeBenchResult("gas", gas);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
