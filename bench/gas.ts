// Gas figures of the ledger (a benchmark, not a test): `npm run bench:gas`. The ledger is deployed as
// deploy-ledger.ts does it (step rights from the code lists), with the Bautzen district authority as a
// third member, so the figures include reading the rights from storage and the district's allocation check.
import { ethers } from "hardhat";
import { deployNetworkForTest, stepFor, AGENCY, BAUTZEN } from "../test/contracts/fixtures";
import { writeBenchResult } from "./bench-results";

async function main(): Promise<void> {
  const { ledger, bamf, zab, district } = await deployNetworkForTest();
  let zabSeq = 1n;
  let bamfSeq = 1n;
  let districtSeq = 1n;
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

  // ZAB allocates cases 201-300 to Bautzen (one batch; also the allocation step's own cost).
  const allocations = Array.from({ length: 100 }, (_, k) => stepFor(AGENCY.ZAB, zabSeq++, caseRef(201 + k), "MUNICIPAL_ALLOCATION", BAUTZEN));
  const allocated = await (await ledger.connect(zab).recordBatch(allocations)).wait();
  const perAllocationBatch100 = Math.round(Number(allocated!.gasUsed) / 100);
  // The district authority: one step with its allocation check (warm bitmap word, as in steady operation).
  await (await ledger.connect(district).record(stepFor(AGENCY["ABH-14625"], districtSeq++, caseRef(201), "ALLOCATION_RECEIVED"))).wait();
  const districtSingle = await (await ledger.connect(district).record(stepFor(AGENCY["ABH-14625"], districtSeq++, caseRef(202), "ALLOCATION_RECEIVED"))).wait();
  const districtStepExistingCase = Number(districtSingle!.gasUsed);
  const districtSteps = Array.from({ length: 98 }, (_, k) => stepFor(AGENCY["ABH-14625"], districtSeq++, caseRef(203 + k), "ARRIVED_REGISTERED"));
  const districtBatch = await (await ledger.connect(district).recordBatch(districtSteps)).wait();
  const districtPerStepBatch98 = Math.round(Number(districtBatch!.gasUsed) / 98);

  const gas = {
    singleStepExistingCase,
    firstStepNewCase,
    perStepBatch10,
    perStepBatch100,
    perAllocationBatch100,
    districtStepExistingCase,
    districtPerStepBatch98,
  };
  console.table(gas);
  writeBenchResult("gas", gas);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
