// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {CodeListRegistry} from "./CodeListRegistry.sol";
import {StepCatalogue} from "./StepCatalogue.sol";
import {IConsortiumGovernance} from "./interfaces/IConsortiumGovernance.sol";

/// @title ConsortiumGovernance
/// @notice Membership of the ledger consortium: which accounts write for which agency, which accounts
/// audit, and which code-list version is in force. After deployment every change needs the approval of
/// a majority of the member agencies, one vote per agency however many accounts it holds: no single
/// agency and no deployer key can add a writer alone.
/// @dev Every write checks all its conditions before it changes state or emits an event, so that no
/// path reverts after an event.
abstract contract ConsortiumGovernance is IConsortiumGovernance, CodeListRegistry {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @dev What a proposal changes.
    enum Action {
        AddMember,
        RemoveMember,
        AddAuditor,
        RemoveAuditor,
        SetCodeList
    }

    /**
     * @dev A proposal as stored.
     * @param action what it changes
     * @param agency the agency of the new member (AddMember)
     * @param executed whether it was carried out
     * @param approvals number of agencies that approved it
     * @param epoch the {membershipEpoch} it was made in; it goes stale when membership changes
     * @param account the member or auditor account (AddMember, RemoveMember, AddAuditor, RemoveAuditor)
     * @param codeListHash the new code-list hash (SetCodeList)
     * @param codeListVersion the new code-list version label (SetCodeList)
     */
    struct Proposal {
        Action action;
        uint8 agency;
        bool executed;
        uint32 approvals;
        uint64 epoch;
        address account;
        bytes32 codeListHash;
        bytes32 codeListVersion;
    }

    mapping(address account => uint8 agency) private _agencyOf;
    mapping(uint8 agency => uint32 accounts) private _accountsOf;
    mapping(address account => bool) private _auditor;
    mapping(uint256 id => uint256 agencyBits) private _approvedBy;
    EnumerableSet.AddressSet private _members;
    Proposal[] private _proposals;

    /// @notice Number of member agencies (with at least one writing account); a majority of them
    /// approves every change.
    uint32 public agencyCount;
    /// @notice Increases with every membership change; approvals given before a change no longer count.
    uint64 public membershipEpoch;

    /**
     * @dev Emitted when a member proposes a change.
     * @param id the proposal's id
     * @param proposer the member account that proposed it
     * @param action what it changes
     * @param account the member or auditor account (AddMember, RemoveMember, AddAuditor, RemoveAuditor)
     * @param agency the agency of the new member (AddMember)
     * @param codeListHash the new code-list hash (SetCodeList)
     * @param codeListVersion the new code-list version label (SetCodeList)
     */
    event ProposalCreated(
        uint256 indexed id,
        address indexed proposer,
        Action action,
        address account,
        uint8 agency,
        bytes32 codeListHash,
        bytes32 codeListVersion
    );

    /**
     * @dev Emitted when a member agency approves a proposal (the proposer's agency at once).
     * @param id the proposal's id
     * @param member the approving member account
     * @param approvals number of agencies that approved it so far
     * @param required number of approvals it needs
     */
    event ProposalApproved(uint256 indexed id, address indexed member, uint32 approvals, uint32 required);

    /**
     * @dev Emitted when a proposal is carried out, right before the event of its change.
     * @param id the proposal's id
     */
    event ProposalExecuted(uint256 indexed id);

    /**
     * @dev Raised when an AddMember proposal names an agency that is neither BAMF (1) nor ZAB (2), and
     * at deployment for such an agency.
     * @param agency the unknown agency
     */
    error UnknownAgency(uint8 agency);

    /**
     * @dev Raised when an account to be added as a member already is a member or an auditor.
     * @param account the account
     */
    error AlreadyMember(address account);

    /**
     * @dev Raised when an account to be added as an auditor already is an auditor or a member.
     * @param account the account
     */
    error AlreadyAuditor(address account);

    /**
     * @dev Raised when a RemoveAuditor proposal names an account that is not an auditor.
     * @param account the account
     */
    error NotAnAuditor(address account);

    /// @dev Raised when a proposal or the deployment names the zero address as member or auditor.
    error ZeroAccount();

    /**
     * @dev Raised when a RemoveMember proposal would remove the last member account.
     * @param account the last member account
     */
    error LastMember(address account);

    /**
     * @dev Raised when a proposal id does not exist.
     * @param id the proposal id
     */
    error UnknownProposal(uint256 id);

    /**
     * @dev Raised when a proposal that was carried out is approved again.
     * @param id the proposal id
     */
    error ProposalAlreadyExecuted(uint256 id);

    /**
     * @dev Raised when an agency approves a proposal a second time (through any of its accounts).
     * @param id the proposal id
     * @param agency the approving agency
     */
    error AlreadyApproved(uint256 id, uint8 agency);

    /**
     * @dev Raised when a proposal made before the last membership change is approved.
     * @param id the proposal id
     */
    error ProposalStale(uint256 id);

    /// @dev Raised at deployment when the member and agency lists differ in length.
    error LengthMismatch();

    /// @dev Reverts with {NotAMember} unless the caller is a member account.
    modifier onlyMember() {
        if (_agencyOf[msg.sender] == 0) revert NotAMember(msg.sender);
        _;
    }

    /**
     * @dev Sets up the first members, auditors and code-list version; every later change goes through
     * {propose} and {approve}.
     *
     * Requirements:
     *
     * - `members_` and `agencies` must have the same length ({LengthMismatch}).
     * - no account may be the zero address ({ZeroAccount}) or appear twice, as member or as auditor
     *   ({AlreadyMember}, {AlreadyAuditor}).
     * - every agency must be BAMF (1) or ZAB (2) ({UnknownAgency}).
     * - `codeListHash_` must not be 0 ({EmptyCodeListHash}).
     *
     * May emit:
     *
     * - {MemberAdded} for each member, then {AuditorAdded} for each auditor, then {CodeListChanged}.
     *
     * @param members_ the first member accounts
     * @param agencies the agency each member account writes for
     * @param auditors the first auditor accounts
     * @param codeListHash_ the hash of the code lists in force
     * @param codeListVersion_ the label of that code-list version
     */
    constructor(
        address[] memory members_,
        uint8[] memory agencies,
        address[] memory auditors,
        bytes32 codeListHash_,
        bytes32 codeListVersion_
    ) {
        if (members_.length != agencies.length) revert LengthMismatch();
        // Each account is checked against those stored before it (duplicates); events follow once all passed.
        for (uint256 i = 0; i < members_.length; ++i) {
            _validate(Action.AddMember, members_[i], agencies[i], bytes32(0));
            _storeMember(members_[i], agencies[i]);
        }
        for (uint256 i = 0; i < auditors.length; ++i) {
            _validate(Action.AddAuditor, auditors[i], 0, bytes32(0));
            _auditor[auditors[i]] = true;
        }
        _requireCodeListHash(codeListHash_);

        for (uint256 i = 0; i < members_.length; ++i) emit MemberAdded(members_[i], agencies[i]);
        for (uint256 i = 0; i < auditors.length; ++i) emit AuditorAdded(auditors[i]);
        _setCodeList(codeListHash_, codeListVersion_);
    }

    /**
     * @dev The agency an account writes for.
     * @param account the account
     * @return the agency (1 = BAMF, 2 = ZAB); 0 for a non-member
     */
    function agencyOf(address account) public view returns (uint8) {
        return _agencyOf[account];
    }

    /**
     * @dev Whether `account` holds the read-only auditor role.
     * @param account the account
     * @return true for an auditor
     */
    function isAuditor(address account) external view returns (bool) {
        return _auditor[account];
    }

    /**
     * @dev Number of member accounts (writers).
     * @return the number of member accounts
     */
    function memberCount() public view returns (uint256) {
        return _members.length();
    }

    /**
     * @dev All member accounts (writers), for auditors.
     * @return the member accounts
     */
    function members() external view returns (address[] memory) {
        return _members.values();
    }

    /**
     * @dev Approvals a proposal needs: a strict majority of the member agencies.
     * @return the number of approvals
     */
    function requiredApprovals() public view returns (uint32) {
        return agencyCount / 2 + 1;
    }

    /**
     * @dev Number of proposals ever made; ids run from 0 to this number minus 1.
     * @return the number of proposals
     */
    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    /**
     * @dev A proposal as stored.
     *
     * Requirements:
     *
     * - `id` must be a proposal's id ({UnknownProposal}).
     *
     * @param id the proposal's id
     * @return the proposal
     */
    function proposal(uint256 id) external view returns (Proposal memory) {
        if (id >= _proposals.length) revert UnknownProposal(id);
        return _proposals[id];
    }

    /**
     * @dev Whether `agency` (through any of its accounts) approved proposal `id`.
     * @param id the proposal's id
     * @param agency the agency
     * @return true once the agency approved it
     */
    function hasApproved(uint256 id, uint8 agency) external view returns (bool) {
        return (_approvedBy[id] >> agency) & 1 == 1;
    }

    /**
     * @dev Proposes a change of membership or code lists. The proposer's agency approves it at once, so
     * in a consortium of one agency it is carried out at once.
     *
     * Requirements:
     *
     * - the caller must be a member account ({NotAMember}).
     * - SetCodeList: `newCodeListHash` must not be 0 ({EmptyCodeListHash}).
     * - any other action: `account` must not be the zero address ({ZeroAccount}).
     * - AddMember: `agency` must be BAMF (1) or ZAB (2) ({UnknownAgency}); `account` must be neither
     *   member nor auditor ({AlreadyMember}).
     * - RemoveMember: `account` must be a member ({NotAMember}) and not the last one ({LastMember}).
     * - AddAuditor: `account` must be neither auditor nor member ({AlreadyAuditor}).
     * - RemoveAuditor: `account` must be an auditor ({NotAnAuditor}).
     *
     * May emit:
     *
     * - {ProposalCreated} and {ProposalApproved}, always.
     * - when this approval is a majority: {ProposalExecuted}, then the change's event ({MemberAdded},
     *   {MemberRemoved}, {AuditorAdded}, {AuditorRemoved} or {CodeListChanged}).
     *
     * @param action what to change
     * @param account the member or auditor account (AddMember, RemoveMember, AddAuditor, RemoveAuditor)
     * @param agency the agency the new member writes for (AddMember)
     * @param newCodeListHash the new code-list hash (SetCodeList)
     * @param newCodeListVersion the new code-list version label (SetCodeList)
     * @return id the proposal's id
     */
    function propose(
        Action action,
        address account,
        uint8 agency,
        bytes32 newCodeListHash,
        bytes32 newCodeListVersion
    ) external onlyMember returns (uint256 id) {
        _validate(action, account, agency, newCodeListHash);
        id = _proposals.length;
        _proposals.push(
            Proposal({
                action: action,
                agency: agency,
                executed: false,
                approvals: 0,
                epoch: membershipEpoch,
                account: account,
                codeListHash: newCodeListHash,
                codeListVersion: newCodeListVersion
            })
        );
        emit ProposalCreated(id, msg.sender, action, account, agency, newCodeListHash, newCodeListVersion);
        // A new proposal is current and has no approvals; it was validated against this very state.
        _countApproval(id, _proposals[id]);
    }

    /**
     * @dev Approves proposal `id` for the caller's agency; it is carried out when a majority of the
     * member agencies approved it.
     *
     * Requirements:
     *
     * - the caller must be a member account ({NotAMember}).
     * - `id` must be a proposal's id ({UnknownProposal}), not carried out yet ({ProposalAlreadyExecuted})
     *   and made since the last membership change ({ProposalStale}).
     * - the caller's agency must not have approved it yet ({AlreadyApproved}).
     * - when this approval is a majority, the change must still be valid: the requirements of {propose}
     *   are checked again.
     *
     * May emit:
     *
     * - {ProposalApproved}, always.
     * - when this approval is a majority: {ProposalExecuted}, then the change's event ({MemberAdded},
     *   {MemberRemoved}, {AuditorAdded}, {AuditorRemoved} or {CodeListChanged}).
     *
     * @param id the proposal's id
     */
    function approve(uint256 id) external onlyMember {
        if (id >= _proposals.length) revert UnknownProposal(id);
        Proposal storage p = _proposals[id];
        if (p.executed) revert ProposalAlreadyExecuted(id);
        if (p.epoch != membershipEpoch) revert ProposalStale(id);
        uint8 agency = _agencyOf[msg.sender];
        if ((_approvedBy[id] >> agency) & 1 != 0) revert AlreadyApproved(id, agency);
        // Re-check before the deciding approval: the state may have changed since the proposal was made.
        if (p.approvals + 1 >= requiredApprovals()) _validate(p.action, p.account, p.agency, p.codeListHash);
        _countApproval(id, p);
    }

    /**
     * @dev Counts the caller's agency's approval of proposal `id` and carries the proposal out once a
     * majority approved it. Checks nothing: the caller has checked everything {approve} requires.
     * @param id the proposal's id
     * @param p the proposal
     */
    function _countApproval(uint256 id, Proposal storage p) private {
        _approvedBy[id] |= uint256(1) << _agencyOf[msg.sender];
        uint32 approvals = ++p.approvals;
        uint32 required = requiredApprovals();
        emit ProposalApproved(id, msg.sender, approvals, required);
        if (approvals >= required) {
            p.executed = true;
            emit ProposalExecuted(id);
            _execute(p);
        }
    }

    /**
     * @dev Reverts unless the change can be made in the current state (see the requirements of {propose}).
     * @param action what to change
     * @param account the member or auditor account
     * @param agency the agency of a new member
     * @param newHash the new code-list hash
     */
    function _validate(Action action, address account, uint8 agency, bytes32 newHash) private view {
        if (action == Action.SetCodeList) {
            _requireCodeListHash(newHash);
            return;
        }
        if (account == address(0)) revert ZeroAccount();
        if (action == Action.AddMember) {
            if (!StepCatalogue.isKnownAgency(agency)) revert UnknownAgency(agency);
            if (_agencyOf[account] != 0 || _auditor[account]) revert AlreadyMember(account);
        } else if (action == Action.RemoveMember) {
            if (_agencyOf[account] == 0) revert NotAMember(account);
            if (_members.length() == 1) revert LastMember(account);
        } else if (action == Action.AddAuditor) {
            if (_auditor[account] || _agencyOf[account] != 0) revert AlreadyAuditor(account);
        } else if (!_auditor[account]) {
            revert NotAnAuditor(account);
        }
    }

    /**
     * @dev Makes the change of a proposal that passed {_validate}; checks nothing.
     * @param p the proposal
     */
    function _execute(Proposal storage p) private {
        if (p.action == Action.AddMember) {
            _storeMember(p.account, p.agency);
            emit MemberAdded(p.account, p.agency);
        } else if (p.action == Action.RemoveMember) {
            _removeMember(p.account);
        } else if (p.action == Action.AddAuditor) {
            _auditor[p.account] = true;
            emit AuditorAdded(p.account);
        } else if (p.action == Action.RemoveAuditor) {
            delete _auditor[p.account];
            emit AuditorRemoved(p.account);
        } else {
            _setCodeList(p.codeListHash, p.codeListVersion);
        }
    }

    /**
     * @dev Stores `account` as a member for `agency` without emitting: the callers emit {MemberAdded}
     * once all their checks have passed. Checks nothing.
     * @param account the new member account
     * @param agency the agency it writes for
     */
    function _storeMember(address account, uint8 agency) private {
        _agencyOf[account] = agency;
        _members.add(account);
        if (_accountsOf[agency]++ == 0) ++agencyCount;
        ++membershipEpoch;
    }

    /**
     * @dev Removes member `account`; checks nothing.
     *
     * May emit:
     *
     * - {MemberRemoved}, always.
     *
     * @param account the member account
     */
    function _removeMember(address account) private {
        uint8 agency = _agencyOf[account];
        delete _agencyOf[account];
        _members.remove(account);
        if (--_accountsOf[agency] == 0) --agencyCount;
        ++membershipEpoch;
        emit MemberRemoved(account, agency);
    }
}
