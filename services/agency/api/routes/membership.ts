// The admin area's membership (administrators only, issue 14): the member agencies and the governance
// proposals as the chain records them; this agency proposes adding or removing a member account and
// approves proposals with its own key. A majority of the member agencies carries a proposal out.
import { defineRoute, type AnyRouteSpec, type ResponseSpec } from "../route";
import type { ApiDeps } from "../deps";
import { TAG, ACCESS } from "../route-parts";
import { GovernanceTxResult, MembershipOverview, ProposalIdParams, ProposeMembershipBody } from "../../../shared/contract/membership";
import { approveProposal, membershipOverview, proposeMembership } from "../../admin/membership";

const REFUSED: ResponseSpec = {
  description: "vom Ledger abgelehnt; `reason` nennt den Fehler des Vertrags (z. B. AlreadyApproved, ProposalStale) / refused by the ledger; `reason` names the contract's error",
};

export function membershipRoutes(deps: ApiDeps): AnyRouteSpec[] {
  const { ctx } = deps;
  const admin = { tag: TAG.administration, access: ACCESS.admins };
  return [
    defineRoute({
      ...admin,
      method: "GET",
      url: "/api/admin/membership",
      operationId: "getMembership",
      summary: "Mitgliedsbehörden und Abstimmungen / Member agencies and votes",
      description: "Aus den Ereignissen des Ledgers seit dem Deployment. / From the ledger's events since its deployment.",
      responses: { 200: { description: "Mitgliedschaft / membership", schema: MembershipOverview } },
      handler: async () => membershipOverview(ctx),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/admin/membership/proposals",
      operationId: "proposeMembership",
      summary: "Mitgliedschaft vorschlagen / Propose a membership change",
      description:
        "Schlägt mit dem Schlüssel dieser Behörde vor, ein Konto aufzunehmen (Nummer, Art, Zuständigkeit, Name) oder zu entfernen; die eigene Zustimmung zählt sofort. / Proposes with this agency's key to add (number, type, scope, name) or remove a member account; this agency's approval counts at once.",
      body: ProposeMembershipBody,
      responses: { 200: { description: "vorgeschlagen / proposed", schema: GovernanceTxResult }, 409: REFUSED },
      handler: async ({ body, principal }) => proposeMembership(ctx, principal, body),
    }),
    defineRoute({
      ...admin,
      method: "POST",
      url: "/api/admin/membership/proposals/:id/approve",
      operationId: "approveProposal",
      summary: "Vorschlag zustimmen / Approve a proposal",
      description: "Eine Stimme je Behörde; die Mehrheit der Mitgliedsbehörden setzt ihn in Kraft. / One vote per agency; a majority of the member agencies puts it in force.",
      params: ProposalIdParams,
      responses: { 200: { description: "zugestimmt / approved", schema: GovernanceTxResult }, 409: REFUSED },
      handler: async ({ params, principal }) => approveProposal(ctx, principal, params.id),
    }),
  ];
}
