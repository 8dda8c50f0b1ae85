// `npm run chain`: the persistent local chain on 127.0.0.1:8545 (ANKER_CHAIN_PORT) in the foreground;
// Ctrl-C stops it after its state is written. A cut-off state file is replaced by its last good copy
// (scripts/lib/chain-state-file.ts), which is refreshed at start, every minute and after the stop.
import { startAnvil, stopAnvil, waitForChain } from "./lib/anvil";
import { keepGoodCopies, keepGoodCopy } from "./lib/chain-state-file";
import { CHAIN_DIR } from "../services/shared/paths";

async function main(): Promise<void> {
  const port = Number(process.env.ANKER_CHAIN_PORT || 8545);
  const url = `http://127.0.0.1:${port}`;
  const anvil = startAnvil({ port, verbose: process.argv.includes("--verbose"), keepGoodState: { say: (m) => console.log(m) } });
  const stopCopies = keepGoodCopies(CHAIN_DIR);
  let stopping = false;
  anvil.once("exit", (code, signal) => {
    stopCopies();
    if (!stopping) console.error(`anvil stopped unexpectedly (code ${code}, signal ${signal}); see ${CHAIN_DIR}/anvil.log`);
    else keepGoodCopy(CHAIN_DIR);
    process.exit(stopping ? 0 : (code ?? 1));
  });
  const chainId = await waitForChain(url);
  console.log(`Local chain ${chainId} on ${url}; state in ${CHAIN_DIR}. Ctrl-C stops it.`);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      stopping = true;
      console.log("Stopping the chain, writing its state ...");
      void stopAnvil(anvil);
    });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
