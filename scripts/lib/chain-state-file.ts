// The local chain's state file and its last good copy. anvil rewrites state.json in place every second, so
// a kill -9 (or a crash of the machine) during a write leaves it cut off, and anvil then refuses to start:
// the demo chain would be lost. We keep a copy that was read back as complete JSON (state.good.json),
// refreshed on every start and every minute while the chain runs, and start from it when state.json is
// unreadable. The copy is written to a temporary file and renamed, so it is never itself half-written.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";

export const STATE_FILE = "state.json";
export const GOOD_COPY = "state.good.json";

export interface StateCheck {
  /** none: no state yet (a new chain); ok: state.json is complete; recovered: replaced by the good copy */
  outcome: "none" | "ok" | "recovered";
  /** the latest block of the state anvil will load */
  block?: number;
  /** for the console, when something was done that an operator should know */
  message?: string;
}

/** The latest block of a complete anvil state dump, or the reason it is not one. */
export function parseState(content: Buffer): { block: number } | { error: string } {
  if (content.length === 0) return { error: "the file is empty" };
  try {
    const state = JSON.parse(content.toString("utf8")) as { best_block_number?: unknown; block?: { number?: unknown } };
    const block = Number(state.best_block_number ?? state.block?.number);
    if (!Number.isSafeInteger(block)) return { error: "it has no block number" };
    return { block };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function writeAtomically(file: string, content: Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Read state.json once; if it is complete JSON, write exactly those bytes as the good copy. Returns the
 * block of the copy, or undefined when state.json is missing or unreadable right now (say, mid-write: the
 * previous good copy stays).
 */
export function keepGoodCopy(stateDir: string): number | undefined {
  const file = join(stateDir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  const content = readFileSync(file);
  const parsed = parseState(content);
  if ("error" in parsed) return undefined;
  writeAtomically(join(stateDir, GOOD_COPY), content);
  return parsed.block;
}

const when = (file: string) => statSync(file).mtime.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

/**
 * Before anvil loads the state: a complete state.json is copied to the good copy; a cut-off one is kept
 * aside as state.broken-<time>.json and replaced by the good copy. Throws with what to do when there is no
 * good copy to fall back on.
 */
export function recoverStateFile(stateDir: string, now = new Date()): StateCheck {
  const file = join(stateDir, STATE_FILE);
  const good = join(stateDir, GOOD_COPY);
  let problem: string;
  if (existsSync(file)) {
    const content = readFileSync(file);
    const parsed = parseState(content);
    if (!("error" in parsed)) {
      writeAtomically(good, content);
      return { outcome: "ok", block: parsed.block };
    }
    problem = `${file} cannot be read (${parsed.error}; ${content.length} bytes, written ${when(file)}): it was cut off, probably by a crash during a write`;
  } else {
    if (!existsSync(good)) return { outcome: "none" };
    problem = `${file} is missing`;
  }

  const goodParsed = existsSync(good) ? parseState(readFileSync(good)) : undefined;
  if (!goodParsed || "error" in goodParsed) {
    const why = goodParsed ? `the good copy ${good} cannot be read either (${goodParsed.error})` : `there is no good copy (${good})`;
    throw new Error(
      `${problem}, and ${why}. Nothing was changed. To start a new local chain, move ${stateDir} aside ` +
        `(the agencies' databases then no longer match the chain: for a fresh demo delete the whole state folder).`,
    );
  }
  if (existsSync(file)) {
    const broken = join(stateDir, `state.broken-${now.toISOString().replace(/[:.]/g, "-")}.json`);
    renameSync(file, broken);
    problem += `; kept as ${broken}`;
  }
  writeAtomically(file, readFileSync(good));
  return {
    outcome: "recovered",
    block: goodParsed.block,
    message:
      `The chain state ${problem}. The chain continues from the last good copy ${good} (block ${goodParsed.block}, saved ${when(good)}); ` +
      `blocks after it are lost from this local chain.`,
  };
}

/** Refresh the good copy every `intervalMs` while the chain runs; returns the function that stops it. */
export function keepGoodCopies(stateDir: string, intervalMs = 60_000): () => void {
  const timer = setInterval(() => {
    try {
      keepGoodCopy(stateDir);
    } catch {
      // a full disk or a vanished folder: the previous good copy stays, the next round tries again
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
