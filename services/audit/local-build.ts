// Is the local compiled artifact really this repository's build of its current sources? The code check
// compares the deployed code with it, so an artifact left by `hardhat coverage` (instrumented sources) or
// compiled from sources that changed since would turn into a false `code-mismatch`. The build info next to
// the artifact tells: it holds the sources as compiled (a coverage build's with its probes), and the
// compiler's metadata the keccak of each one.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { keccak256 } from "ethers";

export interface LocalBuildProblem {
  kind: "artifact-instrumented" | "artifact-stale";
  message: string;
}

/** What solidity-coverage injects: `function c_7236b75c(bytes8 c__7236b75c)` and `abi.encode(0x43abad196b75c49a);  /* line *\/`. */
const COVERAGE_PROBE = /\bbytes8 c__[0-9a-f]{8}\b|abi\.encode\(0x[0-9a-f]{16}\);\s+\/\* \w+ \*\//;

interface BuildInfo {
  input?: { sources?: Record<string, { content?: string }> };
  output?: { contracts?: Record<string, Record<string, { metadata?: string }>> };
}

/**
 * `artifactFile` is `<root>/artifacts/contracts/X.sol/X.json`; its sources are looked up under `<root>` (and
 * `<root>/node_modules` for packages). Undefined: nothing wrong found, or no build info to tell.
 */
export function localBuildProblem(artifactFile: string, artifact: { sourceName?: string; contractName?: string }): LocalBuildProblem | undefined {
  const dbg = artifactFile.replace(/\.json$/, ".dbg.json");
  if (!existsSync(dbg)) return undefined;
  let info: BuildInfo;
  try {
    info = JSON.parse(readFileSync(resolve(dirname(dbg), (JSON.parse(readFileSync(dbg, "utf8")) as { buildInfo: string }).buildInfo), "utf8")) as BuildInfo;
  } catch {
    return undefined;
  }
  const instrumented = Object.entries(info.input?.sources ?? {}).filter(([, src]) => COVERAGE_PROBE.test(src.content ?? "")).map(([path]) => path);
  if (instrumented.length) {
    return {
      kind: "artifact-instrumented",
      message:
        `the local artifact ${artifactFile} is a coverage build (instrumented: ${instrumented.join(", ")}), not this repository's build, ` +
        `so the deployed code could not be compared with it. Compile again (npx hardhat compile --force) and repeat the audit.`,
    };
  }
  const metadata = info.output?.contracts?.[artifact.sourceName ?? ""]?.[artifact.contractName ?? ""]?.metadata;
  if (!metadata) return undefined;
  const compiled = (JSON.parse(metadata) as { sources?: Record<string, { keccak256?: string }> }).sources ?? {};
  const root = resolve(dirname(artifactFile), "..", "..", "..");
  const changed: string[] = [];
  for (const [path, src] of Object.entries(compiled)) {
    const file = [join(root, path), join(root, "node_modules", path)].find((f) => existsSync(f));
    if (file && src.keccak256 && keccak256(readFileSync(file)) !== src.keccak256) changed.push(path);
  }
  if (!changed.length) return undefined;
  return {
    kind: "artifact-stale",
    message:
      `the local artifact ${artifactFile} was compiled from older sources (changed since: ${changed.join(", ")}), ` +
      `so the deployed code could not be compared with this repository's build. Compile again (npx hardhat compile) and repeat the audit.`,
  };
}
