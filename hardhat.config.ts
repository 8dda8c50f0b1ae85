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

/**
 * `hardhat coverage` compiles instrumented contracts. Into the usual artifacts/ and cache/ they would stay
 * behind, and the next deploy or `npm run audit` would take them for this repository's build (a false
 * critical `code-mismatch`). So a coverage run builds into coverage/build/ (with its own typechain output),
 * and artifacts/, cache/ and typechain-types/ stay what `hardhat compile` made.
 */
const COVERAGE_RUN = process.argv.includes("coverage") || process.env.ANKER_COVERAGE_BUILD === "true";
const COVERAGE_BUILD = "coverage/build";

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
  paths: COVERAGE_RUN
    ? { tests: "test/contracts", artifacts: `${COVERAGE_BUILD}/artifacts`, cache: `${COVERAGE_BUILD}/cache` }
    : { tests: "test/contracts" },
  typechain: { outDir: COVERAGE_RUN ? `${COVERAGE_BUILD}/typechain-types` : "typechain-types", target: "ethers-v6" },
  mocha: { timeout: 120_000 },
  gasReporter: { enabled: false },
};

export default config;
