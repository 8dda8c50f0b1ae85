// Demo logins and API tokens, created only when the service runs with DEMO_MODE=true (npm start).
// They are public by design: never enable DEMO_MODE outside a demonstration.
import type { AgencyKey } from "../shared/codelists";

export interface DemoUser {
  username: string;
  password: string;
  role: "clerk" | "auditor" | "admin";
  displayName: string;
}

export function demoUsers(agency: AgencyKey): DemoUser[] {
  const a = agency.toLowerCase();
  return [
    { username: `${a}.sachbearbeitung`, password: `${a}-demo-clerk`, role: "clerk", displayName: `${agency} Sachbearbeitung (Demo)` },
    { username: `${a}.pruefung`, password: `${a}-demo-audit`, role: "auditor", displayName: `${agency} Prüfung (Demo)` },
    { username: `${a}.admin`, password: `${a}-demo-admin`, role: "admin", displayName: `${agency} Administration (Demo)` },
  ];
}

/** The specialist application's API token in demo mode (MARiS for BAMF, the ZAB application for ZAB). */
export function demoApiClient(agency: AgencyKey): { name: string; token: string; role: "clerk" } {
  return { name: agency === "BAMF" ? "maris-demo" : "zab-fachverfahren-demo", token: `demo-${agency.toLowerCase()}-fachverfahren-token`, role: "clerk" };
}

/** The auditor's API token in demo mode (used by `npm run audit`). */
export function demoAuditClient(agency: AgencyKey): { name: string; token: string; role: "auditor" } {
  return { name: "audit-demo", token: `demo-${agency.toLowerCase()}-audit-token`, role: "auditor" };
}
