// The admin API's membership part (issue 14): the network's members and the governance proposals as the
// chain records them, a new proposal (add or remove a member account), an approval. Shared by the service
// (services/agency/api/routes/membership.ts) and the web app's admin page (web/src/pages/AdminMembership.tsx).
import { z } from "zod";
import { decimalInteger } from "./common";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "eine Kontoadresse 0x… / an account address 0x…");

export const PROPOSAL_ACTIONS = ["AddMember", "RemoveMember", "AddAuditor", "RemoveAuditor", "SetCodeList"] as const;

export const MembershipProposal = z.object({
  id: z.number().int(),
  action: z.enum(PROPOSAL_ACTIONS),
  proposer: z.string(),
  account: z.string(),
  agency: z.number().int().describe("Behördennummer (AddMember) / agency number (AddMember)"),
  agencyType: z.number().int(),
  scope: z.number().int().describe("Land- oder Kreisschlüssel / Land or district key"),
  name: z.string(),
  block: z.number().int(),
  approvals: z.number().int(),
  required: z.number().int().describe("nötige Zustimmungen bei der letzten Zustimmung / approvals needed as of the last approval"),
  approvedBy: z.array(z.number().int()).describe("zustimmende Behörden (Nummern) / approving agencies (numbers)"),
  executed: z.boolean(),
  approvedByUs: z.boolean(),
});

export const MembershipAccount = z.object({
  agency: z.number().int(),
  account: z.string(),
  addedBlock: z.number().int(),
  removedBlock: z.number().int().nullable(),
});

export const MembershipAgency = z.object({
  agency: z.number().int(),
  agencyType: z.number().int(),
  scope: z.number().int(),
  name: z.string(),
  joinedBlock: z.number().int(),
  accounts: z.array(MembershipAccount),
  active: z.boolean().describe("mindestens ein Konto ist Mitglied / at least one account is a member"),
});

export const MembershipOverview = z.object({
  self: z.object({ agency: z.number().int(), account: z.string() }),
  agencies: z.array(MembershipAgency),
  proposals: z.array(MembershipProposal).describe("neueste zuerst / newest first"),
});

export const ProposeMembershipBody = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("AddMember"),
    account: address,
    agency: z.number().int().min(1).max(255),
    agencyType: z.number().int().min(1).max(255),
    scope: z.number().int().min(1).max(0xffffffff),
    name: z.string().min(3).max(120),
  }),
  z.strictObject({ action: z.literal("RemoveMember"), account: address }),
]);

export const ProposalIdParams = z.strictObject({ id: decimalInteger(0, 2_147_483_647).describe("Vorschlags-ID / proposal id") });

export const GovernanceTxResult = z.object({
  id: z.number().int(),
  executed: z.boolean().describe("mit dieser Transaktion in Kraft / in force with this transaction"),
  txHash: z.string(),
  block: z.number().int(),
});

export type MembershipProposal = z.infer<typeof MembershipProposal>;
export type MembershipAgency = z.infer<typeof MembershipAgency>;
export type MembershipOverview = z.infer<typeof MembershipOverview>;
export type ProposeMembershipBody = z.infer<typeof ProposeMembershipBody>;
export type GovernanceTxResult = z.infer<typeof GovernanceTxResult>;
