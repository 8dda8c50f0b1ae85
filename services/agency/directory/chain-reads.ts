// The ledger's views about members, rights and a case's allocation and erasure (issue 14), read with a
// minimal ABI of their own: these reads do not wait for the chain adapter's generated types, and the
// adapter stays the only module that sends transactions.
import { Contract, type Provider } from "ethers";

const MEMBERSHIP_ABI = [
  "function agencyOf(address account) view returns (uint8)",
  "function agencyInfo(uint8 agency) view returns (uint8 agencyType, uint32 scope, uint32 accounts)",
  "function typeRights(uint8 agencyType) view returns (uint128 steps, bool allocationScoped)",
  "function allocatedTo(bytes32 caseRef) view returns (uint32)",
  "function erasedBy(bytes32 caseRef) view returns (uint256)",
];

export interface AgencyInfo {
  /** 0 for an agency that never joined */
  agencyType: number;
  scope: number;
  accounts: number;
}

/** The membership views of the ledger at `address`. */
export class MembershipReads {
  private readonly contract: Contract;

  constructor(provider: Provider, address: string) {
    this.contract = new Contract(address, MEMBERSHIP_ABI, provider);
  }

  async agencyOf(account: string): Promise<number> {
    return Number(await this.contract.getFunction("agencyOf")(account));
  }

  async agencyInfo(agency: number): Promise<AgencyInfo> {
    const [agencyType, scope, accounts] = (await this.contract.getFunction("agencyInfo")(agency)) as [bigint, bigint, bigint];
    return { agencyType: Number(agencyType), scope: Number(scope), accounts: Number(accounts) };
  }

  /** The district (AGS) the case's latest MUNICIPAL_ALLOCATION named; 0 when it has none. */
  async allocatedTo(caseRef: string): Promise<number> {
    return Number(await this.contract.getFunction("allocatedTo")(caseRef));
  }

  /** Bit `a` set: agency `a` recorded ERASED for the case. */
  async erasedBy(caseRef: string): Promise<bigint> {
    return BigInt(await this.contract.getFunction("erasedBy")(caseRef));
  }
}
