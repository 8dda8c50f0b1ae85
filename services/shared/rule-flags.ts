// The rule flags live in the vocabulary (./vocab/rule-flags.ts); this path stays for the audit's and the
// contract tests' imports.
export { FLAG, type FlagKey } from "./vocab/rule-flags";
