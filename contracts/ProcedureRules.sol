// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {StepCatalogue as S} from "./StepCatalogue.sol";

/// @title ProcedureRules
/// @notice The process rules of domain.md as pure functions over a case's state flags: which step
/// is out of order (alert), which open conditions forbid a scheduled repatriation (stop), and when an
/// allocation to a district becomes due, and the district authority's confirmation of arrival. The audit
/// replays the same rules off chain. Flags use bits 0-23 (the ledger stores 24 bits of them per case).
library ProcedureRules {
    uint32 internal constant REGISTERED = 1 << 0;
    uint32 internal constant FILED = 1 << 1;
    uint32 internal constant HEARING_SCHEDULED = 1 << 2;
    uint32 internal constant HEARING_HELD = 1 << 3;
    uint32 internal constant DECIDED = 1 << 4;
    uint32 internal constant POSITIVE = 1 << 5;
    uint32 internal constant NEGATIVE = 1 << 6;
    uint32 internal constant SERVED = 1 << 7;
    uint32 internal constant APPEAL_PENDING = 1 << 8;
    uint32 internal constant SUSPENSIVE_APPEAL = 1 << 9;
    uint32 internal constant FINAL = 1 << 10;
    uint32 internal constant FOLLOW_UP_PENDING = 1 << 11;
    uint32 internal constant DEPARTURE_OBLIGATION = 1 << 12;
    uint32 internal constant REPATRIATION_SCHEDULED = 1 << 13;
    uint32 internal constant ALLOCATION_DUE = 1 << 14;
    uint32 internal constant ALLOCATED = 1 << 15;
    uint32 internal constant DEPARTED = 1 << 16;
    uint32 internal constant TRANSFERRED = 1 << 17;
    uint32 internal constant ALLOCATION_RECEIVED = 1 << 18;
    uint32 internal constant ARRIVED = 1 << 19;
    uint32 internal constant STOP_IGNORED = 1 << 20;
    uint32 internal constant NOT_ARRIVED = 1 << 21;

    /// @dev What the district authority confirmed about the current allocation; a re-allocation starts over.
    uint32 private constant ARRIVAL_STATE = ALLOCATION_RECEIVED | ARRIVED | NOT_ARRIVED;

    /// @dev The decision in force and everything that follows from it.
    uint32 private constant DECISION_STATE = DECIDED | POSITIVE | NEGATIVE | SERVED | FINAL;

    uint8 internal constant STOP_NO_NEGATIVE_DECISION = 1;
    uint8 internal constant STOP_POSITIVE_DECISION = 2;
    uint8 internal constant STOP_SUSPENSIVE_APPEAL = 4;
    uint8 internal constant STOP_FOLLOW_UP_PENDING = 8;

    /// @dev Prerequisite flags per step, 16 bits a step (all prerequisites live in the low 16 flags):
    /// steps 0-15 in the first table, 16-31 in the second.
    uint256 private constant PREREQ_LOW =
        (uint256(REGISTERED) << (16 * S.APPLICATION_FILED)) |
        (uint256(FILED) << (16 * S.HEARING_SCHEDULED)) |
        (uint256(FILED | HEARING_SCHEDULED) << (16 * S.HEARING_HELD)) |
        (uint256(FILED | HEARING_HELD) << (16 * S.DECISION_ISSUED)) |
        (uint256(DECIDED) << (16 * S.DECISION_SERVED)) |
        (uint256(SERVED) << (16 * S.APPEAL_FILED)) |
        (uint256(APPEAL_PENDING) << (16 * S.APPEAL_DECIDED)) |
        (uint256(SERVED) << (16 * S.DECISION_FINAL)) |
        (uint256(FINAL) << (16 * S.FOLLOW_UP_APPLICATION_FILED)) |
        (uint256(FOLLOW_UP_PENDING) << (16 * S.FOLLOW_UP_DECIDED)) |
        (uint256(NEGATIVE | SERVED) << (16 * S.DEPARTURE_OBLIGATION)) |
        (uint256(DEPARTURE_OBLIGATION) << (16 * S.REPATRIATION_SCHEDULED)) |
        (uint256(REPATRIATION_SCHEDULED) << (16 * S.REPATRIATION_CANCELLED)) |
        (uint256(REPATRIATION_SCHEDULED) << (16 * S.REPATRIATION_COMPLETED));
    uint256 private constant PREREQ_HIGH =
        (uint256(DEPARTURE_OBLIGATION) << (16 * (S.VOLUNTARY_DEPARTURE - 16))) |
        (uint256(REGISTERED) << (16 * (S.PROSPECTS_ASSESSED - 16))) |
        (uint256(ALLOCATION_DUE) << (16 * (S.MUNICIPAL_ALLOCATION - 16))) |
        (uint256(ALLOCATED) << (16 * (S.TRANSFERRED_TO_MUNICIPALITY - 16))) |
        (uint256(ALLOCATED) << (16 * (S.ALLOCATION_RECEIVED - 16))) |
        (uint256(ALLOCATED) << (16 * (S.ARRIVED_REGISTERED - 16))) |
        (uint256(ALLOCATED) << (16 * (S.NOT_ARRIVED - 16)));

    /// @dev Flags on which the open stops depend.
    uint32 internal constant STOP_INPUTS =
        REPATRIATION_SCHEDULED | POSITIVE | NEGATIVE | SUSPENSIVE_APPEAL | FOLLOW_UP_PENDING;

    /// @notice The flags a step expects to be set already; any that are missing raise an alert.
    function prerequisites(uint256 step) internal pure returns (uint32) {
        // Codes from 32 on (granted by governance beyond this catalogue) have none.
        uint256 table = step < 16 ? PREREQ_LOW : step < 32 ? PREREQ_HIGH : 0;
        return uint32((table >> (16 * (step & 15))) & 0xffff);
    }

    /// @notice The reasons (bit set) why a scheduled repatriation must not go ahead; 0 when none.
    function openStops(uint32 flags) internal pure returns (uint8 reasons) {
        if (flags & REPATRIATION_SCHEDULED == 0) return 0;
        if (flags & POSITIVE != 0) reasons |= STOP_POSITIVE_DECISION;
        else if (flags & NEGATIVE == 0) reasons |= STOP_NO_NEGATIVE_DECISION;
        if (flags & SUSPENSIVE_APPEAL != 0) reasons |= STOP_SUSPENSIVE_APPEAL;
        if (flags & FOLLOW_UP_PENDING != 0) reasons |= STOP_FOLLOW_UP_PENDING;
    }

    /// @notice The case's flags after `step` with `detail` (whoever records it).
    function transition(uint32 flags, uint256 step, uint256 detail) internal pure returns (uint32) {
        if (step <= S.HEARING_HELD) {
            if (step == S.REGISTERED) return flags | REGISTERED;
            if (step == S.APPLICATION_FILED) return flags | FILED;
            if (step == S.HEARING_SCHEDULED) return flags | HEARING_SCHEDULED;
            return flags | HEARING_HELD;
        }
        // Phase III, the cross-cutting steps and codes beyond the catalogue apart: fewer comparisons each.
        if (step >= S.PROSPECTS_ASSESSED) return _phaseThree(flags, step, detail);
        if (step == S.DECISION_ISSUED) {
            // Outcomes 1-4 grant protection; 5-8 (rejected, inadmissible, discontinued) leave the
            // person obliged to leave once enforceable.
            flags = (flags & ~DECISION_STATE) | DECIDED | (detail <= 4 ? POSITIVE : NEGATIVE);
            return detail <= 4 ? _allocationDue(flags) : flags;
        }
        if (step == S.DECISION_SERVED) return flags | SERVED;
        if (step == S.APPEAL_FILED) return flags | APPEAL_PENDING | (detail == 1 ? SUSPENSIVE_APPEAL : 0);
        if (step == S.APPEAL_DECIDED) {
            flags &= ~(APPEAL_PENDING | SUSPENSIVE_APPEAL);
            // Quashed: the BAMF decision no longer stands and must be taken anew.
            return detail == 2 ? flags & ~DECISION_STATE : flags;
        }
        if (step == S.DECISION_FINAL) return flags | FINAL;
        if (step == S.FOLLOW_UP_APPLICATION_FILED) return flags | FOLLOW_UP_PENDING;
        if (step == S.FOLLOW_UP_DECIDED) {
            flags &= ~FOLLOW_UP_PENDING;
            // A new procedure opened: the earlier decision is no longer the last word.
            return detail == 1 ? flags & ~DECISION_STATE : flags;
        }
        if (step == S.DEPARTURE_OBLIGATION) return flags | DEPARTURE_OBLIGATION;
        if (step == S.REPATRIATION_SCHEDULED) return flags | REPATRIATION_SCHEDULED;
        if (step == S.REPATRIATION_CANCELLED) return flags & ~REPATRIATION_SCHEDULED;
        if (step == S.REPATRIATION_COMPLETED || step == S.VOLUNTARY_DEPARTURE) {
            uint32 ignored = step == S.REPATRIATION_COMPLETED && openStops(flags) != 0 ? STOP_IGNORED : 0;
            return (flags & ~REPATRIATION_SCHEDULED) | DEPARTED | ignored;
        }
        return flags; // not reached: every code from 5 to 16 is handled above
    }

    /// @dev {transition} for the steps from PROSPECTS_ASSESSED on: phase III (allocation and arrival), the
    /// cross-cutting CORRECTION and ERASED, and codes beyond the catalogue.
    function _phaseThree(uint32 flags, uint256 step, uint256 detail) private pure returns (uint32) {
        if (step == S.ALLOCATION_RECEIVED) return flags | ALLOCATION_RECEIVED;
        if (step == S.ARRIVED_REGISTERED) return (flags & ~NOT_ARRIVED) | ARRIVED;
        if (step == S.NOT_ARRIVED) return flags | NOT_ARRIVED;
        if (step == S.MUNICIPAL_ALLOCATION) return (flags & ~(ALLOCATION_DUE | ARRIVAL_STATE)) | ALLOCATED;
        if (step == S.TRANSFERRED_TO_MUNICIPALITY) return flags | TRANSFERRED;
        if (step == S.PROSPECTS_ASSESSED) return detail == 1 ? _allocationDue(flags) : flags;
        // CORRECTION changes data off chain, ERASED is kept per agency by the ledger: neither changes the
        // procedure's state, nor does a step the catalogue does not name.
        return flags;
    }

    /// @dev `flags` with an allocation due, unless the case is already allocated.
    function _allocationDue(uint32 flags) private pure returns (uint32) {
        return flags & ALLOCATED == 0 ? flags | ALLOCATION_DUE : flags;
    }
}
