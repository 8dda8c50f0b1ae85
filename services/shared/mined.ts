// Waiting for a sent transaction's receipt by asking for it. ethers' tx.wait() looks once, then waits for the
// next block; on a node that mines each transaction on arrival (anvil, Hardhat's node) the block can come
// between the two, and if no further transaction follows, tx.wait() never returns (ethers-io/ethers.js#4224).
// A test of 200 batches hung that way on a busy machine.
import { setTimeout as sleep } from "node:timers/promises";
import type { Provider, TransactionReceipt } from "ethers";

/**
 * The receipt of transaction `hash`, polled until it is mined (20 ms, doubling to 500 ms); throws when
 * the transaction reverted (status 0), like tx.wait(), or after `timeoutMs`.
 */
export async function mined(sent: { hash: string; provider: Provider }, timeoutMs = 120_000): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    const receipt = await sent.provider.getTransactionReceipt(sent.hash);
    if (receipt) {
      if (receipt.status !== 1) throw new Error(`transaction ${sent.hash} reverted (block ${receipt.blockNumber})`);
      return receipt;
    }
    if (Date.now() > deadline) throw new Error(`transaction ${sent.hash} not mined within ${timeoutMs} ms`);
    await sleep(delay);
  }
}
