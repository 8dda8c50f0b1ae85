// What the login screen shows before anyone logs in: the agency, its partner, the code-list version and,
// only in demo mode, the demo logins.
import type { ServiceMeta } from "../../shared/contract";
import type { Config } from "../config";
import { demoUsers } from "../demo-accounts";
import { CODE_LISTS } from "../../shared/codelists";

export function serviceMeta(config: Pick<Config, "agency" | "demoMode">): ServiceMeta {
  const { agency } = config;
  const agencyDef = CODE_LISTS.agencies.find((a) => a.key === agency)!;
  return {
    agency,
    agencyName: { de: agencyDef.de, en: agencyDef.en },
    partnerAgency: agency === "BAMF" ? "ZAB" : "BAMF",
    codeListVersion: CODE_LISTS.version,
    demoMode: config.demoMode,
    ...(config.demoMode ? { demoLogins: demoUsers(agency).map(({ username, password, role, displayName }) => ({ username, password, role, displayName })) } : {}),
  };
}
