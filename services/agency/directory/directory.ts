// The directory of member agencies as this service knows it from the chain (MemberAgency rows the
// listener keeps): served in /api/meta, and handed to the shared vocabulary (setAgencyDirectory) so that
// every answer names agencies by key, type and name. The chain has no keys: the pilots keep theirs
// (BAMF, ZAB), this service its own (AGENCY), every other member gets the key `npm run agency:onboard`
// gives by default (ABH-<district> for a district authority, <TYPE>-<scope> otherwise), or AGENCY-<number>
// where that is taken or the type unknown: every service derives the same keys from the same chain.
import type { Db } from "../store/db";
import { PILOT_AGENCIES, agencyTypeByCode, setAgencyDirectory, type AgencyEntry } from "../../shared/vocab/codelists";

/** What the service knows of itself: its key and number, and type and scope once resolved (identity.ts). */
export interface Self {
  agency: string;
  agencyCode: number;
  agencyType: string;
  agencyScope: number;
}

export interface DirectoryMember extends AgencyEntry {
  /** member accounts now; 0 once all were removed */
  accounts: number;
  joinedBlock: number;
  leftBlock: number | null;
}

/** The key `npm run agency:onboard` gives an agency by default (scripts/onboard/cli.ts). */
export function defaultAgencyKey(typeCode: number, scope: number): string | undefined {
  const type = agencyTypeByCode(typeCode);
  if (!type) return undefined;
  return type.allocationScoped ? `ABH-${scope}` : `${type.key.split("_")[0]}-${scope}`;
}

/** The key another member goes by here: the pilots' keys, the onboarding default, else from its number. */
export function memberKey(code: number, self: Pick<Self, "agency" | "agencyCode">, typeCode = 0, scope = 0, taken: ReadonlySet<string> = new Set()): string {
  if (code === self.agencyCode) return self.agency;
  const pilot = PILOT_AGENCIES.find((a) => a.code === code)?.key;
  if (pilot) return pilot;
  const key = defaultAgencyKey(typeCode, scope);
  return key && !taken.has(key) && key !== self.agency ? key : `AGENCY-${code}`;
}

/** An agency type's key for a type number (the current code lists), or TYPE-<n> for one they do not know. */
export function typeKeyOf(code: number): string {
  return agencyTypeByCode(code)?.key ?? `TYPE-${code}`;
}

/** The members as stored, by number. */
export async function loadDirectory(db: Db, self: Pick<Self, "agency" | "agencyCode">): Promise<DirectoryMember[]> {
  const rows = await db.memberAgency.findMany({ orderBy: { code: "asc" } });
  // Keys by number order: a default key two members would share goes to the earlier one.
  const taken = new Set<string>();
  const keys = rows.map((r) => {
    const key = memberKey(r.code, self, r.agencyType, r.scope, taken);
    taken.add(key);
    return key;
  });
  return rows.map((r, i) => ({
    code: r.code,
    key: keys[i],
    type: typeKeyOf(r.agencyType),
    scope: r.scope,
    de: r.name,
    // The chain holds one name; a pilot's English name is known here.
    en: PILOT_AGENCIES.find((a) => a.code === r.code && a.de === r.name)?.en ?? r.name,
    accounts: r.accounts,
    joinedBlock: r.joinedBlock,
    leftBlock: r.leftBlock,
  }));
}

/** Load the directory and make it the vocabulary's; returns it. */
export async function refreshAgencyDirectory(db: Db, self: Pick<Self, "agency" | "agencyCode">): Promise<DirectoryMember[]> {
  const members = await loadDirectory(db, self);
  setAgencyDirectory(members.map(({ code, key, type, scope, de, en }) => ({ code, key, type, scope, de, en })));
  return members;
}
