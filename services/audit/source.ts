// The audit's I/O besides JSON-RPC (rpc.ts): the agencies' audit endpoints over HTTP, export and
// checkpoint files, the agency's database (internal mode, through agency-db/) and the compiled artifact. Nothing
// here decides anything: the verdicts come from the pure modules.
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { readAgencyDbContent, type AgencyDbContent } from "./agency-db/reader";
import { SqliteAgencyDb } from "./agency-db/sqlite";
import { ExportTable } from "./export-table";
import { ExportLine, SignedCheckpoint, type AgencyExport, type CheckpointSet } from "./types";
import { CannotRun } from "./rpc";
import type { CodeHole } from "./code";
import { localBuildProblem, type LocalBuildProblem } from "./local-build";
import { holesFromImmutableReferences } from "./code";

// ---- agency HTTP endpoints --------------------------------------------------------------------------
export interface AgencyEndpoint {
  agency: number;
  name: string;
  baseUrl: string;
  token: string;
}

async function getJson(url: string, token: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" }, signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new CannotRun(`${url} does not answer${cause ? ` (${cause})` : ""}: start the agency services (npm start) or give --export/--checkpoints files (--no-agencies)`);
  }
  if (res.status === 401 || res.status === 403) throw new CannotRun(`${url} refused the auditor token (HTTP ${res.status}): check the audit token of this agency`);
  if (!res.ok) throw new CannotRun(`${url} answered HTTP ${res.status}`);
  return res.json();
}

const ExportPage = z.object({ lines: z.array(z.unknown()), next: z.string().nullish() });

export async function fetchAgencyExport(ep: AgencyEndpoint): Promise<AgencyExport> {
  // Page by page into columns (export-table.ts): a national export is millions of lines.
  const lines = new ExportTable();
  let after: string | undefined;
  const source = `${ep.baseUrl}/api/audit/export`;
  for (let page = 0; page < 1_000_000; page++) {
    const url = `${source}?limit=10000${after ? `&after=${after}` : ""}`;
    const body = ExportPage.safeParse(await getJson(url, ep.token));
    if (!body.success) throw new CannotRun(`${url}: not an audit export (${body.error.issues[0]?.message})`);
    parseInto(lines, body.data.lines, url);
    if (!body.data.next) break;
    after = body.data.next;
  }
  return { agency: ep.agency, source, lines };
}

export async function fetchAgencyCheckpoints(ep: AgencyEndpoint): Promise<CheckpointSet> {
  const source = `${ep.baseUrl}/api/checkpoints`;
  const body = await getJson(`${source}?limit=1000`, ep.token);
  return { agency: ep.agency, source, checkpoints: parseLines(arrayIn(body, source), SignedCheckpoint, source) };
}

// ---- files ------------------------------------------------------------------------------------------
function arrayIn(body: unknown, source: string): unknown[] {
  if (Array.isArray(body)) return body;
  if (body && typeof body === "object") {
    for (const k of ["lines", "checkpoints", "items", "data"]) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v;
    }
  }
  throw new CannotRun(`${source}: expected a JSON array (or an object with "lines"/"checkpoints")`);
}

/** Each item checked as an export line and appended to `table`; `first`: the entry number of the first item. */
function parseInto(table: ExportTable, items: unknown[], source: string, first = 0): void {
  items.forEach((item, i) => table.push(parseLine(item, source, first + i)));
}

function parseLine(item: unknown, source: string, i: number): ExportLine {
  const r = ExportLine.safeParse(item);
  if (!r.success) throw new CannotRun(`${source}, entry ${i + 1}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
  return r.data;
}

function parseLines<T>(items: unknown[], schema: z.ZodType<T>, source: string): T[] {
  return items.map((item, i) => {
    const r = schema.safeParse(item);
    if (!r.success) throw new CannotRun(`${source}, entry ${i + 1}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return r.data;
  });
}

/** A JSON array, an object holding one (`lines`, `checkpoints`), or JSON lines (one object a line). */
export function parseJsonOrLines(text: string, source: string): unknown[] {
  const t = text.trim();
  if (t === "") return [];
  let whole: unknown;
  try {
    whole = JSON.parse(t);
  } catch {
    whole = undefined;
  }
  if (whole !== undefined) {
    if (whole && typeof whole === "object" && !Array.isArray(whole) && ("ledgerEventId" in whole || "signature" in whole)) return [whole];
    return arrayIn(whole, source);
  }
  return t.split(/\r?\n/).filter((l) => l.trim() !== "").map((l, i) => {
    try {
      return JSON.parse(l);
    } catch {
      throw new CannotRun(`${source}, line ${i + 1}: not JSON`);
    }
  });
}

function readText(file: string): string {
  if (!existsSync(file)) throw new CannotRun(`${file} does not exist`);
  return readFileSync(file, "utf8");
}

/**
 * An export file's lines in columns (export-table.ts). JSON lines are read line by line from the file,
 * so that neither the whole text nor every parsed line is held at once; a JSON array or an object
 * holding one is parsed whole (parseJsonOrLines), as before.
 */
