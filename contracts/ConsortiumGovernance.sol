// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {CodeListRegistry} from "./CodeListRegistry.sol";
import {StepCatalogue} from "./StepCatalogue.sol";
import {IConsortiumGovernance} from "./interfaces/IConsortiumGovernance.sol";

/// @title ConsortiumGovernance
/// @notice Membership of the ledger consortium: which accounts write for which agency, of which type and
/// scope; which steps each agency type may record; which accounts audit; and which code-list version is in
/// force. After deployment every change needs the approval of a majority of the member agencies, one vote
/// per agency however many accounts it holds: no single agency and no deployer key can add a writer alone.
/// @dev Every write checks all its conditions before it changes state or emits an event, so that no
/// path reverts after an event.
///
/// A member account's storage slot holds everything a write needs: agency (bits 0-7), agency type (8-15),
/// scope (16-47), the type's allocation scope (bit 48) and the type's step rights (bits 64-191). So a step
/// costs one storage read for the sender, as when only the agency was stored; carrying out a SetCodeList
/// rewrites the slots of the member accounts whose rights it changed.
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
     * @dev A proposal as stored; the step rights of a SetCodeList are kept apart, see {proposalRights}.
     * @param action what it changes
     * @param agency the agency of the new member (AddMember)
     * @param agencyType the type of that agency (AddMember)
     * @param executed whether it was carried out
     * @param scope the scope of that agency (AddMember)
     * @param approvals number of agencies that approved it
     * @param epoch the {membershipEpoch} it was made in; it goes stale when membership changes
     * @param account the member or auditor account (AddMember, RemoveMember, AddAuditor, RemoveAuditor)
     * @param codeListHash the new code-list hash (SetCodeList)
     * @param codeListVersion the new code-list version label (SetCodeList)
     * @param name the name of the new member's agency (AddMember)
     */
    struct Proposal {
        Action action;
        uint8 agency;
        uint8 agencyType;
        bool executed;
        uint32 scope;
        uint32 approvals;
        uint64 epoch;
        address account;
        bytes32 codeListHash;
        bytes32 codeListVersion;
        string name;
    }

    /// @dev An agency as stored: fixed when it first joins, with its number of member accounts.
    struct AgencyRecord {
        uint8 agencyType;
        uint32 scope;
        uint32 accounts;
    }

    /// @dev The rights of an agency type as stored; `defined` once governance has set them.
    struct StoredRights {
        uint128 steps;
        bool allocationScoped;
        bool defined;
    }

    uint256 internal constant MEMBER_AGENCY_MASK = 0xff;
    uint256 internal constant MEMBER_TYPE_SHIFT = 8;
    uint256 internal constant MEMBER_SCOPE_SHIFT = 16;
    uint256 internal constant MEMBER_SCOPE_MASK = 0xffffffff;
    uint256 internal constant MEMBER_ALLOCATION_SCOPED = 1 << 48;
    uint256 internal constant MEMBER_STEPS_SHIFT = 64;

    mapping(address account => uint256 packed) private _member;
    mapping(uint8 agency => AgencyRecord) private _agencies;
    mapping(uint8 agencyType => StoredRights) private _rights;
    mapping(address account => bool) private _auditor;
    mapping(uint256 id => uint256 agencyBits) private _approvedBy;
    mapping(uint256 id => TypeRights[]) private _proposalRights;
    EnumerableSet.AddressSet private _members;
    Proposal[] private _proposals;
    /// @dev Bit `t` set: agency type `t` has rights.
    uint256 private _definedTypes;
    /// @dev The steps any type may record: a step outside them is unknown, not merely not permitted.
    uint128 private _knownSteps;

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
     * @param agencyType the type of that agency (AddMember)
     * @param scope the scope of that agency (AddMember)
     * @param name the name of that agency (AddMember)
     * @param codeListHash the new code-list hash (SetCodeList)
     * @param codeListVersion the new code-list version label (SetCodeList); its step rights: {proposalRights}
     */
    event ProposalCreated(
        uint256 indexed id,
        address indexed proposer,
        Action action,
        address account,
        uint8 agency,
        uint8 agencyType,
        uint32 scope,
        string name,
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
     * @dev Emitted when a proposal is carried out, right before the events of its change.
     * @param id the proposal's id
     */
    event ProposalExecuted(uint256 indexed id);

    /**
     * @dev Raised when a new member names agency 0 (at deployment or in an AddMember proposal).
     * @param agency the invalid agency
     */
    error UnknownAgency(uint8 agency);

    /**
     * @dev Raised when a new member's agency type has no step rights (at deployment or in an AddMember
     * proposal), and when step rights name agency type 0.
     * @param agencyType the agency type
     */
    error UnknownAgencyType(uint8 agencyType);

    /**
     * @dev Raised when a new member names an agency that joined before with another type or scope.
     * @param agency the agency
     */
    error AgencyMismatch(uint8 agency);

    /**
     * @dev Raised when step rights grant step 0, or grant MUNICIPAL_ALLOCATION to an allocation-scoped
     * type (it would move cases out of its own reach, and a batch checks the scope before it applies).
     * @param agencyType the agency type of the rejected rights
     */
    error InvalidTypeRights(uint8 agencyType);

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

    /// @dev Reverts with {NotAMember} unless the caller is a member account.
    modifier onlyMember() {
        if (_member[msg.sender] == 0) revert NotAMember(msg.sender);
        _;
    }

    /**
     * @dev Sets up the step rights of the agency types, the first members, auditors and code-list version;
     * every later change goes through the proposals ({proposeAddMember} …) and {approve}.
     *
     * Requirements:
     *
     * - every entry of `rights` must name an agency type other than 0 ({UnknownAgencyType}) and be valid
     *   ({InvalidTypeRights}).
     * - no account may be the zero address ({ZeroAccount}) or appear twice, as member or as auditor
     *   ({AlreadyMember}, {AlreadyAuditor}).
     * - every member's agency must not be 0 ({UnknownAgency}), its type must have rights
     *   ({UnknownAgencyType}), and accounts of one agency must give the same type and scope
     *   ({AgencyMismatch}).
     * - `codeListHash_` must not be 0 ({EmptyCodeListHash}).
     *
     * May emit:
     *
     * - {TypeRightsChanged} for each entry of `rights`, then for each member {AgencyJoined} (the first
     *   account of its agency) and {MemberAdded}, then {AuditorAdded} for each auditor, then
     *   {CodeListChanged}.
     *
     * @param rights the step rights of the agency types
     * @param members_ the first member accounts with their agencies
     * @param auditors the first auditor accounts
     * @param codeListHash_ the hash of the code lists in force
     * @param codeListVersion_ the label of that code-list version
     */
    constructor(
        TypeRights[] memory rights,
        NewMember[] memory members_,
        address[] memory auditors,
        bytes32 codeListHash_,
        bytes32 codeListVersion_
    ) {
        for (uint256 i = 0; i < rights.length; ++i) {
            _requireValidRights(rights[i]);
            _storeRights(rights[i]);
        }
        _updateKnownSteps();
        // Each account is checked against those stored before it (duplicates); events follow once all passed.
        bool[] memory joins = new bool[](members_.length);
        for (uint256 i = 0; i < members_.length; ++i) {
            NewMember memory m = members_[i];
            _validate(Action.AddMember, m.account, m.agency, m.agencyType, m.scope, bytes32(0));
            joins[i] = _storeMember(m.account, m.agency, m.agencyType, m.scope);
        }
        for (uint256 i = 0; i < auditors.length; ++i) {
            _validate(Action.AddAuditor, auditors[i], 0, 0, 0, bytes32(0));
            _auditor[auditors[i]] = true;
        }
        _requireCodeListHash(codeListHash_);

        for (uint256 i = 0; i < rights.length; ++i) {
            emit TypeRightsChanged(rights[i].agencyType, rights[i].steps, rights[i].allocationScoped);
        }
        for (uint256 i = 0; i < members_.length; ++i) {
            NewMember memory m = members_[i];
            if (joins[i]) emit AgencyJoined(m.agency, m.agencyType, m.scope, m.name);
            emit MemberAdded(m.account, m.agency);
        }
        for (uint256 i = 0; i < auditors.length; ++i) emit AuditorAdded(auditors[i]);
        _setCodeList(codeListHash_, codeListVersion_);
    }

    /// @inheritdoc IConsortiumGovernance
    function agencyOf(address account) public view returns (uint8) {
        return uint8(_member[account] & MEMBER_AGENCY_MASK);
    }

    /// @inheritdoc IConsortiumGovernance
    function agencyInfo(uint8 agency) public view returns (uint8 agencyType, uint32 scope, uint32 accounts) {
        AgencyRecord storage a = _agencies[agency];
        return (a.agencyType, a.scope, a.accounts);
    }

    /// @inheritdoc IConsortiumGovernance
    function typeRights(uint8 agencyType) public view returns (uint128 steps, bool allocationScoped) {
        StoredRights storage r = _rights[agencyType];
        return (r.steps, r.allocationScoped);
    }

    /**
     * @dev The steps that some agency type may record (bit `s`: step `s`); any other step code is unknown.
     * @return the union of the step rights of all agency types
     */
    function knownSteps() public view returns (uint128) {
        return _knownSteps;
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
     * @dev The step rights a SetCodeList proposal sets (empty for any other proposal).
     *
     * Requirements:
     *
     * - `id` must be a proposal's id ({UnknownProposal}).
     *
     * @param id the proposal's id
     * @return the step rights, in the order they are set
     */
    function proposalRights(uint256 id) external view returns (TypeRights[] memory) {
        if (id >= _proposals.length) revert UnknownProposal(id);
        return _proposalRights[id];
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
     * @dev Proposes `account` as a member account writing for `agency`. If the agency has no member
     * account when the proposal is carried out, it joins with `agencyType`, `scope` and `name`; a further
     * account of an agency must give the agency's type and scope (its name is then not used). The
     * proposer's agency approves at once, so in a consortium of one agency it is carried out at once.
     *
     * Requirements:
     *
     * - the caller must be a member account ({NotAMember}).
     * - `account` must not be the zero address ({ZeroAccount}) and must be neither member nor auditor
     *   ({AlreadyMember}).
     * - `agency` must not be 0 ({UnknownAgency}); `agencyType` must have step rights ({UnknownAgencyType});
     *   an agency that joined before must have this type and scope ({AgencyMismatch}).
     *
     * May emit:
     *
     * - {ProposalCreated} and {ProposalApproved}, always.
     * - when this approval is a majority: {ProposalExecuted}, {AgencyJoined} (the agency's first account),
     *   then {MemberAdded}.
     *
     * @param account the new member account
     * @param agency the agency it writes for (the top byte of its event ids)
     * @param agencyType the agency's type
     * @param scope the agency's scope (Land key, or the district key of a district authority)
     * @param name the agency's name
     * @return id the proposal's id
     */
    function proposeAddMember(
        address account,
        uint8 agency,
        uint8 agencyType,
        uint32 scope,
        string calldata name
    ) external onlyMember returns (uint256 id) {
        _validate(Action.AddMember, account, agency, agencyType, scope, bytes32(0));
        return _propose(Action.AddMember, account, agency, agencyType, scope, name, bytes32(0), bytes32(0));
    }

    /**
     * @dev Proposes to remove member account `account`: once carried out, it can no longer write, propose
     * or approve, from the next transaction on; its steps stay on the ledger.
     *
     * Requirements:
     *
     * - the caller must be a member account ({NotAMember}).
     * - `account` must not be the zero address ({ZeroAccount}), must be a member ({NotAMember}) and not the
     *   last one ({LastMember}).
     *
     * May emit:
     *
     * - {ProposalCreated} and {ProposalApproved}, always.
     * - when this approval is a majority: {ProposalExecuted}, then {MemberRemoved}.
     *
     * @param account the member account to remove
     * @return id the proposal's id
     */
    function proposeRemoveMember(address account) external onlyMember returns (uint256 id) {
        _validate(Action.RemoveMember, account, 0, 0, 0, bytes32(0));
        return _propose(Action.RemoveMember, account, 0, 0, 0, "", bytes32(0), bytes32(0));
    }

    /**
     * @dev Proposes `account` as a read-only auditor.
     *
     * Requirements:
     *
     * - the caller must be a member account ({NotAMember}).
     * - `account` must not be the zero address ({ZeroAccount}) and must be neither auditor nor member
     *   ({AlreadyAuditor}).
     *
     * May emit:
     *
     * - {ProposalCreated} and {ProposalApproved}, always.
     * - when this approval is a majority: {ProposalExecuted}, then {AuditorAdded}.
     *
     * @param account the new auditor account
     * @return id the proposal's id
     */
    function proposeAddAuditor(address account) external onlyMember returns (uint256 id) {
        _validate(Action.AddAuditor, account, 0, 0, 0, bytes32(0));
        return _propose(Action.AddAuditor, account, 0, 0, 0, "", bytes32(0), bytes32(0));
    }

    /**
     * @dev Proposes to take the auditor role from `account`.
     *
     * Requirements:
     *
     * - the caller must be a member account ({NotAMember}).
     * - `account` must not be the zero address ({ZeroAccount}) and must be an auditor ({NotAnAuditor}).
     *
     * May emit:
     *
     * - {ProposalCreated} and {ProposalApproved}, always.
     * - when this approval is a majority: {ProposalExecuted}, then {AuditorRemoved}.
     *
     * @param account the auditor account
     * @return id the proposal's id
     */
    function proposeRemoveAuditor(address account) external onlyMember returns (uint256 id) {
        _validate(Action.RemoveAuditor, account, 0, 0, 0, bytes32(0));
        return _propose(Action.RemoveAuditor, account, 0, 0, 0, "", bytes32(0), bytes32(0));
    }

    /**
     * @dev Proposes a new code-list version together with the step rights it gives the agency types. Once
     * carried out, every member writes under the new rights from the next step on. Types not named in
     * `rights` keep their rights; a type loses all rights by an entry with `steps` 0.
     *
     * Requirements:
     *
     * - the caller must be a member account ({NotAMember}).
     * - `newCodeListHash` must not be 0 ({EmptyCodeListHash}).
     * - every entry of `rights` must name an agency type other than 0 ({UnknownAgencyType}), must not grant
     *   step 0 and must not grant MUNICIPAL_ALLOCATION to an allocation-scoped type ({InvalidTypeRights}).
     *
     * May emit:
     *
     * - {ProposalCreated} and {ProposalApproved}, always.
     * - when this approval is a majority: {ProposalExecuted}, then {TypeRightsChanged} for each entry of
     *   `rights` in order, then {CodeListChanged}.
     *
     * @param newCodeListHash the new code-list hash
     * @param newCodeListVersion the new code-list version label
     * @param rights the step rights of the agency types under the new version
     * @return id the proposal's id
     */
    function proposeCodeList(
        bytes32 newCodeListHash,
        bytes32 newCodeListVersion,
        TypeRights[] calldata rights
    ) external onlyMember returns (uint256 id) {
        _validate(Action.SetCodeList, address(0), 0, 0, 0, newCodeListHash);
        id = _proposals.length;
        TypeRights[] storage stored = _proposalRights[id];
        for (uint256 i = 0; i < rights.length; ++i) {
            _requireValidRights(rights[i]);
            stored.push(rights[i]);
        }
        _propose(Action.SetCodeList, address(0), 0, 0, 0, "", newCodeListHash, newCodeListVersion);
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
     * - when this approval is a majority, the change must still be valid: the requirements of its
     *   proposing function are checked again.
     *
     * May emit:
     *
     * - {ProposalApproved}, always.
     * - when this approval is a majority: {ProposalExecuted}, then the change's events ({AgencyJoined},
     *   {MemberAdded}, {MemberRemoved}, {AuditorAdded}, {AuditorRemoved}, or {TypeRightsChanged} and
     *   {CodeListChanged}).
     *
     * @param id the proposal's id
     */
    function approve(uint256 id) external onlyMember {
        if (id >= _proposals.length) revert UnknownProposal(id);
        Proposal storage p = _proposals[id];
        if (p.executed) revert ProposalAlreadyExecuted(id);
        if (p.epoch != membershipEpoch) revert ProposalStale(id);
        uint8 agency = agencyOf(msg.sender);
        if ((_approvedBy[id] >> agency) & 1 != 0) revert AlreadyApproved(id, agency);
        // Re-check before the deciding approval: the state may have changed since the proposal was made.
        // (A code list's rights were checked when proposed; their validity does not depend on the state.)
        if (p.approvals + 1 >= requiredApprovals()) {
            _validate(p.action, p.account, p.agency, p.agencyType, p.scope, p.codeListHash);
        }
        _countApproval(id, p);
    }

    /**
     * @dev Stores a validated proposal, emits {ProposalCreated} and counts the proposer's approval.
     * @param action what it changes
     * @param account the member or auditor account
     * @param agency the agency of a new member
     * @param agencyType the type of that agency
     * @param scope the scope of that agency
     * @param name the name of that agency
     * @param newHash the new code-list hash
     * @param newVersion the new code-list version label
     * @return id the proposal's id
     */
    function _propose(
        Action action,
        address account,
        uint8 agency,
        uint8 agencyType,
        uint32 scope,
        string memory name,
        bytes32 newHash,
        bytes32 newVersion
    ) private returns (uint256 id) {
        id = _proposals.length;
        _proposals.push(
            Proposal({
                action: action,
                agency: agency,
                agencyType: agencyType,
                executed: false,
                scope: scope,
                approvals: 0,
                epoch: membershipEpoch,
                account: account,
                codeListHash: newHash,
                codeListVersion: newVersion,
                name: name
            })
        );
        emit ProposalCreated(id, msg.sender, action, account, agency, agencyType, scope, name, newHash, newVersion);
        // A new proposal is current and has no approvals; it was validated against this very state.
        _countApproval(id, _proposals[id]);
    }

    /**
     * @dev Counts the caller's agency's approval of proposal `id` and carries the proposal out once a
     * majority approved it. Checks nothing: the caller has checked everything {approve} requires.
     * @param id the proposal's id
     * @param p the proposal
     */
    function _countApproval(uint256 id, Proposal storage p) private {
        _approvedBy[id] |= uint256(1) << agencyOf(msg.sender);
        uint32 approvals = ++p.approvals;
        uint32 required = requiredApprovals();
        emit ProposalApproved(id, msg.sender, approvals, required);
        if (approvals >= required) {
            p.executed = true;
            emit ProposalExecuted(id);
            _execute(id, p);
        }
    }

    /**
     * @dev Reverts unless the change can be made in the current state (see the requirements of the
     * proposing functions). A code list's step rights are checked by {_requireValidRights}.
     * @param action what to change
     * @param account the member or auditor account
     * @param agency the agency of a new member
     * @param agencyType the type of that agency
     * @param scope the scope of that agency
     * @param newHash the new code-list hash
     */
    function _validate(
        Action action,
        address account,
        uint8 agency,
        uint8 agencyType,
        uint32 scope,
        bytes32 newHash
    ) private view {
        if (action == Action.SetCodeList) {
            _requireCodeListHash(newHash);
            return;
        }
        if (account == address(0)) revert ZeroAccount();
        if (action == Action.AddMember) {
            if (agency == 0) revert UnknownAgency(agency);
            if (!_rights[agencyType].defined) revert UnknownAgencyType(agencyType);
            AgencyRecord storage a = _agencies[agency];
            // An agency keeps its type and scope once it joined: its event ids and history stay its own.
            if (a.agencyType != 0 && (a.agencyType != agencyType || a.scope != scope)) revert AgencyMismatch(agency);
            if (_member[account] != 0 || _auditor[account]) revert AlreadyMember(account);
        } else if (action == Action.RemoveMember) {
            if (_member[account] == 0) revert NotAMember(account);
            if (_members.length() == 1) revert LastMember(account);
        } else if (action == Action.AddAuditor) {
            if (_auditor[account] || _member[account] != 0) revert AlreadyAuditor(account);
        } else if (!_auditor[account]) {
            revert NotAnAuditor(account);
        }
    }

    /**
     * @dev Reverts unless `r` can be stored as an agency type's rights.
     * @param r the rights
     */
    function _requireValidRights(TypeRights memory r) private pure {
        if (r.agencyType == 0) revert UnknownAgencyType(0);
        if (r.steps & 1 != 0 || (r.allocationScoped && (r.steps >> StepCatalogue.MUNICIPAL_ALLOCATION) & 1 != 0)) {
            revert InvalidTypeRights(r.agencyType);
        }
    }

    /**
     * @dev Makes the change of a proposal that passed {_validate}; checks nothing.
     *
     * May emit:
     *
     * - the change's events, see {approve}.
     *
     * @param id the proposal's id
     * @param p the proposal
     */
    function _execute(uint256 id, Proposal storage p) private {
        Action action = p.action;
        if (action == Action.AddMember) {
            if (_storeMember(p.account, p.agency, p.agencyType, p.scope)) {
                emit AgencyJoined(p.agency, p.agencyType, p.scope, p.name);
            }
            emit MemberAdded(p.account, p.agency);
        } else if (action == Action.RemoveMember) {
            _removeMember(p.account);
        } else if (action == Action.AddAuditor) {
            _auditor[p.account] = true;
            emit AuditorAdded(p.account);
        } else if (action == Action.RemoveAuditor) {
            delete _auditor[p.account];
            emit AuditorRemoved(p.account);
        } else {
            TypeRights[] storage rights = _proposalRights[id];
            uint256 n = rights.length;
            for (uint256 i = 0; i < n; ++i) {
                TypeRights memory r = rights[i];
                _storeRights(r);
                emit TypeRightsChanged(r.agencyType, r.steps, r.allocationScoped);
            }
            if (n != 0) {
                _updateKnownSteps();
                _refreshMemberSlots();
            }
            _setCodeList(p.codeListHash, p.codeListVersion);
        }
    }

    /**
     * @dev Stores the rights of an agency type without emitting; the callers emit {TypeRightsChanged}.
     * Checks nothing.
     * @param r the rights
     */
    function _storeRights(TypeRights memory r) private {
        _rights[r.agencyType] = StoredRights({steps: r.steps, allocationScoped: r.allocationScoped, defined: true});
        _definedTypes |= uint256(1) << r.agencyType;
    }

    /// @dev Recomputes {knownSteps} from the rights of all types.
    function _updateKnownSteps() private {
        uint256 types = _definedTypes;
        uint128 known;
        for (uint256 t = 1; types >> t != 0; ++t) {
            if ((types >> t) & 1 != 0) known |= _rights[uint8(t)].steps;
        }
        _knownSteps = known;
    }

    /// @dev Rewrites the packed slot of every member account whose type's rights changed.
    function _refreshMemberSlots() private {
        uint256 n = _members.length();
        for (uint256 i = 0; i < n; ++i) {
            address account = _members.at(i);
            uint256 old = _member[account];
            uint256 fresh = _packMember(
                uint8(old & MEMBER_AGENCY_MASK),
                uint8(old >> MEMBER_TYPE_SHIFT),
                uint32(old >> MEMBER_SCOPE_SHIFT)
            );
            if (fresh != old) _member[account] = fresh;
        }
    }

    /**
     * @dev A member account's packed slot under the current rights of its type.
     * @param agency the agency
     * @param agencyType its type
     * @param scope its scope
     * @return the packed slot
     */
    function _packMember(uint8 agency, uint8 agencyType, uint32 scope) private view returns (uint256) {
        StoredRights storage r = _rights[agencyType];
        return
            uint256(agency) |
            (uint256(agencyType) << MEMBER_TYPE_SHIFT) |
            (uint256(scope) << MEMBER_SCOPE_SHIFT) |
            (r.allocationScoped ? MEMBER_ALLOCATION_SCOPED : 0) |
            (uint256(r.steps) << MEMBER_STEPS_SHIFT);
    }

    /**
     * @dev The caller's packed member slot (see the contract's notes); 0 for a non-member.
     * @return the packed slot
     */
    function _senderSlot() internal view returns (uint256) {
        return _member[msg.sender];
    }

    /**
     * @dev Stores `account` as a member for `agency` without emitting: the callers emit {AgencyJoined} and
     * {MemberAdded} once all their checks have passed. Checks nothing.
     * @param account the new member account
     * @param agency the agency it writes for
     * @param agencyType the agency's type
     * @param scope the agency's scope
     * @return joined true when the agency had no member account before
     */
    function _storeMember(address account, uint8 agency, uint8 agencyType, uint32 scope) private returns (bool joined) {
        _member[account] = _packMember(agency, agencyType, scope);
        _members.add(account);
        AgencyRecord storage a = _agencies[agency];
        joined = a.accounts == 0;
        if (joined) {
            a.agencyType = agencyType;
            a.scope = scope;
            ++agencyCount;
        }
        ++a.accounts;
        ++membershipEpoch;
    }

    /**
     * @dev Removes member `account`; checks nothing. Its agency keeps its type and scope.
     *
     * May emit:
     *
     * - {MemberRemoved}, always.
     *
     * @param account the member account
     */
    function _removeMember(address account) private {
        uint8 agency = agencyOf(account);
        delete _member[account];
        _members.remove(account);
        if (--_agencies[agency].accounts == 0) --agencyCount;
        ++membershipEpoch;
        emit MemberRemoved(account, agency);
    }
}
