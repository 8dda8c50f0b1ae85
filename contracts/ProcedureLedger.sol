// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {ConsortiumGovernance} from "./ConsortiumGovernance.sol";
import {StepCatalogue as S} from "./StepCatalogue.sol";
import {ProcedureRules as R} from "./ProcedureRules.sol";

/// @title ProcedureLedger
/// @notice The shared status ledger of asylum procedures between BAMF Dresden and ZAB Saxony.
/// A step holds only a pseudonymous case reference, a step code, a small detail code, a business date,
/// a salted commitment to the agency's off-chain data and an event id: nothing personal can go in.
/// Each case keeps a hash chain over its ordered history; the process rules raise alerts, repatriation
/// stops and allocation notices from per-case state.
/// @dev Storage per case is one slot: the head hash (192 bits) above the step count (24 bits) and the
/// rule flags (32 bits). Event ids are `agency << 56 | sequence` and are marked in a bitmap of 256 ids
/// per slot, so idempotency costs no new slot per event.
contract ProcedureLedger is ConsortiumGovernance {
    /// @notice One step as an agency records it, in the same form as {StepRecorded} reports it.
    /// @param caseRef HMAC-SHA-256 of the file number under the consortium key
    /// @param packedStep `eventId | step << 64 | detail << 72 | businessDate << 136`, where eventId is
    /// `agency << 56 | sequence` (unique per recording agency), step the step code (StepCatalogue),
    /// detail the detail code (for CORRECTION the corrected event id) and businessDate `yyyymmdd`
    /// (HEARING_SCHEDULED, REPATRIATION_SCHEDULED; else 0). Bits above 168 must be 0.
    /// @param commitment keccak-256 over salt and canonical JSON of the off-chain step data
    struct Step {
        bytes32 caseRef;
        uint256 packedStep;
        bytes32 commitment;
    }

    uint256 private constant FLAGS_MASK = 0xffffffff;
    uint256 private constant COUNT_SHIFT = 32;
    uint256 private constant COUNT_MASK = 0xffffff;
    uint256 private constant HEAD_SHIFT = 64;
    uint256 private constant SEQUENCE_BITS = 56;
    uint256 private constant DETAIL_MASK = 0xffffffffffffffff;

    mapping(bytes32 caseRef => uint256) private _cases;
    mapping(uint256 word => uint256 bits) private _recorded;

    /// @notice A step was recorded (forward: the partner agency listens to this).
    /// @param packedStep `eventId | step << 64 | detail << 72 | businessDate << 136`
    event StepRecorded(bytes32 indexed caseRef, uint256 packedStep, bytes32 commitment);
    /// @notice Alert: a step came before the steps it follows in the target process.
    /// @param missing the rule flags (ProcedureRules) that were expected but not set
    event OutOfOrder(bytes32 indexed caseRef, uint64 eventId, uint8 step, uint32 missing);
    /// @notice Stop: the reasons against a scheduled repatriation changed; `reasons == 0` resolves it.
    event StopChanged(bytes32 indexed caseRef, uint64 eventId, uint8 previousReasons, uint8 reasons);
    /// @notice A repatriation was completed while a stop was open.
    event StopIgnored(bytes32 indexed caseRef, uint64 eventId, uint8 reasons);
    /// @notice A positive decision or good prospects made an allocation to a district due.
    event AllocationDue(bytes32 indexed caseRef, uint64 eventId);
    /// @notice A recording agency corrected one of its own earlier steps.
    event StepCorrected(bytes32 indexed caseRef, uint64 eventId, uint64 originalEventId);

    error EmptyBatch();
    error MalformedStep(uint256 index);
    error UnknownStep(uint256 index, uint8 step);
    error StepNotPermitted(uint256 index, uint8 step, uint8 agency);
    error InvalidDetail(uint256 index, uint8 step, uint64 detail);
    error InvalidBusinessDate(uint256 index, uint8 step, uint32 businessDate);
    error EmptyCaseRef(uint256 index);
    error ForeignEventId(uint256 index, uint64 eventId, uint8 agency);
    /// @notice The event id was recorded before: a retry, not a failure.
    error AlreadyRecorded(uint256 index, uint64 eventId);
    error NotOriginalRecorder(uint256 index, uint64 originalEventId);
    error UnknownOriginal(uint256 index, uint64 originalEventId);

    constructor(
        address[] memory members,
        uint8[] memory agencies,
        address[] memory auditors,
        bytes32 codeListHash_,
        bytes32 codeListVersion_
    ) ConsortiumGovernance(members, agencies, auditors, codeListHash_, codeListVersion_) {}

    /// @notice Record one step for the sender's agency.
    /// @param s the step
    function record(Step calldata s) external {
        _record(s, 0, _senderAgency());
    }

    /// @notice Record several steps in one transaction; any bad step rejects the whole batch with an
    /// error that names its index.
    /// @param steps the steps, applied in order
    function recordBatch(Step[] calldata steps) external {
        uint256 n = steps.length;
        if (n == 0) revert EmptyBatch();
        uint8 agency = _senderAgency();
        for (uint256 i = 0; i < n; ) {
            _record(steps[i], i, agency);
            unchecked {
                ++i;
            }
        }
    }

    /// @notice Whether `eventId` has been recorded.
    function isRecorded(uint64 eventId) public view returns (bool) {
        return (_recorded[eventId >> 8] >> (eventId & 0xff)) & 1 == 1;
    }

    /// @notice A case's hash-chain head (0 for an unknown case) and number of recorded steps.
    function caseHead(bytes32 caseRef) external view returns (bytes24 head, uint24 stepCount) {
        uint256 c = _cases[caseRef];
        return (bytes24(uint192(c >> HEAD_SHIFT)), uint24((c >> COUNT_SHIFT) & COUNT_MASK));
    }

    /// @notice A case's rule flags (ProcedureRules) and its open repatriation stops.
    function caseState(bytes32 caseRef) external view returns (uint32 flags, uint8 stops) {
        flags = uint32(_cases[caseRef] & FLAGS_MASK);
        stops = R.openStops(flags);
    }

    /// @notice The open repatriation stops of a case as reason bits (0: none).
    function openStops(bytes32 caseRef) external view returns (uint8) {
        return R.openStops(uint32(_cases[caseRef] & FLAGS_MASK));
    }

    /// @notice Whether `agency` may record `step` by the step catalogue.
    function mayRecord(uint8 agency, uint8 step) external pure returns (bool) {
        return S.isKnownStep(step) && S.mayRecord(agency, step);
    }

    function _senderAgency() private view returns (uint8 agency) {
        agency = agencyOf(msg.sender);
        if (agency == 0) revert NotAMember(msg.sender);
    }

    /// @dev The hot path: fields are read from calldata once and carried packed as in the event.
    function _record(Step calldata s, uint256 index, uint256 agency) private {
        bytes32 caseRef = s.caseRef;
        uint256 packed = s.packedStep;
        bytes32 commitment = s.commitment;
        if (packed >> 168 != 0) revert MalformedStep(index);
        uint256 step = (packed >> 64) & 0xff;
        _check(caseRef, packed, step, index, agency);

        uint256 c = _cases[caseRef];
        uint32 flags = uint32(c);
        uint32 next = R.transition(flags, step, (packed >> 72) & DETAIL_MASK, agency);
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
        _cases[caseRef] = (head << HEAD_SHIFT) | ((((c >> COUNT_SHIFT) + 1) & COUNT_MASK) << COUNT_SHIFT) | next;
        emit StepRecorded(caseRef, packed, commitment);

        if (next != flags || step == S.CORRECTION || R.prerequisites(step) != 0) {
            _raiseNotices(caseRef, packed, flags, next, index);
        }
    }

    function _check(bytes32 caseRef, uint256 packed, uint256 step, uint256 index, uint256 agency) private {
        uint64 eventId = uint64(packed);
        if (!S.mayRecord(uint8(agency), uint8(step))) {
            if (!S.isKnownStep(uint8(step))) revert UnknownStep(index, uint8(step));
            revert StepNotPermitted(index, uint8(step), uint8(agency));
        }
        // Most steps carry neither a detail nor a date: one comparison settles both.
        if (packed >> 72 != 0 || (uint256(1) << step) & S.DETAIL_OR_DATE_STEPS != 0) {
            uint64 detail = uint64(packed >> 72);
            uint32 date = uint32(packed >> 136);
            if (!S.isValidDetail(uint8(step), detail)) revert InvalidDetail(index, uint8(step), detail);
            if (!S.isValidBusinessDate(uint8(step), date)) revert InvalidBusinessDate(index, uint8(step), date);
        }
        if (caseRef == bytes32(0)) revert EmptyCaseRef(index);
        if (eventId >> SEQUENCE_BITS != agency) revert ForeignEventId(index, eventId, uint8(agency));

        uint256 word = eventId >> 8;
        uint256 bit = uint256(1) << (eventId & 0xff);
        uint256 bits = _recorded[word];
        if (bits & bit != 0) revert AlreadyRecorded(index, eventId);
        _recorded[word] = bits | bit;
    }

    function _raiseNotices(bytes32 caseRef, uint256 packed, uint32 flags, uint32 next, uint256 index) private {
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

        if (step == S.CORRECTION) {
            uint64 original = uint64(packed >> 72);
            if (original >> SEQUENCE_BITS != eventId >> SEQUENCE_BITS) revert NotOriginalRecorder(index, original);
            if (original == eventId || !isRecorded(original)) revert UnknownOriginal(index, original);
            emit StepCorrected(caseRef, eventId, original);
        }
    }
}