async function readExportTable(file: string): Promise<ExportTable> {
  if (!existsSync(file)) throw new CannotRun(`${file} does not exist`);
  const table = new ExportTable();
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  let whole = false;
  for await (const text of rl) {
    if (text.trim() === "") continue;
    let item: unknown;
    try {
      item = JSON.parse(text);
    } catch {
      item = undefined;
    }
    // Not one export line on the first line: a JSON document (array, object holding one, several lines).
    if (n === 0 && (item === undefined || typeof item !== "object" || item === null || Array.isArray(item) || !("ledgerEventId" in item))) {
      whole = true;
      break;
    }
    if (item === undefined) throw new CannotRun(`${file}, line ${n + 1}: not JSON`);
    table.push(parseLine(item, file, n++));
  }
  rl.close();
  if (!whole) return table;
  const all = new ExportTable();
  parseInto(all, parseJsonOrLines(readText(file), file), file);
  return all;
}

/** `[AGENCY=]file`: the agency named or taken from the lines' event ids. */
export async function readExportFile(spec: string, agencyOf: (name: string) => number | undefined, onName?: (code: number, key: string) => void): Promise<AgencyExport> {
  const { agency, file } = splitSpec(spec, agencyOf, onName);
  const lines = await readExportTable(file);
  let code = agency;
  if (code === undefined) {
    const counts = new Map<number, number>();
    for (let i = 0; i < lines.length; i++) {
      const a = Number(BigInt(lines.at(i)!.ledgerEventId) >> 56n);
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    code = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (code === undefined) throw new CannotRun(`${file} has no lines: name its agency as KEY=${file} (BAMF, ZAB, a number, or KEY:NUMBER)`);
  }
  return { agency: code, source: file, lines };
}

export function readCheckpointFile(spec: string, agencyOf: (name: string) => number | undefined, onName?: (code: number, key: string) => void): CheckpointSet {
  const { agency, file } = splitSpec(spec, agencyOf, onName);
  return { agency, source: file, checkpoints: parseLines(parseJsonOrLines(readText(file), file), SignedCheckpoint, file) };
}

/**
 * `[AGENCY=]file` or `[AGENCY=]url`: AGENCY is a key the audit knows (BAMF, ZAB), an agency number, or
 * KEY:NUMBER (an agency that joined later, e.g. ABH-14625:3), which also names that agency in the report
 * (`onName`). A KEY= the audit cannot tie to a number is refused rather than read as part of a file name.
 */
export function splitSpec(spec: string, agencyOf: (name: string) => number | undefined, onName?: (code: number, key: string) => void): { agency?: number; key?: string; file: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9_-]{0,23})(?::([0-9]{1,3}))?=(.+)$/.exec(spec);
  if (!m) return { file: resolve(spec) };
  const [, key, number, rest] = m;
  const file = /^https?:\/\//.test(rest) ? rest : resolve(rest);
  if (number !== undefined) {
    const code = Number(number);
    if (code < 1 || code > 255) throw new CannotRun(`${spec}: an agency number is 1..255`);
    onName?.(code, key.toUpperCase());
    return { agency: code, key: key.toUpperCase(), file };
  }
  const code = agencyOf(key);
  if (code === undefined) {
    if (existsSync(resolve(spec))) return { file: resolve(spec) };
    throw new CannotRun(`${spec}: the audit does not know agency "${key}"; give its number as ${key}:NUMBER=${rest}`);
  }
  return { agency: code, key: /^[0-9]+$/.test(key) ? undefined : key.toUpperCase(), file };
}

// ---- the agency database (internal mode) --------------------------------------------------------------
/** Read the Step rows and signed checkpoints of an agency's SQLite database (read only, agency-db/). */
export function readAgencyDb(file: string): Promise<AgencyDbContent> {
  return readAgencyDbContent(SqliteAgencyDb.open(resolve(file)));
}

// ---- the compiled artifact --------------------------------------------------------------------------
export const DEFAULT_ARTIFACT = join(__dirname, "..", "..", "artifacts", "contracts", "ProcedureLedger.sol", "ProcedureLedger.json");

export interface Artifact {
  file: string;
  deployedBytecode: string;
  holes: CodeHole[];
  /** set when the artifact is not this repository's build of its current sources (coverage, stale) */
  localBuild?: LocalBuildProblem;
}

export function readArtifact(file = DEFAULT_ARTIFACT): Artifact {
  if (!existsSync(file)) throw new CannotRun(`the compiled artifact ${file} is missing: run "CI=true npx hardhat compile"`);
  const a = JSON.parse(readFileSync(file, "utf8")) as { deployedBytecode?: string; contractName?: string; sourceName?: string };
  if (!a.deployedBytecode || a.deployedBytecode === "0x") throw new CannotRun(`${file} has no deployedBytecode`);
  // Immutable references live in the build info that the .dbg.json next to the artifact names.
  let holes: CodeHole[] = [];
  const dbg = file.replace(/\.json$/, ".dbg.json");
  if (existsSync(dbg)) {
    try {
      const buildInfo = JSON.parse(readFileSync(dbg, "utf8")).buildInfo as string;
      const info = JSON.parse(readFileSync(resolve(dirname(dbg), buildInfo), "utf8"));
      const out = info.output?.contracts?.[a.sourceName ?? ""]?.[a.contractName ?? ""];
      holes = holesFromImmutableReferences(out?.evm?.deployedBytecode?.immutableReferences);
    } catch {
      holes = [];
    }
  }
  return { file, deployedBytecode: a.deployedBytecode, holes, localBuild: localBuildProblem(file, a) };
}
