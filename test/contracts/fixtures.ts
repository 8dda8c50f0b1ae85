// Shared set-up for the contract tests and the gas benchmark (Hardhat in-process network): the ledger as
// deploy-ledger.ts deploys it, with the step rights the code lists give each agency type.
import { ethers } from "hardhat";
import { CODE_LISTS, codeListHash, codeListVersionLabel, stepByKey, typeRightsOf } from "../../services/shared/codelists";
import { eventIdOf, packStep } from "../../services/shared/ledger-codec";
import { DEMO_DISTRICT_AGENCY, PILOT_MEMBER_AGENCIES, initialMembers } from "../../scripts/lib/deploy-ledger";
import type { IProcedureLedger, ProcedureLedger } from "../../typechain-types";
import type { IConsortiumGovernance } from "../../typechain-types/contracts/ProcedureLedger";

/** The agencies of the test network: the pilots and the demo district authority (Landkreis Bautzen). */
export type TestAgency = "BAMF" | "ZAB" | "ABH-14625";

export const AGENCY: Record<TestAgency, number> = { BAMF: 1, ZAB: 2, "ABH-14625": DEMO_DISTRICT_AGENCY.agency };

/** Agency type codes of the code lists (agencyTypes). */
export const TYPE = {
  FEDERAL_OFFICE: CODE_LISTS.agencyTypes.find((t) => t.key === "FEDERAL_OFFICE")!.code,
  CENTRAL_AUTHORITY: CODE_LISTS.agencyTypes.find((t) => t.key === "CENTRAL_AUTHORITY")!.code,
  DISTRICT_AUTHORITY: CODE_LISTS.agencyTypes.find((t) => t.key === "DISTRICT_AUTHORITY")!.code,
};

/** Saxony's Land key: the scope of the pilot agencies. */
export const SAXONY = 14;
export const BAUTZEN = DEMO_DISTRICT_AGENCY.scope;

/** The step rights of the current code lists, as the contract takes them. */
export function rightsOf(lists = CODE_LISTS): IConsortiumGovernance.TypeRightsStruct[] {
  return typeRightsOf(lists).map((r) => ({ agencyType: r.agencyType, steps: r.steps, allocationScoped: r.allocationScoped }));
}

export { PILOT_MEMBER_AGENCIES, DEMO_DISTRICT_AGENCY };

async function deploy(withDistrict: boolean) {
  const [deployer, bamf, zab, auditor, outsider, extra, district, spare] = await ethers.getSigners();
  const Ledger = await ethers.getContractFactory("ProcedureLedger");
  const members = initialMembers({
    BAMF: bamf.address,
    ZAB: zab.address,
    auditor: auditor.address,
    ...(withDistrict ? { "ABH-14625": district.address } : {}),
  });
  const ledger = (await Ledger.deploy(
    rightsOf(),
    members,
    [auditor.address],
    codeListHash(CODE_LISTS),
    codeListVersionLabel(CODE_LISTS),
  )) as unknown as ProcedureLedger;
  await ledger.waitForDeployment();
  return { ledger, deployer, bamf, zab, auditor, outsider, extra, district, spare };
}

/** The pilot network: BAMF and ZAB as members, one auditor (`district` is a signer without a role). */
export async function deployLedgerForTest() {
  return deploy(false);
}

/** The demo network: BAMF, ZAB and the Bautzen district authority (agency 3) as members, one auditor. */
export async function deployNetworkForTest() {
  return deploy(true);
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
