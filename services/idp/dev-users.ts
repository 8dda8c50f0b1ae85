// Who can sign in at the development identity provider: the demo logins of the demo agencies (same usernames
// and passwords as demo-credentials.ts), each with its role as an agency-qualified value of the `roles`
// claim ("bamf.clerk"), plus one person per agency whose role no service maps (refused at sign-on).
import { demoUsers } from "../shared/demo-credentials";
import type { AgencyKey } from "../shared/vocab/types";

export interface DevIdpUser {
  username: string;
  password: string;
  name: string;
  /** values of the `roles` claim */
  roles: string[];
}

/** The agencies of the demo network (`npm start`): the pilots and the district authority of Bautzen. */
export const DEMO_AGENCIES: AgencyKey[] = ["BAMF", "ZAB", "ABH-14625"];

/** The claim value for a role of an agency, e.g. "bamf.clerk". */
export function agencyRole(agency: AgencyKey, role: string): string {
  return `${agency.toLowerCase()}.${role}`;
}

export function devIdpUsers(agencies: readonly AgencyKey[] = DEMO_AGENCIES): DevIdpUser[] {
  return agencies.flatMap((agency) => [
    ...demoUsers(agency).map((u) => ({ username: u.username, password: u.password, name: u.displayName, roles: [agencyRole(agency, u.role)] })),
    { username: `${agency.toLowerCase()}.ohnerolle`, password: `${agency.toLowerCase()}-demo-norole`, name: `${agency} ohne Rolle (Demo)`, roles: [agencyRole(agency, "gast")] },
  ]);
}

/** OIDC_ROLE_MAP for an agency's service at the development identity provider. */
export function devIdpRoleMap(agency: AgencyKey): string {
  return ["clerk", "auditor", "admin"].map((r) => `${agencyRole(agency, r)}=${r}`).join(",");
}

/** The client of an agency's service (public: PKCE, no secret) and the callback under `serviceUrl`. */
export function devIdpClient(agency: AgencyKey, serviceUrl: string): { client_id: string; redirect_uris: string[] } {
  return { client_id: `anker-${agency.toLowerCase()}`, redirect_uris: [`${serviceUrl.replace(/\/$/, "")}/api/auth/oidc/callback`] };
}

/** The settings an agency service needs to sign on at the development identity provider. */
export function devIdpServiceEnv(agency: AgencyKey, issuer: string, serviceUrl: string): Record<string, string> {
  const client = devIdpClient(agency, serviceUrl);
  return { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: client.client_id, OIDC_REDIRECT_URL: client.redirect_uris[0], OIDC_ROLES_CLAIM: "roles", OIDC_ROLE_MAP: devIdpRoleMap(agency) };
}
