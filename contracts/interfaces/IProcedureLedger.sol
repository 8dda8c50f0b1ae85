// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {IConsortiumGovernance} from "./IConsortiumGovernance.sol";

/// @title IProcedureLedger
/// @notice What the agency services and the audit use of the procedure ledger: recording steps, the
/// events they raise, the errors a rejected step reverts with, and the per-case reads.
/// @dev The selectors and topics here are fixed: the services decode reverts and logs with them and the
/// audit's test vectors hold logs under these topics.
interface IProcedureLedger is IConsortiumGovernance {
    /**
     * @dev One step as an agency records it, in the same form as {StepRecorded} reports it.
     * @param caseRef HMAC-SHA-256 of the file number under the consortium key
     * @param packedStep `eventId | step << 64 | detail << 72 | businessDate << 136`, where eventId is
     * `agency << 56 | sequence` (unique per recording agency), step the step code (StepCatalogue),
     * detail the detail code (for CORRECTION the corrected event id) and businessDate `yyyymmdd`
     * (HEARING_SCHEDULED, REPATRIATION_SCHEDULED; else 0). Bits 168 and above must be 0.
     * @param commitment keccak-256 over salt and canonical JSON of the off-chain step data
     */
    struct Step {
        bytes32 caseRef;
        uint256 packedStep;
        bytes32 commitment;
    }

    /**
     * @dev Emitted for every recorded step; the other member agencies listen to it.
     * @param caseRef the case
     * @param packedStep the step as recorded (see {Step})
     * @param commitment the commitment to the off-chain step data
     */
    event StepRecorded(bytes32 indexed caseRef, uint256 packedStep, bytes32 commitment);

    /**
     * @dev Emitted (an alert) when a step comes before steps it follows in the target process.
     * @param caseRef the case
     * @param eventId the step's event id
     * @param step the step code
     * @param missing the rule flags (ProcedureRules) that were expected but not set
     */
    event OutOfOrder(bytes32 indexed caseRef, uint64 eventId, uint8 step, uint32 missing);

    /**
     * @dev Emitted when a step changes the reasons against a scheduled repatriation (a stop).
     * @param caseRef the case
     * @param eventId the step's event id
     * @param previousReasons the open stop reasons before the step (bit set, ProcedureRules)
     * @param reasons the open stop reasons after the step; 0 resolves the stop
     */
    event StopChanged(bytes32 indexed caseRef, uint64 eventId, uint8 previousReasons, uint8 reasons);

    /**
     * @dev Emitted when a repatriation is recorded as completed while a stop was open; every such
     * completion is reported, not only a case's first.
     * @param caseRef the case
     * @param eventId the REPATRIATION_COMPLETED step's event id
     * @param reasons the stop reasons that were open
     */
    event StopIgnored(bytes32 indexed caseRef, uint64 eventId, uint8 reasons);

    /**
     * @dev Emitted when a positive decision or good prospects make an allocation to a district due
     * (once until the case is allocated).
     * @param caseRef the case
     * @param eventId the step's event id
     */
    event AllocationDue(bytes32 indexed caseRef, uint64 eventId);

    /**
     * @dev Emitted when a recording agency corrects one of its own earlier steps (a CORRECTION step).
     * @param caseRef the case
     * @param eventId the CORRECTION step's event id
     * @param originalEventId the event id of the corrected step
     */
    event StepCorrected(bytes32 indexed caseRef, uint64 eventId, uint64 originalEventId);

    /// @dev Raised when {recordBatch} is called with no steps.
    error EmptyBatch();

    /**
     * @dev Raised when a step's `packedStep` has bits set at 168 or above.
     * @param index the step's position in the batch (0 for {record})
     */
    error MalformedStep(uint256 index);

    /**
     * @dev Raised when no agency type may record the step code (by the rights set with the code lists).
     * @param index the step's position in the batch (0 for {record})
     * @param step the unknown step code
     */
    error UnknownStep(uint256 index, uint8 step);

    /**
     * @dev Raised when the caller's agency type may not record this step, which another type may record.
     * @param index the step's position in the batch (0 for {record})
     * @param step the step code
     * @param agency the caller's agency
     */
    error StepNotPermitted(uint256 index, uint8 step, uint8 agency);

    /**
     * @dev Raised when a step's detail code is not one the catalogue allows for the step (including a
     * detail on a step that takes none).
     * @param index the step's position in the batch (0 for {record})
     * @param step the step code
     * @param detail the rejected detail code
     */
    error InvalidDetail(uint256 index, uint8 step, uint64 detail);

    /**
     * @dev Raised when a step's business date is not a calendar date `yyyymmdd` (2000-2999) on a dated
     * step, or is not 0 on any other step.
     * @param index the step's position in the batch (0 for {record})
     * @param step the step code
     * @param businessDate the rejected date
     */
    error InvalidBusinessDate(uint256 index, uint8 step, uint32 businessDate);

    /**
     * @dev Raised when a step's case reference is 0.
     * @param index the step's position in the batch (0 for {record})
     */
    error EmptyCaseRef(uint256 index);

