// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

/// @title CodeListRegistry
/// @notice Holds the hash of the active code-list version (step, outcome, reason and district codes),
/// so that every service can check that it speaks the same codes as the ledger before it writes.
abstract contract CodeListRegistry {
    /// @notice keccak-256 of the RFC 8785 canonical JSON of the active code lists.
    bytes32 public codeListHash;
    /// @notice Human-readable label of the active code-list version, e.g. "2026.1".
    bytes32 public codeListVersion;

    /// @notice The active code-list version changed.
    event CodeListChanged(bytes32 previousHash, bytes32 newHash, bytes32 version);

    error EmptyCodeListHash();

    function _setCodeList(bytes32 newHash, bytes32 version) internal {
        if (newHash == bytes32(0)) revert EmptyCodeListHash();
        emit CodeListChanged(codeListHash, newHash, version);
        codeListHash = newHash;
        codeListVersion = version;
    }
}
