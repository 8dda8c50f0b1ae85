// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {CodeListRegistry} from "./CodeListRegistry.sol";
import {StepCatalogue} from "./StepCatalogue.sol";

/// @title ConsortiumGovernance
/// @notice Membership of the ledger consortium: which accounts write for which agency, which accounts
/// audit, and which code-list version is in force. After deployment every change needs the approval of
/// a majority of the member agencies, one vote per agency however many accounts it holds: no single
/// agency and no deployer key can add a writer alone.
abstract contract ConsortiumGovernance is CodeListRegistry {
    using EnumerableSet for EnumerableSet.AddressSet;

    enum Action {
        AddMember,
        RemoveMember,
        AddAuditor,
        RemoveAuditor,
        SetCodeList
    }

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

    event MemberAdded(address indexed account, uint8 indexed agency);
    event MemberRemoved(address indexed account, uint8 indexed agency);
    event AuditorAdded(address indexed account);
    event AuditorRemoved(address indexed account);
    event ProposalCreated(
        uint256 indexed id,
        address indexed proposer,
        Action action,
        address account,
        uint8 agency,
        bytes32 codeListHash,
        bytes32 codeListVersion
    );
    event ProposalApproved(uint256 indexed id, address indexed member, uint32 approvals, uint32 required);
    event ProposalExecuted(uint256 indexed id);

    error NotAMember(address account);
    error UnknownAgency(uint8 agency);
    error AlreadyMember(address account);
    error AlreadyAuditor(address account);
    error NotAnAuditor(address account);
    error ZeroAccount();
    error LastMember(address account);
    error UnknownProposal(uint256 id);
    error ProposalAlreadyExecuted(uint256 id);
    error AlreadyApproved(uint256 id, uint8 agency);
    error ProposalStale(uint256 id);
    error LengthMismatch();

    modifier onlyMember() {
        if (_agencyOf[msg.sender] == 0) revert NotAMember(msg.sender);
        _;
    }

    constructor(
        address[] memory members,
        uint8[] memory agencies,
        address[] memory auditors,
        bytes32 codeListHash_,
        bytes32 codeListVersion_
    ) {
        if (members.length != agencies.length) revert LengthMismatch();
        for (uint256 i = 0; i < members.length; ++i) _addMember(members[i], agencies[i]);
        for (uint256 i = 0; i < auditors.length; ++i) _addAuditor(auditors[i]);
        _setCodeList(codeListHash_, codeListVersion_);
    }

    /// @notice The agency (1 = BAMF, 2 = ZAB) an account writes for; 0 for a non-member.
    function agencyOf(address account) public view returns (uint8) {
        return _agencyOf[account];
    }

    /// @notice Whether `account` holds the read-only auditor role.
    function isAuditor(address account) external view returns (bool) {
        return _auditor[account];
    }

    /// @notice Number of member accounts (writers).
    function memberCount() public view returns (uint256) {
        return _members.length();
    }

    /// @notice All member accounts (writers), for auditors.
    function members() external view returns (address[] memory) {
        return _members.values();
    }

    /// @notice Approvals a proposal needs: a strict majority of the member agencies.
    function requiredApprovals() public view returns (uint32) {
        return agencyCount / 2 + 1;
    }

    /// @notice Number of proposals ever made.
    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    /// @notice A proposal as stored.
    function proposal(uint256 id) external view returns (Proposal memory) {
        if (id >= _proposals.length) revert UnknownProposal(id);
        return _proposals[id];
    }

    /// @notice Whether `agency` (through any of its accounts) approved proposal `id`.
    function hasApproved(uint256 id, uint8 agency) external view returns (bool) {
        return (_approvedBy[id] >> agency) & 1 == 1;
    }

    /// @notice Propose a change of membership or code lists. The proposer's approval is counted at once.
    /// @param action what to change
    /// @param account the member or auditor account (AddMember, RemoveMember, AddAuditor, RemoveAuditor)
    /// @param agency the agency the new member writes for (AddMember)
    /// @param newCodeListHash the new code-list hash (SetCodeList)
    /// @param newCodeListVersion the new code-list version label (SetCodeList)
    /// @return id the proposal's id
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
        _approve(id);
    }

    /// @notice Approve proposal `id`; it is carried out when a majority of the members approved it.
    /// @param id the proposal's id
    function approve(uint256 id) external onlyMember {
        if (id >= _proposals.length) revert UnknownProposal(id);
        _approve(id);
    }

    function _approve(uint256 id) private {
        Proposal storage p = _proposals[id];
        if (p.executed) revert ProposalAlreadyExecuted(id);
        if (p.epoch != membershipEpoch) revert ProposalStale(id);
        uint8 agency = _agencyOf[msg.sender];
        uint256 bit = uint256(1) << agency;
        if (_approvedBy[id] & bit != 0) revert AlreadyApproved(id, agency);
        _approvedBy[id] |= bit;
        uint32 approvals = ++p.approvals;
        uint32 required = requiredApprovals();
        emit ProposalApproved(id, msg.sender, approvals, required);
        if (approvals >= required) {
            // Re-check: the state may have changed since the proposal was made.
            _validate(p.action, p.account, p.agency, p.codeListHash);
            p.executed = true;
            emit ProposalExecuted(id);
            _execute(p);
        }
    }

    function _validate(Action action, address account, uint8 agency, bytes32 newHash) private view {
        if (action == Action.SetCodeList) {
            if (newHash == bytes32(0)) revert EmptyCodeListHash();
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

    function _execute(Proposal storage p) private {
        if (p.action == Action.AddMember) _addMember(p.account, p.agency);
        else if (p.action == Action.RemoveMember) _removeMember(p.account);
        else if (p.action == Action.AddAuditor) _addAuditor(p.account);
        else if (p.action == Action.RemoveAuditor) _removeAuditor(p.account);
        else _setCodeList(p.codeListHash, p.codeListVersion);
    }

    function _addMember(address account, uint8 agency) private {
        if (account == address(0)) revert ZeroAccount();
        if (!StepCatalogue.isKnownAgency(agency)) revert UnknownAgency(agency);
        if (_agencyOf[account] != 0 || _auditor[account]) revert AlreadyMember(account);
        _agencyOf[account] = agency;
        _members.add(account);
        if (_accountsOf[agency]++ == 0) ++agencyCount;
        ++membershipEpoch;
        emit MemberAdded(account, agency);
    }

    function _removeMember(address account) private {
        uint8 agency = _agencyOf[account];
        delete _agencyOf[account];
        _members.remove(account);
        if (--_accountsOf[agency] == 0) --agencyCount;
        ++membershipEpoch;
        emit MemberRemoved(account, agency);
    }

    function _addAuditor(address account) private {
        if (account == address(0)) revert ZeroAccount();
        if (_auditor[account] || _agencyOf[account] != 0) revert AlreadyAuditor(account);
        _auditor[account] = true;
        emit AuditorAdded(account);
    }

    function _removeAuditor(address account) private {
        delete _auditor[account];
        emit AuditorRemoved(account);
    }
}
