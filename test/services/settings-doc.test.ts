// The README's settings table is what the code reads: generated from the settings schema, and every
// environment variable the code reads appears in it (and nothing else does).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { README_FILE, START_MARKER, END_MARKER, readmeWithSettings } from "../../scripts/docs/settings-table";
import { REPO_ROOT } from "../../services/shared/paths";

const SOURCE_ROOTS = ["services", "scripts", "bench", "web", "hardhat.config.ts", "prisma.config.ts"];
const SKIP = new Set(["node_modules", "generated", "dist"]);

function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return /\.(ts|mts|tsx)$/.test(path) ? [path] : [];
  return readdirSync(path).filter((n) => !SKIP.has(n)).flatMap((n) => sourceFiles(join(path, n)));
}

/** Names read as `env.NAME` or `process.env.NAME` anywhere in the product's sources. */
function settingsReadByCode(): Set<string> {
  const names = new Set<string>();
  for (const file of SOURCE_ROOTS.flatMap((r) => sourceFiles(join(REPO_ROOT, r)))) {
    for (const m of readFileSync(file, "utf8").matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]);
  }
  // npm scripts read settings as shell parameters: ${HARDHAT_NETWORK:-localhost}
  const scripts = Object.values((JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
  for (const m of scripts.join("\n").matchAll(/\$\{([A-Z][A-Z0-9_]+)/g)) names.add(m[1]);
  return names;
}

function documentedSettings(readme: string): Set<string> {
  const section = readme.slice(readme.indexOf(START_MARKER), readme.indexOf(END_MARKER));
  return new Set([...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
}

describe("README settings table", () => {
  const readme = readFileSync(README_FILE, "utf8");

  it("is the table generated from the settings schema (run `npm run docs:settings` after a change)", () => {
    expect(readme).to.equal(readmeWithSettings(readme));
  });

  it("lists every setting the code reads", () => {
    const documented = documentedSettings(readme);
    const missing = [...settingsReadByCode()].filter((n) => !documented.has(n));
    expect(missing, "read by the code but not in the README's table").to.deep.equal([]);
  });

  it("lists nothing the code does not read", () => {
    const read = settingsReadByCode();
    // the service's own settings are read through its schema (config.ts), not as env.NAME
    const schemaOnly = readFileSync(join(REPO_ROOT, "services/agency/config.ts"), "utf8");
    const stale = [...documentedSettings(readme)].filter((n) => !read.has(n) && !schemaOnly.includes(`${n}:`));
    expect(stale, "in the README's table but read nowhere").to.deep.equal([]);
  });
});
