// What the login screen and the web app show before anyone logs in: this agency, the other members of the
// network (the directory the listener keeps from the chain), the code-list version and, only in demo
// mode, the demo logins.
import type { ServiceMeta } from "../../shared/contract";
import type { Config } from "../config";
import type { Db } from "../store/db";
import { demoUsers } from "../demo-accounts";
import { CODE_LISTS, agencyTypeByKey } from "../../shared/codelists";
import { refreshAgencyDirectory } from "../directory/directory";

export async function serviceMeta(config: Pick<Config, "agency" | "agencyCode" | "agencyType" | "agencyScope" | "demoMode">, db: Db): Promise<ServiceMeta> {
  const { agency } = config;
  const members = await refreshAgencyDirectory(db, config);
  const own = members.find((m) => m.code === config.agencyCode);
  const typeName = (key: string) => {
    const t = agencyTypeByKey(key);
    return t ? { de: t.de, en: t.en } : { de: key, en: key };
  };
  return {
    agency,
    agencyCode: config.agencyCode,
    agencyType: config.agencyType,
    agencyScope: config.agencyScope,
    // Before its AgencyJoined is stored (catching up) an agency is named by its key.
    agencyName: own ? { de: own.de, en: own.en } : { de: agency, en: agency },
    members: members.map((m) => ({
      agency: m.key,
      code: m.code,
      type: m.type,
      typeName: typeName(m.type),
      scope: m.scope,
      name: m.de,
      accounts: m.accounts,
      joinedBlock: m.joinedBlock,
      leftBlock: m.leftBlock,
      self: m.code === config.agencyCode,
    })),
    codeListVersion: CODE_LISTS.version,
    demoMode: config.demoMode,
    ...(config.demoMode ? { demoLogins: demoUsers(agency).map(({ username, password, role, displayName }) => ({ username, password, role, displayName })) } : {}),
  };
}
