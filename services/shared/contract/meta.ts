// GET /api/meta: what the login screen needs before anyone has logged in.
import { z } from "zod";
import { AgencyKey, Bilingual } from "./common";
import { ROLES } from "./accounts";

export const ServiceMeta = z.object({
  agency: AgencyKey,
  agencyName: Bilingual,
  partnerAgency: AgencyKey,
  codeListVersion: z.string(),
  demoMode: z.boolean(),
  demoLogins: z
    .array(z.object({ username: z.string(), password: z.string(), role: z.enum(ROLES), displayName: z.string() }))
    .optional()
    .describe("nur im Demo-Modus / demo mode only"),
});

export type ServiceMeta = z.infer<typeof ServiceMeta>;
