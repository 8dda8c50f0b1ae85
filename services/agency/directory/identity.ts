// Who this service is on the ledger: its number comes from the settings, its type and scope from the chain
// (agencyInfo), where settings that name them are checked. An agency that has not joined yet starts only
// with AGENCY_TYPE and AGENCY_SCOPE set (it then catches up once the vote let it in); the listener updates
// both when its AgencyJoined arrives (followers.ts).
import type { Logger } from "pino";
import { ConfigError, type Config } from "../config";
import { agencyTypeByCode, agencyTypeByKey } from "../../shared/vocab/codelists";
import type { MembershipReads } from "./chain-reads";

/** Set config.agencyType / agencyScope from the chain; throws ConfigError when the settings contradict it. */
export async function resolveIdentity(config: Config, reads: Pick<MembershipReads, "agencyInfo" | "agencyOf">, account: string, log: Logger): Promise<void> {
  const info = await reads.agencyInfo(config.agencyCode);
  if (info.agencyType === 0) {
    if (!config.agencyType || !config.agencyScope) {
      throw new ConfigError(
        `agency ${config.agencyCode} (${config.agency}) has not joined the ledger yet: approve its membership first, or set AGENCY_TYPE and AGENCY_SCOPE to start it before the vote`,
      );
    }
    log.warn({ agencyCode: config.agencyCode, agencyType: config.agencyType, scope: config.agencyScope }, "agency has not joined the ledger yet; it writes once its membership is approved");
    return;
  }
  const type = agencyTypeByCode(info.agencyType);
  if (!type) throw new ConfigError(`agency ${config.agencyCode} is of type ${info.agencyType} on chain, which the code lists of this build do not know`);
  if (config.identityFromSettings.type && config.agencyType !== type.key) {
    throw new ConfigError(`AGENCY_TYPE ${config.agencyType} contradicts the chain: agency ${config.agencyCode} is a ${type.key} (${type.en})`);
  }
  if (config.identityFromSettings.scope && config.agencyScope !== info.scope) {
    throw new ConfigError(`AGENCY_SCOPE ${config.agencyScope} contradicts the chain: agency ${config.agencyCode} has scope ${info.scope}`);
  }
  config.agencyType = type.key;
  config.agencyScope = info.scope;
  const of = await reads.agencyOf(account);
  if (of !== 0 && of !== config.agencyCode) {
    throw new ConfigError(`the keystore's account ${account} writes for agency ${of} on the ledger, not for agency ${config.agencyCode} (AGENCY_CODE)`);
  }
  if (of === 0) log.warn({ account, agencyCode: config.agencyCode }, "the agency's account is not a member (not yet, or removed): writes are refused until it is");
}

/** Whether this agency's type writes only for cases allocated to its scope (a district authority). */
export function isAllocationScoped(config: Pick<Config, "agencyType">): boolean {
  return agencyTypeByKey(config.agencyType)?.allocationScoped ?? false;
}
