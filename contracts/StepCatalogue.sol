// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

/// @title StepCatalogue
/// @notice The step catalogue of the asylum procedure (domain.md): step codes, which agency may
/// record which step, and the shape of each step's detail code and business date.
/// @dev Codes mirror `codelists/codelists.json`; the hash of that file is kept on chain by
/// {CodeListRegistry}, so a service with other code lists refuses to write.
library StepCatalogue {
    uint8 internal constant AGENCY_BAMF = 1;
    uint8 internal constant AGENCY_ZAB = 2;

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

    /// @dev Bit `s` set: BAMF may record step `s`.
    uint256 internal constant BAMF_STEPS =
        (1 << APPLICATION_FILED) | (1 << HEARING_SCHEDULED) | (1 << HEARING_HELD) | (1 << DECISION_ISSUED) |
        (1 << DECISION_SERVED) | (1 << APPEAL_FILED) | (1 << APPEAL_DECIDED) | (1 << DECISION_FINAL) |
        (1 << FOLLOW_UP_APPLICATION_FILED) | (1 << FOLLOW_UP_DECIDED) | (1 << PROSPECTS_ASSESSED) |
        (1 << CORRECTION) | (1 << ERASED);

    /// @dev Bit `s` set: ZAB may record step `s`.
    uint256 internal constant ZAB_STEPS =
        (1 << REGISTERED) | (1 << DEPARTURE_OBLIGATION) | (1 << REPATRIATION_SCHEDULED) |
        (1 << REPATRIATION_CANCELLED) | (1 << REPATRIATION_COMPLETED) | (1 << VOLUNTARY_DEPARTURE) |
        (1 << MUNICIPAL_ALLOCATION) | (1 << TRANSFERRED_TO_MUNICIPALITY) | (1 << CORRECTION) | (1 << ERASED);

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

    uint8 internal constant MAX_STEP = ERASED;

    /// @dev Whether `agency` is one of the consortium's agencies (BAMF, ZAB).
    function isKnownAgency(uint8 agency) internal pure returns (bool) {
        return agency == AGENCY_BAMF || agency == AGENCY_ZAB;
    }

    /// @dev Whether `step` is a code of the step catalogue.
    function isKnownStep(uint8 step) internal pure returns (bool) {
        return step != 0 && step <= MAX_STEP;
    }

    /// @dev Whether `agency` may record `step`; false for an unknown agency, and for a code outside the
    /// catalogue, since no agency's bit is set there (the ledger tells the two apart only to name the error).
    function mayRecord(uint8 agency, uint8 step) internal pure returns (bool) {
        uint256 allowed = agency == AGENCY_BAMF ? BAMF_STEPS : agency == AGENCY_ZAB ? ZAB_STEPS : 0;
        return (allowed >> step) & 1 == 1;
    }

    /// @dev A detail code is only accepted where the catalogue gives the step one, so that no other
    /// value can be carried on chain in its place.
    function isValidDetail(uint8 step, uint64 detail) internal pure returns (bool) {
        uint256 bit = uint256(1) << step;
        if (step == DECISION_ISSUED) return detail != 0 && detail <= 8;
        if (bit & BINARY_DETAIL_STEPS != 0) return detail == 1 || detail == 2;
        if (bit & REASON_DETAIL_STEPS != 0) return detail < 256;
        // Official municipal keys (AGS) of Saxon districts begin with 14.
        if (step == MUNICIPAL_ALLOCATION) return detail > 14000 && detail < 15000;
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
