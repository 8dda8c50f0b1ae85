// GET /api/meta: what the login screen and the web app need before anyone has logged in: this agency, the
// other member agencies of the network (from the chain), the code-list version, the demo logins.
import { z } from "zod";
import { AgencyKey, Bilingual } from "./common";
import { ROLES } from "./accounts";

/** A member agency as the chain's AgencyJoined / MemberAdded / MemberRemoved events tell it. */
export const MemberAgency = z.object({
  agency: AgencyKey.describe("Schlüssel, unter dem dieser Dienst die Behörde nennt / key this service names the agency by"),
  code: z.number().int().min(1).max(255).describe("Nummer der Behörde im Ledger (oberstes Byte ihrer Ereignis-IDs) / the agency's number on the ledger"),
  type: z.string().describe("Behördenart (Code-Liste agencyTypes) / agency type (code list agencyTypes)"),
  typeName: Bilingual,
  scope: z.number().int().describe("Land-Schlüssel oder Kreisschlüssel (AGS) / Land key or district key (AGS)"),
  name: z.string().describe("Name, wie beim Beitritt auf der Kette / name as given on chain when it joined"),
  accounts: z.number().int().describe("aktive Mitgliedskonten / member accounts now"),
  joinedBlock: z.number().int(),
  leftBlock: z.number().int().nullable().describe("Block, in dem das letzte Konto entfernt wurde / block its last account was removed in"),
  self: z.boolean().describe("dieser Dienst / this service"),
});

export const ServiceMeta = z.object({
  agency: AgencyKey,
  agencyCode: z.number().int().min(1).max(255),
  agencyType: z.string().describe("Behördenart dieses Dienstes / this service's agency type"),
  agencyScope: z.number().int(),
  agencyName: Bilingual,
  members: z.array(MemberAgency).describe("alle Mitgliedsbehörden, auch ausgeschiedene / every member agency, also those that left"),
  codeListVersion: z.string(),
  demoMode: z.boolean(),
  demoLogins: z
    .array(z.object({ username: z.string(), password: z.string(), role: z.enum(ROLES), displayName: z.string() }))
    .optional()
    .describe("nur im Demo-Modus / demo mode only"),
});

export type MemberAgency = z.infer<typeof MemberAgency>;
export type ServiceMeta = z.infer<typeof ServiceMeta>;
