// SPDX-License-Identifier: EUPL-1.2
pragma solidity 0.8.28;

import {ICodeListRegistry} from "./interfaces/ICodeListRegistry.sol";

/// @title CodeListRegistry
/// @notice Holds the hash of the active code-list version (step, outcome, reason and district codes),
/// so that every service can check that it speaks the same codes as the ledger before it writes.
abstract contract CodeListRegistry is ICodeListRegistry {
    /// @inheritdoc ICodeListRegistry
    bytes32 public codeListHash;
    /// @inheritdoc ICodeListRegistry
    bytes32 public codeListVersion;

    /**
     * @dev Reverts with {EmptyCodeListHash} unless `newHash` can become the active code-list hash.
     * @param newHash the proposed hash
     */
    function _requireCodeListHash(bytes32 newHash) internal pure {
        if (newHash == bytes32(0)) revert EmptyCodeListHash();
    }

    /**
     * @dev Makes `newHash` the active code-list hash. Checks nothing: the caller has passed `newHash`
     * through {_requireCodeListHash} before it emitted any event.
     *
     * May emit:
     *
     * - {CodeListChanged}, always.
     *
     * @param newHash the new hash
     * @param version the new version's label
     */
    function _setCodeList(bytes32 newHash, bytes32 version) internal {
        emit CodeListChanged(codeListHash, newHash, version);
        codeListHash = newHash;
        codeListVersion = version;
    }
}
