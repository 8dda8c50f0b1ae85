// Shared set-up for the contract tests and the gas benchmark (Hardhat in-process network).
import { ethers } from "hardhat";
import { CODE_LISTS, codeListHash, codeListVersionLabel, stepByKey, AGENCY } from "../../services/shared/codelists";
import { eventIdOf, packStep } from "../../services/shared/ledger-codec";
import type { IProcedureLedger, ProcedureLedger } from "../../typechain-types";

export { AGENCY };

export async function deployLedgerForTest() {
  const [deployer, bamf, zab, auditor, outsider, extra] = await ethers.getSigners();
  const Ledger = await ethers.getContractFactory("ProcedureLedger");
  const ledger = (await Ledger.deploy(
    [bamf.address, zab.address],
    [AGENCY.BAMF, AGENCY.ZAB],
    [auditor.address],
    codeListHash(CODE_LISTS),
    codeListVersionLabel(CODE_LISTS),
  )) as unknown as ProcedureLedger;
  await ledger.waitForDeployment();
  return { ledger, deployer, bamf, zab, auditor, outsider, extra };
}

const DATED = new Set(["HEARING_SCHEDULED", "REPATRIATION_SCHEDULED"]);

export function stepFor(
  agency: number,
  seq: bigint | number,
  caseRef: string,
  key: string,
  detail: bigint | number = 0n,
  businessDate?: number,
): IProcedureLedger.StepStruct {
  const eventId = eventIdOf(agency, seq);
  return {
    caseRef,
    packedStep: packStep({
      eventId,
      step: stepByKey(key).code,
      detail: BigInt(detail),
      businessDate: businessDate ?? (DATED.has(key) ? 20270115 : 0),
    }),
    commitment: ethers.keccak256(ethers.toUtf8Bytes(`commitment-${eventId}`)),
  };
}
