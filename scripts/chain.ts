// `npm run chain`: the persistent local chain on 127.0.0.1:8545 in the foreground; Ctrl-C stops it
// after its state is written.
import { startAnvil, stopAnvil, waitForChain } from "./lib/anvil";
import { CHAIN_DIR, DEFAULT_RPC_URL } from "../services/shared/paths";

async function main(): Promise<void> {
  const anvil = startAnvil({ verbose: process.argv.includes("--verbose") });
  let stopping = false;
  anvil.once("exit", (code, signal) => {
    if (!stopping) console.error(`anvil stopped unexpectedly (code ${code}, signal ${signal}); see ${CHAIN_DIR}/anvil.log`);
    process.exit(stopping ? 0 : (code ?? 1));
  });
  const chainId = await waitForChain(DEFAULT_RPC_URL);
  console.log(`Local chain ${chainId} on ${DEFAULT_RPC_URL}; state in ${CHAIN_DIR}. Ctrl-C stops it.`);
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
