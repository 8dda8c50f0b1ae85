// Fails (exit 1) on any solc warning or error in our contracts, for `npm run lint`: Hardhat prints
// compiler warnings but still succeeds, so a new warning would otherwise go unnoticed. Compiles every
// contracts/**/*.sol with the npm `solc` package and the settings Hardhat uses (scripts/lib/solc-settings.ts),
// under the same source names, so the messages point where Hardhat's would.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { z } from "zod";
import { SOLC_SETTINGS } from "./lib/solc-settings";

/** The part of the npm `solc` package (soljson) used here; it ships no types. */
interface SolcJs {
  version(): string;
  compile(input: string, callbacks: { import(path: string): { contents: string } | { error: string } }): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require("solc") as SolcJs;

const ROOT = join(__dirname, "..");
const CONTRACTS = join(ROOT, "contracts");

const SolcOutput = z.object({
  errors: z
    .array(
      z.object({
        severity: z.enum(["error", "warning", "info"]),
        type: z.string(),
        formattedMessage: z.string(),
        sourceLocation: z.object({ file: z.string() }).optional(),
      }),
    )
    .default([]),
});

function solidityFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? solidityFiles(join(dir, e.name)) : e.name.endsWith(".sol") ? [join(dir, e.name)] : [],
  );
}

/** Imports outside contracts/ (@openzeppelin/…) come from node_modules, as Hardhat resolves them. */
function findImport(sourceName: string): { contents: string } | { error: string } {
  const candidates = [join(ROOT, sourceName), join(ROOT, "node_modules", sourceName)];
  for (const file of candidates) {
    try {
      return { contents: readFileSync(file, "utf8") };
    } catch {
      // try the next place
    }
  }
  return { error: `not found: ${sourceName}` };
}

function main(): void {
  const sources = Object.fromEntries(
    solidityFiles(CONTRACTS).map((file) => [relative(ROOT, file).split(sep).join("/"), { content: readFileSync(file, "utf8") }]),
  );
  const input = {
    language: "Solidity",
    sources,
    // Bytecode too: some warnings (e.g. contract size) only come from code generation.
    settings: { ...SOLC_SETTINGS, outputSelection: { "*": { "*": ["evm.bytecode.object"] } } },
  };
  const output = SolcOutput.parse(JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })));
  const problems = output.errors.filter((e) => e.severity !== "info");
  for (const p of problems) console.error(p.formattedMessage.trimEnd() + "\n");
  const count = Object.keys(sources).length;
  if (problems.length > 0) {
    console.error(`solc ${solc.version()}: ${problems.length} warning(s) or error(s) in ${count} contract files`);
    process.exit(1);
  }
  console.log(`solc ${solc.version()}: no warnings in ${count} contract files`);
}

main();
