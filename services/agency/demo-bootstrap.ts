// DEMO_MODE: the demo logins and API tokens of demo-accounts.ts exist whenever the service starts.
import type { Db } from "./store/db";
import type { AgencyKey } from "../shared/codelists";
import { ensureApiClient, ensureUser } from "./auth/bootstrap";
import { demoApiClient, demoAuditClient, demoUsers } from "./demo-accounts";

export async function ensureDemoAccounts(db: Db, agency: AgencyKey): Promise<void> {
  for (const u of demoUsers(agency)) await ensureUser(db, u);
  await ensureApiClient(db, demoApiClient(agency));
  await ensureApiClient(db, demoAuditClient(agency));
}
