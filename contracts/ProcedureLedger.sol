// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {ConsortiumGovernance} from "./ConsortiumGovernance.sol";
import {StepCatalogue as S} from "./StepCatalogue.sol";
import {ProcedureRules as R} from "./ProcedureRules.sol";
import {IProcedureLedger} from "./interfaces/IProcedureLedger.sol";

/// @title ProcedureLedger
/// @notice The shared status ledger of asylum procedures between the member agencies of the consortium
/// (BAMF branch offices, central and district immigration authorities).
/// A step holds only a pseudonymous case reference, a step code, a small detail code, a business date,
/// a salted commitment to the agency's off-chain data and an event id: nothing personal can go in.
/// Each case keeps a hash chain over its ordered history; the process rules raise alerts, repatriation
/// stops and allocation notices from per-case state. Which agency may record which step follows from its
/// type's rights, which governance sets with the code-list version; district authorities record only for
/// cases currently allocated to their district.
/// @dev Storage per case is one slot: the head hash (192 bits) above the step count (24 bits), the district
/// of the current allocation (16 bits) and the rule flags (24 bits). Event ids are `agency << 56 | sequence`
/// and are marked in a bitmap of 256 ids per slot, so idempotency costs no new slot per event. The sender's
/// agency, type, scope and rights come from one slot ({ConsortiumGovernance}).
///
/// Writing a step has two phases: {_validateAndMarkRecorded} makes every check and marks the event id
/// (no events), then {_apply} updates the case and emits (no reverts). A batch runs the first phase
/// for all its steps before the second, so no revert ever follows an event.
contract ProcedureLedger is IProcedureLedger, ConsortiumGovernance {
    uint256 private constant FLAGS_MASK = 0xffffff;
    uint256 private constant DISTRICT_SHIFT = 24;
    uint256 private constant DISTRICT_MASK = 0xffff;
    uint256 private constant DISTRICT_BITS = DISTRICT_MASK << DISTRICT_SHIFT;
    uint256 private constant COUNT_SHIFT = 40;
    uint256 private constant COUNT_MASK = 0xffffff;
    uint256 private constant COUNT_ONE = 1 << COUNT_SHIFT;
    uint256 private constant COUNT_AND_DISTRICT_BITS = (COUNT_MASK << COUNT_SHIFT) | DISTRICT_BITS;
    uint256 private constant HEAD_SHIFT = 64;
    uint256 private constant SEQUENCE_BITS = 56;
    uint256 private constant DETAIL_MASK = 0xffffffffffffffff;

    mapping(bytes32 caseRef => uint256) private _cases;
    mapping(uint256 word => uint256 bits) private _recorded;
    mapping(bytes32 caseRef => uint256 agencyBits) private _erasedBy;

    /**
     * @dev Deploys the ledger with the step rights of the agency types, its first members, auditors and
     * code-list version; see the requirements and events of {ConsortiumGovernance-constructor}.
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
    ) ConsortiumGovernance(rights, members_, auditors, codeListHash_, codeListVersion_) {}

    /// @inheritdoc IProcedureLedger
    function record(Step calldata s) external {
        uint256 member = _senderMember();
        _validateAndMarkRecorded(s, 0, member);
        _apply(s);
    }

    /// @inheritdoc IProcedureLedger
    function recordBatch(Step[] calldata steps) external {
        uint256 n = steps.length;
        if (n == 0) revert EmptyBatch();
        uint256 member = _senderMember();
        // In order, so that a duplicate id or a correction of an earlier step of the batch is seen.
        for (uint256 i = 0; i < n; ) {
            _validateAndMarkRecorded(_at(steps, i), i, member);
            unchecked {
                ++i;
            }
        }
        for (uint256 i = 0; i < n; ) {
            _apply(_at(steps, i));
            unchecked {
                ++i;
            }
        }
    }

    /// @inheritdoc IProcedureLedger
    function isRecorded(uint64 eventId) public view returns (bool) {
        return (_recorded[eventId >> 8] >> (eventId & 0xff)) & 1 == 1;
    }

    /// @inheritdoc IProcedureLedger
    function caseHead(bytes32 caseRef) external view returns (bytes24 head, uint24 stepCount) {
        uint256 c = _cases[caseRef];
        return (bytes24(uint192(c >> HEAD_SHIFT)), uint24((c >> COUNT_SHIFT) & COUNT_MASK));
    }

    /// @inheritdoc IProcedureLedger
    function caseState(bytes32 caseRef) external view returns (uint32 flags, uint8 stops) {
        flags = uint32(_cases[caseRef] & FLAGS_MASK);
        stops = R.openStops(flags);
    }

    /// @inheritdoc IProcedureLedger
    function openStops(bytes32 caseRef) external view returns (uint8) {
        return R.openStops(uint32(_cases[caseRef] & FLAGS_MASK));
    }

    /// @inheritdoc IProcedureLedger
    function allocatedTo(bytes32 caseRef) external view returns (uint32) {
        return uint32((_cases[caseRef] >> DISTRICT_SHIFT) & DISTRICT_MASK);
    }

    /// @inheritdoc IProcedureLedger
    function erasedBy(bytes32 caseRef) external view returns (uint256) {
        return _erasedBy[caseRef];
    }

    /**
     * @dev Whether `agency` may record `step` by the current rights of its type (false for an agency that
     * never joined). The allocation scope of a district authority is a property of each case, see
     * {allocatedTo}.
     * @param agency the agency
     * @param step the step code
     * @return true when the agency's type may record the step
     */
    function mayRecord(uint8 agency, uint8 step) external view returns (bool) {
        (uint8 agencyType, , ) = agencyInfo(agency);
        if (agencyType == 0 || step >= 128) return false;
        (uint128 steps, ) = typeRights(agencyType);
        return (steps >> step) & 1 == 1;
    }

    /**
     * @dev `steps[i]` without the bounds check, for loops that stay below `steps.length`: a batch reads
     * each step twice, and the check would cost gas on every read.
     * @param steps the steps
     * @param i an index below `steps.length`
     * @return s the step at `i`
     */
    function _at(Step[] calldata steps, uint256 i) private pure returns (Step calldata s) {
        assembly ("memory-safe") {
            s := add(steps.offset, mul(i, 0x60))
        }
    }

    /**
     * @dev The caller's packed member slot (agency, type, scope, rights; see {ConsortiumGovernance});
     * reverts with {NotAMember} for a non-member.
     * @return member the packed slot
     */
    function _senderMember() private view returns (uint256 member) {
        member = _senderSlot();
        if (member == 0) revert NotAMember(msg.sender);
    }

    /**
     * @dev The first phase of writing a step: makes every check of {record} and marks the event id as
     * recorded; an allocation also marks the case's district, an erasure the agency's erasure bit, so that
     * the later steps of a batch see them (and the hot path of {_apply} has no branch for either). Emits
     * nothing, so a revert here never follows an event of this step.
     * @param s the step
     * @param index the step's position in the batch, for the errors
     * @param member the caller's packed member slot
     */
    function _validateAndMarkRecorded(Step calldata s, uint256 index, uint256 member) private {
        uint256 packed = s.packedStep;
        if (packed >> 168 != 0) revert MalformedStep(index);
        uint256 step = (packed >> 64) & 0xff;
        uint64 eventId = uint64(packed);
        uint256 agency = member & MEMBER_AGENCY_MASK;
        // The rights sit above bit 64 of the slot: a code of 128 or more shifts past them to 0.
        if ((member >> (MEMBER_STEPS_SHIFT + step)) & 1 == 0) {
            if (step >= 128 || (knownSteps() >> step) & 1 == 0) revert UnknownStep(index, uint8(step));
            revert StepNotPermitted(index, uint8(step), uint8(agency));
        }
        // Most steps carry neither a detail nor a date: one comparison settles both.
        if (packed >> 72 != 0 || (uint256(1) << step) & S.DETAIL_OR_DATE_STEPS != 0) {
            uint64 detail = uint64(packed >> 72);
            uint32 date = uint32(packed >> 136);
            if (!S.isValidDetail(uint8(step), detail)) revert InvalidDetail(index, uint8(step), detail);
            if (!S.isValidBusinessDate(uint8(step), date)) revert InvalidBusinessDate(index, uint8(step), date);
            // Both are steps with a detail: marked here, off the path of the steps without one. Should a later
            // check of this step fail, the revert undoes the mark.
            if (step == S.MUNICIPAL_ALLOCATION) {
                _cases[s.caseRef] = (_cases[s.caseRef] & ~DISTRICT_BITS) | (uint256(detail) << DISTRICT_SHIFT);
            } else if (step == S.ERASED) {
                _erasedBy[s.caseRef] |= uint256(1) << agency;
            }
        }
        if (s.caseRef == bytes32(0)) revert EmptyCaseRef(index);
        if (eventId >> SEQUENCE_BITS != agency) revert ForeignEventId(index, eventId, uint8(agency));

        uint256 word = eventId >> 8;
        uint256 bit = uint256(1) << (eventId & 0xff);
        uint256 bits = _recorded[word];
        if (bits & bit != 0) revert AlreadyRecorded(index, eventId);
        // After the retry check, so that a step recorded before a re-allocation is still told apart as a retry.
        // The district is the one this step found: an allocation-scoped type may not allocate itself.
        // A CORRECTION or ERASED concerns only the member's own records (a correction names its own step),
        // so a district can still correct or erase what it recorded after the person was re-allocated.
        if (member & MEMBER_ALLOCATION_SCOPED != 0 && step != S.CORRECTION && step != S.ERASED) {
            uint32 scope = uint32(member >> MEMBER_SCOPE_SHIFT);
            if ((_cases[s.caseRef] >> DISTRICT_SHIFT) & DISTRICT_MASK != scope) {
                revert NotAllocatedToDistrict(index, s.caseRef, scope);
            }
        }
        if (step == S.CORRECTION) {
            // Not yet marked: a correction of itself is not recorded and is rejected as unknown.
            uint64 original = uint64(packed >> 72);
            if (original >> SEQUENCE_BITS != agency) revert NotOriginalRecorder(index, original);
            if (!isRecorded(original)) revert UnknownOriginal(index, original);
        }
        _recorded[word] = bits | bit;
    }

    /**
     * @dev The second phase of writing a step that passed {_validateAndMarkRecorded}: extends the
     * case's hash chain, applies the process rules and emits the step's events. Reverts on nothing.
     * The hot path: fields are read from calldata once and carried packed as in the event.
     *
     * May emit:
     *
     * - the events of {record}.
     *
     * @param s the step
     */
    function _apply(Step calldata s) private {
        bytes32 caseRef = s.caseRef;
        uint256 packed = s.packedStep;
        bytes32 commitment = s.commitment;
        uint256 step = (packed >> 64) & 0xff;

        uint256 c = _cases[caseRef];
        uint32 flags = uint32(c & FLAGS_MASK);
        uint32 next = R.transition(flags, step, (packed >> 72) & DETAIL_MASK);
        // The head commits to the previous head, the case and every field of the step.
        uint256 head;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(64, shr(HEAD_SHIFT, c)))
            mstore(add(ptr, 24), caseRef)
            mstore(add(ptr, 56), packed)
            mstore(add(ptr, 88), commitment)
            head := shr(64, keccak256(ptr, 120))
        }
        // Count + 1 (its carry out of 24 bits falls under the mask), the district kept as phase one left it.
        _cases[caseRef] = (head << HEAD_SHIFT) | ((c + COUNT_ONE) & COUNT_AND_DISTRICT_BITS) | next;
        emit StepRecorded(caseRef, packed, commitment);

        if (next != flags || step == S.CORRECTION || R.prerequisites(step) != 0) {
            _emitRuleEvents(caseRef, packed, flags, next);
        }
    }

    /**
     * @dev Emits the rule events of a step that changed the case's flags from `flags` to `next`, or that
     * has prerequisites, or is a CORRECTION (already validated). Reverts on nothing.
     *
     * May emit:
     *
     * - {OutOfOrder}, {StopIgnored} or {StopChanged}, {AllocationDue}, {StepCorrected}: see {record}.
     *
     * @param caseRef the case
     * @param packed the step as recorded
     * @param flags the case's rule flags before the step
     * @param next the case's rule flags after the step
     */
    function _emitRuleEvents(bytes32 caseRef, uint256 packed, uint32 flags, uint32 next) private {
        uint64 eventId = uint64(packed);
        uint8 step = uint8(packed >> 64);
        uint32 missing = R.prerequisites(step) & ~flags;
        if (missing != 0) emit OutOfOrder(caseRef, eventId, step, missing);

        if ((flags ^ next) & (R.STOP_INPUTS | R.STOP_IGNORED) != 0) {
            uint8 stopsBefore = R.openStops(flags);
            uint8 stopsAfter = R.openStops(next);
            // Every completion against an open stop is reported, not only the first one of a case.
            if (step == S.REPATRIATION_COMPLETED && stopsBefore != 0) {
                emit StopIgnored(caseRef, eventId, stopsBefore);
            } else if (stopsBefore != stopsAfter) {
                emit StopChanged(caseRef, eventId, stopsBefore, stopsAfter);
            }
        }

        if (next & R.ALLOCATION_DUE != 0 && flags & R.ALLOCATION_DUE == 0) emit AllocationDue(caseRef, eventId);

        if (step == S.CORRECTION) emit StepCorrected(caseRef, eventId, uint64(packed >> 72));
    }
}
