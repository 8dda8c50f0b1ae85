// Demo logins and API tokens: created by the agency service only when it runs with DEMO_MODE=true
// (npm start), and used by `npm run audit` as the default auditor tokens. Public by design: never enable
// DEMO_MODE outside a demonstration. No imports beyond a type, so that the agency service, the audit and
// the browser can share it without pulling in each other.
import type { AgencyKey } from "./vocab/types";

export interface DemoUser {
  username: string;
  password: string;
  role: "clerk" | "auditor" | "admin";
  displayName: string;
}

export function demoUsers(agency: AgencyKey): DemoUser[] {
  const a = agency.toLowerCase();
  // People read a name, not a key: a district authority (ABH-<district key>) is "Ausländerbehörde".
  const who = agency.startsWith("ABH-") ? "Ausländerbehörde" : agency;
  return [
    { username: `${a}.sachbearbeitung`, password: `${a}-demo-clerk`, role: "clerk", displayName: `${who} Sachbearbeitung (Demo)` },
    { username: `${a}.pruefung`, password: `${a}-demo-audit`, role: "auditor", displayName: `${who} Prüfung (Demo)` },
    { username: `${a}.admin`, password: `${a}-demo-admin`, role: "admin", displayName: `${who} Administration (Demo)` },
  ];
}

/** The specialist application's API token in demo mode (MARiS for BAMF, each other agency's own application). */
export function demoApiClient(agency: AgencyKey): { name: string; token: string; role: "clerk" } {
  return { name: agency === "BAMF" ? "maris-demo" : `${agency.toLowerCase()}-fachverfahren-demo`, token: `demo-${agency.toLowerCase()}-fachverfahren-token`, role: "clerk" };
}

/** The auditor's API token in demo mode (the default of `npm run audit`). */
export function demoAuditClient(agency: AgencyKey): { name: string; token: string; role: "auditor" } {
  return { name: "audit-demo", token: `demo-${agency.toLowerCase()}-audit-token`, role: "auditor" };
}
