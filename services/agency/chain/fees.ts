// Which kind of transaction the agency signs, from what the node says about fees. Permissioned networks
// often charge nothing: Besu with `min-gas-price` 0 and either no London fork (blocks without
// baseFeePerGas) or a zero base fee (`zeroBaseFee`); there eth_gasPrice says 0 and a legacy transaction
// at that price is what the node accepts, while an EIP-1559 tip would make the agencies pay on a network
// that charges nothing (and need funds for it). Where a base fee is charged, EIP-1559.

/** The priority fee when the node has no eth_maxPriorityFeePerGas (ethers' default too). */
export const DEFAULT_PRIORITY_FEE = 1_000_000_000n;

export type FeeChoice =
  | { type: 0; gasPrice: bigint }
  | { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

export interface FeeQuote {
  /** the latest block's baseFeePerGas; undefined when the block has none (no London fork) */
  baseFeePerGas: bigint | undefined;
  /** eth_gasPrice (may be 0) */
  gasPrice: bigint;
  /** eth_maxPriorityFeePerGas; undefined when the node has no such method */
  priorityFee?: bigint;
}

/**
 * Legacy (type 0) at eth_gasPrice when the latest block has no base fee or a zero one; otherwise EIP-1559
 * with the node's suggested tip and room for the base fee to double before the transaction is mined.
 */
export function chooseFees(q: FeeQuote): FeeChoice {
  if (q.baseFeePerGas === undefined || q.baseFeePerGas === 0n) return { type: 0, gasPrice: q.gasPrice };
  const tip = q.priorityFee ?? DEFAULT_PRIORITY_FEE;
  return { type: 2, maxFeePerGas: q.baseFeePerGas * 2n + tip, maxPriorityFeePerGas: tip };
}
