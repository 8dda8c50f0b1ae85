// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

/// @title ICodeListRegistry
/// @notice The code-list version in force on the ledger, as the services and the audit read it: a
/// service compares the hash with its own code lists before it writes.
interface ICodeListRegistry {
    /**
     * @dev Emitted when the active code-list version is set: once at deployment, then each time a
     * SetCodeList proposal is carried out.
     * @param previousHash the hash in force before (0 at deployment)
     * @param newHash the hash in force from now on
     * @param version the new version's label
     */
    event CodeListChanged(bytes32 previousHash, bytes32 newHash, bytes32 version);

    /**
     * @dev Raised when a code-list hash of 0 is given: at deployment, or when a SetCodeList proposal is
     * made or carried out.
     */
    error EmptyCodeListHash();

    /**
     * @dev keccak-256 of the RFC 8785 canonical JSON of the active code lists.
     * @return the hash
     */
    function codeListHash() external view returns (bytes32);

    /**
     * @dev Human-readable label of the active code-list version, e.g. "2026.1", right-padded with zeros.
     * @return the label
     */
    function codeListVersion() external view returns (bytes32);
}
