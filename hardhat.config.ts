import { HardhatUserConfig, subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import { SOLC_SETTINGS } from "./scripts/lib/solc-settings";
import { CHAIN_ID } from "./services/shared/paths";

// The machines reach no compiler download server: compile with the solc that npm installed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require("solc");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SOLC_VERSION: string = require("solc/package.json").version;
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  if (args.solcVersion !== SOLC_VERSION)
    throw new Error(`only solc ${SOLC_VERSION} (npm package "solc") is available offline`);
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version(),
  };
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: SOLC_SETTINGS,
  },
  networks: {
    // chainId: `hardhat node` serves the same chain id as anvil, so deployments and checkpoints look alike.
    hardhat: { hardfork: "cancun", chainId: CHAIN_ID },
    localhost: { url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
  },
  paths: { tests: "test/contracts" },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  mocha: { timeout: 120_000 },
  gasReporter: { enabled: false },
};

export default config;
