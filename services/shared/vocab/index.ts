// The domain vocabulary, browser-safe (no Node module, no ethers): code lists, labels in German and
// English, stop reasons, rule flags, districts, dates, and what each ledger event means.
export * from "./types";
export * from "./codelists";
export * from "./districts";
export * from "./labels";
export * from "./stop-reasons";
export * from "./rule-flags";
export * from "./dates";
export * from "./rule-events";
export * from "./countries";
export * from "./commitments-tree";