    /**
     * @dev Raised when a step's event id does not carry the caller's agency in its top byte.
     * @param index the step's position in the batch (0 for {record})
     * @param eventId the step's event id
     * @param agency the caller's agency
     */
    error ForeignEventId(uint256 index, uint64 eventId, uint8 agency);

    /**
     * @dev Raised when the caller's agency type is allocation-scoped (a district authority) and the case's
     * current allocation (its latest MUNICIPAL_ALLOCATION, see {allocatedTo}) does not name the caller's
     * district: it has none, or names another district.
     * @param index the step's position in the batch (0 for {record})
     * @param caseRef the case
     * @param district the caller's district (its scope), which the case is not allocated to
     */
    error NotAllocatedToDistrict(uint256 index, bytes32 caseRef, uint32 district);

    /**
     * @dev Raised when a step's event id was recorded before: a retry, not a failure.
     * @param index the step's position in the batch (0 for {record})
     * @param eventId the event id recorded before
     */
    error AlreadyRecorded(uint256 index, uint64 eventId);

    /**
     * @dev Raised when a CORRECTION names an event id of another agency: only the recording agency
     * corrects its own steps.
     * @param index the step's position in the batch (0 for {record})
     * @param originalEventId the event id the correction names
     */
    error NotOriginalRecorder(uint256 index, uint64 originalEventId);

    /**
     * @dev Raised when a CORRECTION names an event id that is not recorded (yet, or ever), or its own.
     * @param index the step's position in the batch (0 for {record})
     * @param originalEventId the event id the correction names
     */
    error UnknownOriginal(uint256 index, uint64 originalEventId);

    /**
     * @dev Records one step for the caller's agency and applies the process rules to its case.
     *
     * Requirements:
     *
     * - the caller must be a member account ({NotAMember}).
     * - `s.packedStep` must have no bits set at 168 or above ({MalformedStep}).
     * - some agency type must have the right to record the step code ({UnknownStep}), and the caller's
     *   agency type must have it ({StepNotPermitted}).
     * - the detail code and business date must fit the step ({InvalidDetail}, {InvalidBusinessDate}).
     * - `s.caseRef` must not be 0 ({EmptyCaseRef}).
     * - the event id must carry the caller's agency ({ForeignEventId}) and must not be recorded yet
     *   ({AlreadyRecorded}).
     * - if the caller's agency type is allocation-scoped, the case must be allocated to the caller's
     *   district ({NotAllocatedToDistrict}), except for a CORRECTION or ERASED, which concern only the
     *   caller's own records.
     * - a CORRECTION must name a recorded event id of the caller's agency other than its own
     *   ({NotOriginalRecorder}, {UnknownOriginal}).
     *
     * May emit:
     *
     * - {StepRecorded}, always.
     * - {OutOfOrder} when the step's prerequisites are not all met.
     * - {StopIgnored} when a repatriation is completed against an open stop, else {StopChanged} when
     *   the open stop reasons change.
     * - {AllocationDue} when an allocation becomes due.
     * - {StepCorrected} for a CORRECTION.
     *
     * @param s the step
     */
    function record(Step calldata s) external;

    /**
     * @dev Records several steps for the caller's agency in one transaction, in order. Every step is
     * checked before the first is applied; any bad step rejects the whole batch with an error that
     * names its index. A step may correct a step earlier in the same batch.
     *
     * Requirements:
     *
     * - `steps` must not be empty ({EmptyBatch}).
     * - every step must meet the requirements of {record}.
     * - no two steps may carry the same event id ({AlreadyRecorded}).
     *
     * May emit:
     *
     * - for each step, the events of {record}, step by step.
     *
     * @param steps the steps, applied in order
     */
    function recordBatch(Step[] calldata steps) external;

    /**
     * @dev Whether `eventId` has been recorded.
     * @param eventId the event id (`agency << 56 | sequence`)
     * @return true once a step with this event id is recorded
     */
    function isRecorded(uint64 eventId) external view returns (bool);

    /**
     * @dev A case's hash-chain head and its number of recorded steps (both 0 for an unknown case).
     * @param caseRef the case
     * @return head the hash-chain head over the case's steps
     * @return stepCount the number of recorded steps
     */
    function caseHead(bytes32 caseRef) external view returns (bytes24 head, uint24 stepCount);

    /**
     * @dev A case's rule flags (ProcedureRules) and its open repatriation stops.
     * @param caseRef the case
     * @return flags the rule flags
     * @return stops the open stop reasons (bit set; 0: none)
     */
    function caseState(bytes32 caseRef) external view returns (uint32 flags, uint8 stops);

    /**
     * @dev The open repatriation stops of a case.
     * @param caseRef the case
     * @return the open stop reasons (bit set; 0: none)
     */
    function openStops(bytes32 caseRef) external view returns (uint8);

    /**
     * @dev The district a case is currently allocated to: the detail of its latest MUNICIPAL_ALLOCATION.
     * @param caseRef the case
     * @return the district key (AGS); 0 for a case never allocated
     */
    function allocatedTo(bytes32 caseRef) external view returns (uint32);

    /**
     * @dev Which agencies marked a case as erased (an ERASED step): bit `a` set for agency `a`.
     * @param caseRef the case
     * @return the agency bits
     */
    function erasedBy(bytes32 caseRef) external view returns (uint256);
}
