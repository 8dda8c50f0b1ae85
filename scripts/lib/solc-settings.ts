// The compiler settings of every contract build: Hardhat's (hardhat.config.ts) and the warning check's
// (scripts/check-solc-warnings.ts) read them from here, so the check compiles exactly what Hardhat does.
export const SOLC_SETTINGS = {
  // OpenZeppelin 5 needs cancun (mcopy, transient storage); Hardhat 2 defaults to paris.
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 10_000 },
  viaIR: true,
} as const;
