// The listener's hook for issue 14, run inside its page transaction (store-events.ts) before the page's
// notifications are made: the membership events update the directory of agencies (MemberAgency,
// MemberAccount, TypeRightsSetting), and the page's steps update which cases this agency follows
// (CaseFollow). The answer says, per case, whether this agency follows it: notifications are made only for
// followed cases (notifications/rules.ts).
import { getAddress } from "ethers";
import type { Tx } from "../store/serialized";
import { Prisma } from "../generated/prisma/client";
import { asBoolean, selectRows } from "../store/hot-reads";
import type { LedgerLog } from "../chain/ledger-logs";
import type { EventRow } from "./event-row";
import { PILOT_AGENCIES, agencyTypeByKey, stepByKey } from "../../shared/vocab/codelists";

/** This agency as the rules see it: number, type key and scope (config, resolved from the chain at start). */
export interface Follower {
  agency: string;
  agencyCode: number;
  agencyType: string;
  agencyScope: number;
}

/** A follower given by a pilot's key ("BAMF", "ZAB": the tools and benches that predate the directory), or as is. */
export function followerOf(me: Follower | string): Follower {
  if (typeof me !== "string") return me;
  const pilot = PILOT_AGENCIES.find((a) => a.key === me);
  if (!pilot) throw new Error(`${me} is not a pilot agency: give the agency's number, type and scope`);
  return { agency: pilot.key, agencyCode: pilot.code, agencyType: pilot.type, agencyScope: pilot.scope };
}

const MUNICIPAL_ALLOCATION = stepByKey("MUNICIPAL_ALLOCATION").code;
const DIRECTORY_EVENTS = new Set(["AgencyJoined", "MemberAdded", "MemberRemoved", "TypeRightsChanged"]);

/** A central immigration authority follows every case of the ledger (its Land's; the pilot has one Land). */
export function followsEveryCase(me: Pick<Follower, "agencyType">): boolean {
  return me.agencyType === "CENTRAL_AUTHORITY";
}

/** Whether a district allocation names this agency: a type that writes only for its scope, and that scope. */
export function allocationNamesMe(me: Pick<Follower, "agencyType" | "agencyScope">, district: string | null): boolean {
  return (agencyTypeByKey(me.agencyType)?.allocationScoped ?? false) && district !== null && Number(district) === me.agencyScope;
}

export interface PageOutcome {
  /** whether this agency follows the case (after the page) */
  follows: (caseRef: string) => boolean;
  /** a membership or rights event was stored: the directory needs reloading */
  directoryChanged: boolean;
  /** this agency joined in this page: its type and scope are now on chain */
  joined?: { agencyType: number; scope: number };
}

