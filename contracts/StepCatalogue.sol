// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

/// @title StepCatalogue
/// @notice The step catalogue of the asylum procedure (domain.md): step codes and the shape of each
/// step's detail code and business date. Which agency type may record which step is not here: it is data
/// that governance sets with each code-list version ({ConsortiumGovernance-proposeCodeList}).
/// @dev Codes mirror `codelists/codelists.json`; the hash of that file is kept on chain by
/// {CodeListRegistry}, so a service with other code lists refuses to write. A step code that governance
/// grants but this catalogue does not name carries neither detail nor date and changes no rule flag.
library StepCatalogue {
    uint8 internal constant REGISTERED = 1;
    uint8 internal constant APPLICATION_FILED = 2;
    uint8 internal constant HEARING_SCHEDULED = 3;
    uint8 internal constant HEARING_HELD = 4;
    uint8 internal constant DECISION_ISSUED = 5;
    uint8 internal constant DECISION_SERVED = 6;
    uint8 internal constant APPEAL_FILED = 7;
    uint8 internal constant APPEAL_DECIDED = 8;
    uint8 internal constant DECISION_FINAL = 9;
    uint8 internal constant FOLLOW_UP_APPLICATION_FILED = 10;
    uint8 internal constant FOLLOW_UP_DECIDED = 11;
    uint8 internal constant DEPARTURE_OBLIGATION = 12;
    uint8 internal constant REPATRIATION_SCHEDULED = 13;
    uint8 internal constant REPATRIATION_CANCELLED = 14;
    uint8 internal constant REPATRIATION_COMPLETED = 15;
    uint8 internal constant VOLUNTARY_DEPARTURE = 16;
    uint8 internal constant PROSPECTS_ASSESSED = 17;
    uint8 internal constant MUNICIPAL_ALLOCATION = 18;
    uint8 internal constant TRANSFERRED_TO_MUNICIPALITY = 19;
    uint8 internal constant CORRECTION = 20;
    uint8 internal constant ERASED = 21;
    uint8 internal constant ALLOCATION_RECEIVED = 22;
    uint8 internal constant ARRIVED_REGISTERED = 23;
    uint8 internal constant NOT_ARRIVED = 24;

    /// @dev Steps whose detail is a two-valued code (1 or 2).
    uint256 internal constant BINARY_DETAIL_STEPS =
        (1 << APPEAL_FILED) | (1 << APPEAL_DECIDED) | (1 << FOLLOW_UP_DECIDED) | (1 << PROSPECTS_ASSESSED);

    /// @dev Steps whose detail is a reason code (0 = none, otherwise a code below 256).
    uint256 internal constant REASON_DETAIL_STEPS = (1 << REPATRIATION_CANCELLED) | (1 << ERASED);

    /// @dev Steps that carry a business date (hearing date, planned repatriation date).
    uint256 internal constant DATED_STEPS = (1 << HEARING_SCHEDULED) | (1 << REPATRIATION_SCHEDULED);

    /// @dev Steps that carry a detail code or a business date; every other step carries neither.
    uint256 internal constant DETAIL_OR_DATE_STEPS =
        (1 << DECISION_ISSUED) | BINARY_DETAIL_STEPS | REASON_DETAIL_STEPS | DATED_STEPS |
        (1 << MUNICIPAL_ALLOCATION) | (1 << CORRECTION);

    /// @dev A detail code is only accepted where the catalogue gives the step one, so that no other
    /// value can be carried on chain in its place.
    function isValidDetail(uint8 step, uint64 detail) internal pure returns (bool) {
        uint256 bit = uint256(1) << step;
        if (step == DECISION_ISSUED) return detail != 0 && detail <= 8;
        if (bit & BINARY_DETAIL_STEPS != 0) return detail == 1 || detail == 2;
        if (bit & REASON_DETAIL_STEPS != 0) return detail < 256;
        // The official key (AGS) of a German district: Land 01-16, then three digits.
        if (step == MUNICIPAL_ALLOCATION) return detail >= 1001 && detail <= 16999;
        if (step == CORRECTION) return detail != 0; // the corrected event id
        return detail == 0;
    }

    /// @dev A business date is a calendar date `yyyymmdd`, given only where the catalogue asks for one.
    function isValidBusinessDate(uint8 step, uint32 date) internal pure returns (bool) {
        if ((uint256(1) << step) & DATED_STEPS == 0) return date == 0;
        uint32 month = (date / 100) % 100;
        uint32 day = date % 100;
        return date >= 20000101 && date <= 29991231 && month != 0 && month <= 12 && day != 0 && day <= 31;
    }
}
