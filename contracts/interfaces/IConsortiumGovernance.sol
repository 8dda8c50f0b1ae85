// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {ICodeListRegistry} from "./ICodeListRegistry.sol";

/// @title IConsortiumGovernance
/// @notice The part of the consortium's governance that the services and the audit depend on: the
/// membership and auditor events the audit replays, and the error a non-member's write reverts with.
/// Proposals and approvals are used by the member agencies directly, see {ConsortiumGovernance}.
interface IConsortiumGovernance is ICodeListRegistry {
    /**
     * @dev Emitted when `account` becomes a writer for `agency`: at deployment, or when an AddMember
     * proposal is carried out.
     * @param account the new member account
     * @param agency the agency it writes for (1 = BAMF, 2 = ZAB)
     */
    event MemberAdded(address indexed account, uint8 indexed agency);

    /**
     * @dev Emitted when a RemoveMember proposal is carried out: `account` no longer writes for `agency`.
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
}