/** Apply the page's membership events and follow changes; `logs` and `rows` are the page's fresh events, in order. */
export async function applyFollowersAndDirectory(tx: Tx, logs: LedgerLog[], rows: EventRow[], me: Follower): Promise<PageOutcome> {
  let directoryChanged = false;
  let joined: PageOutcome["joined"];
  for (const l of logs) {
    if (!DIRECTORY_EVENTS.has(l.name)) continue;
    directoryChanged = true;
    const a = l.args;
    if (l.name === "AgencyJoined") {
      const code = Number(a.agency);
      const data = { agencyType: Number(a.agencyType), scope: Number(a.scope), name: a.name, joinedBlock: l.blockNumber };
      await tx.memberAgency.upsert({ where: { code }, create: { code, ...data }, update: { ...data, leftBlock: null } });
      if (code === me.agencyCode) joined = { agencyType: data.agencyType, scope: data.scope };
    } else if (l.name === "MemberAdded") {
      const account = getAddress(a.account);
      const agency = Number(a.agency);
      await tx.memberAccount.upsert({ where: { account }, create: { account, agency, addedBlock: l.blockNumber }, update: { agency, addedBlock: l.blockNumber, removedBlock: null } });
      // An agency the chain let in before AgencyJoined existed (or whose join this page lacks) still counts.
      await tx.memberAgency.upsert({
        where: { code: agency },
        create: { code: agency, agencyType: 0, scope: 0, name: `AGENCY-${agency}`, joinedBlock: l.blockNumber, accounts: 1 },
        update: { accounts: { increment: 1 }, leftBlock: null },
      });
    } else if (l.name === "MemberRemoved") {
      const account = getAddress(a.account);
      const agency = Number(a.agency);
      await tx.memberAccount.updateMany({ where: { account }, data: { removedBlock: l.blockNumber } });
      const row = await tx.memberAgency.findUnique({ where: { code: agency } });
      if (row) {
        const accounts = Math.max(0, row.accounts - 1);
        await tx.memberAgency.update({ where: { code: agency }, data: { accounts, leftBlock: accounts === 0 ? l.blockNumber : null } });
      }
    } else {
      const agencyType = Number(a.agencyType);
      const data = { steps: a.steps, allocationScoped: a.allocationScoped === "true", blockNumber: l.blockNumber };
      await tx.typeRightsSetting.upsert({ where: { agencyType }, create: { agencyType, ...data }, update: data });
    }
  }

  if (followsEveryCase(me)) return { follows: () => true, directoryChanged, joined };

  // Follow changes of this page, in ledger order: own steps, and allocations naming (or no longer naming) us.
  const changes = new Map<string, { byStep?: boolean; byAllocation?: boolean }>();
  for (const r of rows) {
    if (r.name !== "StepRecorded" || !r.caseRef) continue;
    const c = changes.get(r.caseRef) ?? {};
    if (r.agency === me.agencyCode) c.byStep = true;
    if (r.stepCode === MUNICIPAL_ALLOCATION) c.byAllocation = allocationNamesMe(me, r.detail);
    if (c.byStep !== undefined || c.byAllocation !== undefined) changes.set(r.caseRef, c);
  }

  // The page's cases as followed before it; a change is written only where it changes a row (an agency
  // writing steps on a case it follows already writes nothing here).
  const refs = [...new Set(rows.map((r) => r.caseRef).filter((c): c is string => c !== null))];
  if (refs.length === 0) return { follows: () => false, directoryChanged, joined };
  // plain SQL (store/hot-reads.ts): on every page, with up to a page's cases as parameters
  const before = await selectRows<{ caseRef: string; byStep: boolean | number; byAllocation: boolean | number }>(
    tx,
    Prisma.sql`SELECT "caseRef", "byStep", "byAllocation" FROM "CaseFollow" WHERE "caseRef" IN (${Prisma.join(refs)})`,
  );
  const rowsBefore = new Map(before.map((f) => [f.caseRef, { caseRef: f.caseRef, byStep: asBoolean(f.byStep), byAllocation: asBoolean(f.byAllocation) }]));
  const followed = new Set<string>();
  for (const f of rowsBefore.values()) if (f.byStep || f.byAllocation) followed.add(f.caseRef);
  for (const [caseRef, c] of changes) {
    const before = rowsBefore.get(caseRef);
    const byStep = c.byStep || (before?.byStep ?? false);
    const byAllocation = c.byAllocation ?? before?.byAllocation ?? false;
    if (before && before.byStep === byStep && before.byAllocation === byAllocation) continue;
    const update = { ...(c.byStep ? { byStep: true } : {}), ...(c.byAllocation !== undefined ? { byAllocation: c.byAllocation } : {}) };
    await tx.caseFollow.upsert({ where: { caseRef }, create: { caseRef, byStep, byAllocation }, update });
    if (byStep || byAllocation) followed.add(caseRef);
    else followed.delete(caseRef);
  }

  // Not followed by a row: the case is registered here (or we queued a step for it: the writer keeps a
  // Case row for every case we write for).
  const missing = refs.filter((r) => !followed.has(r));
  if (missing.length) for (const c of await selectRows<{ caseRef: string }>(tx, Prisma.sql`SELECT "caseRef" FROM "Case" WHERE "caseRef" IN (${Prisma.join(missing)})`)) followed.add(c.caseRef);
  return { follows: (caseRef) => followed.has(caseRef), directoryChanged, joined };
}
