// DEMO_MODE: the demo logins and API tokens of demo-accounts.ts exist whenever the service starts.
import type { Db } from "./store/db";
import type { AgencyKey } from "../shared/codelists";
import { ensureApiClient, ensureUser } from "./auth/bootstrap";
import { demoApiClient, demoAuditClient, demoUsers } from "./demo-accounts";

export async function ensureDemoAccounts(db: Db, agency: AgencyKey): Promise<void> {
  // The demo administrator shows the break-glass account: its password works even with sign-on configured.
  for (const u of demoUsers(agency)) await ensureUser(db, { ...u, breakGlass: u.role === "admin" });
  await ensureApiClient(db, demoApiClient(agency));
  await ensureApiClient(db, demoAuditClient(agency));
}
