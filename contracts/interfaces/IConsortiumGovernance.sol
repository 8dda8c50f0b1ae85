// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {ICodeListRegistry} from "./ICodeListRegistry.sol";

/// @title IConsortiumGovernance
/// @notice The part of the consortium's governance that the services and the audit depend on: the member
/// agencies with their type and scope, the step rights of each agency type, the membership, auditor and
/// rights events the audit replays, and the error a non-member's write reverts with. Proposals and
/// approvals are used by the member agencies directly, see {ConsortiumGovernance}.
interface IConsortiumGovernance is ICodeListRegistry {
    /**
     * @dev What an agency type may record, as governance sets it with a code-list version.
     * @param agencyType the agency type (code list `agencyTypes`, 1..255)
     * @param steps bit `s` set: members of the type may record step `s` (step codes below 128; bit 0 unused)
     * @param allocationScoped members of the type record only for cases whose current allocation
     * (the latest MUNICIPAL_ALLOCATION) names their scope
     */
    struct TypeRights {
        uint8 agencyType;
        uint128 steps;
        bool allocationScoped;
    }

    /**
     * @dev A member account as the deployment names it.
     * @param account the account that writes
     * @param agency the agency it writes for (1..255; the top byte of the agency's event ids)
     * @param agencyType the agency's type
     * @param scope the agency's scope: the Land key (14 = Saxony), or the district key (AGS) of a
     * district authority
     * @param name the agency's name, as {AgencyJoined} reports it
     */
    struct NewMember {
        address account;
        uint8 agency;
        uint8 agencyType;
        uint32 scope;
        string name;
    }

    /**
     * @dev Emitted when an agency with no member account gains its first one (at deployment or when an
     * AddMember proposal is carried out), right before that account's {MemberAdded}.
     * @param agency the agency
     * @param agencyType its type
     * @param scope its scope (Land key, or the district key of a district authority)
     * @param name its name
     */
    event AgencyJoined(uint8 indexed agency, uint8 agencyType, uint32 scope, string name);

    /**
     * @dev Emitted when the step rights of an agency type are set: at deployment, and when a SetCodeList
     * proposal is carried out (before its {CodeListChanged}). Members of the type write under the new
     * rights from the next step on.
     * @param agencyType the agency type
     * @param steps bit `s` set: the type may record step `s`
     * @param allocationScoped whether the type records only for cases allocated to its scope
     */
    event TypeRightsChanged(uint8 indexed agencyType, uint128 steps, bool allocationScoped);

    /**
     * @dev Emitted when `account` becomes a writer for `agency`: at deployment, or when an AddMember
     * proposal is carried out.
     * @param account the new member account
     * @param agency the agency it writes for
     */
    event MemberAdded(address indexed account, uint8 indexed agency);

    /**
     * @dev Emitted when a RemoveMember proposal is carried out: `account` no longer writes for `agency`,
     * from this transaction on.
     * @param account the removed member account
     * @param agency the agency it wrote for
     */
    event MemberRemoved(address indexed account, uint8 indexed agency);

    /**
     * @dev Emitted when `account` receives the read-only auditor role: at deployment, or when an
     * AddAuditor proposal is carried out.
     * @param account the new auditor account
     */
    event AuditorAdded(address indexed account);

    /**
     * @dev Emitted when a RemoveAuditor proposal is carried out.
     * @param account the account that lost the auditor role
     */
    event AuditorRemoved(address indexed account);

    /**
     * @dev Raised when `account` is not a member but must be one: it sends a write (record, propose,
     * approve), or a RemoveMember proposal names it.
     * @param account the account that is not a member
     */
    error NotAMember(address account);

    /**
     * @dev The agency an account writes for.
     * @param account the account
     * @return the agency; 0 for a non-member
     */
    function agencyOf(address account) external view returns (uint8);

    /**
     * @dev An agency's type, scope and number of member accounts. Type and scope stay once the agency
     * joined, also after its last account was removed (0 accounts); both are 0 for an agency that never
     * joined.
     * @param agency the agency
     * @return agencyType its type
     * @return scope its scope
     * @return accounts its member accounts
     */
    function agencyInfo(uint8 agency) external view returns (uint8 agencyType, uint32 scope, uint32 accounts);

    /**
     * @dev The step rights of an agency type (both 0 for a type without rights).
     * @param agencyType the agency type
     * @return steps bit `s` set: the type may record step `s`
     * @return allocationScoped whether the type records only for cases allocated to its scope
     */
    function typeRights(uint8 agencyType) external view returns (uint128 steps, bool allocationScoped);
}
