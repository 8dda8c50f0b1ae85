// The audit names a local build that is not this repository's build of its current sources (issue 12): a
// coverage build left behind, or an artifact compiled from sources changed since. Then a difference to the
// deployed code is reported as that, not as a critical `code-mismatch`. The coverage run itself builds
// elsewhere (hardhat.config.ts), so artifacts/ stays the real build.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { compareCode } from "../../services/audit/code";
import { DEFAULT_ARTIFACT, readArtifact } from "../../services/audit/source";
import { REPO_ROOT } from "../../services/shared/paths";

const LEDGER = "0x" + "11".repeat(20);

/** A copy of this repository's artifact, its build info and the contract sources, under a new root. */
function copyBuild(): { root: string; artifact: string; buildInfo: string } {
  const root = mkdtempSync(join(tmpdir(), "anker-localbuild-"));
  const rel = (f: string) => f.slice(REPO_ROOT.length + 1);
  const dbg = DEFAULT_ARTIFACT.replace(/\.json$/, ".dbg.json");
  const buildInfo = resolve(dirname(dbg), (JSON.parse(readFileSync(dbg, "utf8")) as { buildInfo: string }).buildInfo);
  for (const f of [DEFAULT_ARTIFACT, dbg, buildInfo]) {
    mkdirSync(dirname(join(root, rel(f))), { recursive: true });
    cpSync(f, join(root, rel(f)));
  }
  cpSync(join(REPO_ROOT, "contracts"), join(root, "contracts"), { recursive: true });
  // the OpenZeppelin sources are found in the copy's node_modules: point it at ours
  execFileSync("ln", ["-s", join(REPO_ROOT, "node_modules"), join(root, "node_modules")]);
  return { root, artifact: join(root, rel(DEFAULT_ARTIFACT)), buildInfo: join(root, rel(buildInfo)) };
}

describe("audit: a local build that is not the audited one", () => {
  const roots: string[] = [];
  after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it("finds nothing wrong with the build of the current sources", () => {
    const b = copyBuild();
    roots.push(b.root);
    expect(readArtifact(b.artifact).localBuild).to.equal(undefined);
  });

  it("names an artifact compiled from sources changed since as stale, and a differing code as not comparable", () => {
    const b = copyBuild();
    roots.push(b.root);
    appendFileSync(join(b.root, "contracts", "StepCatalogue.sol"), "\n// changed after the compile\n");
    const artifact = readArtifact(b.artifact);
    expect(artifact.localBuild?.kind).to.equal("artifact-stale");
    expect(artifact.localBuild?.message).to.include("contracts/StepCatalogue.sol");
    const onChain = artifact.deployedBytecode.replace(/0f/, "10");
    const findings = compareCode(onChain, artifact.deployedBytecode, { address: LEDGER, localBuild: artifact.localBuild }).findings;
    expect(findings.map((f) => [f.kind, f.severity])).to.deep.equal([["artifact-stale", "error"]]);
  });

  it("names a coverage build (instrumented sources) as such instead of reporting a critical code-mismatch", () => {
    const b = copyBuild();
    roots.push(b.root);
    // As solidity-coverage leaves it (lines as `npm run coverage` wrote them): probes in the compiled sources.
    const info = JSON.parse(readFileSync(b.buildInfo, "utf8")) as { input: { sources: Record<string, { content: string }> } };
    const src = info.input.sources["contracts/ProcedureLedger.sol"];
    src.content = "function c_7236b75c(bytes8 c__7236b75c) pure { abi.encode(c__7236b75c);  }\n" + src.content.replace("{}", "{abi.encode(0x43abad196b75c49a);  /* function */ \n}");
    writeFileSync(b.buildInfo, JSON.stringify(info));
    const artifact = readArtifact(b.artifact);
    expect(artifact.localBuild?.kind).to.equal("artifact-instrumented");
    expect(artifact.localBuild?.message).to.match(/coverage build .*npx hardhat compile --force/);
    const onChain = artifact.deployedBytecode.replace(/0f/, "10");
    const kinds = compareCode(onChain, artifact.deployedBytecode, { address: LEDGER, localBuild: artifact.localBuild }).findings.map((f) => f.kind);
    expect(kinds).to.deep.equal(["artifact-instrumented"]);
    // the same difference without a known local-build problem stays a critical mismatch
    expect(compareCode(onChain, artifact.deployedBytecode, { address: LEDGER }).findings.map((f) => f.kind)).to.deep.equal(["code-mismatch"]);
  });

  it("a coverage run builds into coverage/build, never into artifacts/, cache/ or typechain-types/", function () {
    this.timeout(120_000);
    // Hardhat's resolved configuration, as a coverage run and a normal one see it.
    const dir = mkdtempSync(join(tmpdir(), "anker-hhconfig-"));
    roots.push(dir);
    const script = join(dir, "paths.js");
    writeFileSync(script, "console.log(JSON.stringify({ paths: config.paths, typechain: config.typechain.outDir }));\n");
    const run = (env: Record<string, string>) => {
      const out = execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js"), "run", "--no-compile", script], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
      return JSON.parse(out.trim().split("\n").pop()!) as { paths: Record<string, string>; typechain: string };
    };
    const coverage = run({ ANKER_COVERAGE_BUILD: "true" });
    expect(coverage.paths.artifacts).to.equal(join(REPO_ROOT, "coverage", "build", "artifacts"));
    expect(coverage.paths.cache).to.equal(join(REPO_ROOT, "coverage", "build", "cache"));
    expect(coverage.typechain).to.equal("coverage/build/typechain-types");
    const normal = run({ ANKER_COVERAGE_BUILD: "" });
    expect(normal.paths.artifacts).to.equal(join(REPO_ROOT, "artifacts"));
    expect(normal.paths.cache).to.equal(join(REPO_ROOT, "cache"));
    expect(normal.typechain).to.equal("typechain-types");
  });
});
