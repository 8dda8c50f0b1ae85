// The audit's I/O: standard Ethereum JSON-RPC (batched), the agencies' audit endpoints over HTTP, export
// and checkpoint files, the agency's SQLite database (internal mode) and the compiled artifact. Nothing
// here decides anything: the verdicts come from the pure modules.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { ExportLine, SignedCheckpoint, type AgencyExport, type CheckpointSet, type RpcBlock, type RpcLog, type StepRow } from "./types";
import type { CodeHole } from "./code";
import { holesFromImmutableReferences } from "./code";

/** The audit could not run (exit code 2): the message says why and what to do. */
export class CannotRun extends Error {}

// ---- JSON-RPC ---------------------------------------------------------------------------------------
export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number | undefined,
    message: string,
  ) {
    super(`${method}: ${message}`);
  }
}

interface RpcResponse {
  id: number;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface RpcOptions {
  /** requests per JSON-RPC batch */
  batchSize?: number;
  /** batches in flight at once */
  concurrency?: number;
  timeoutMs?: number;
}

/** A small JSON-RPC client: single calls and batches, concurrency-limited. */
export class RpcClient {
  private nextId = 1;
  readonly batchSize: number;
  readonly concurrency: number;
  private readonly timeoutMs: number;

  constructor(
    readonly url: string,
    opts: RpcOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 200;
    this.concurrency = opts.concurrency ?? 4;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  private async post(body: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new CannotRun(`no JSON-RPC node answers at ${this.url}${cause ? ` (${cause})` : ""}: start the chain (npm start) or pass --rpc URL`);
    }
    if (!res.ok) throw new RpcError("http", res.status, `HTTP ${res.status} from ${this.url}`);
    return res.json();
  }

  async call<T>(method: string, params: unknown[]): Promise<T> {
    const r = (await this.post({ jsonrpc: "2.0", id: this.nextId++, method, params })) as RpcResponse;
    if (r.error) throw new RpcError(method, r.error.code, r.error.message);
    return r.result as T;
  }

  /** Many calls as JSON-RPC batches; results in call order. Throws on the first error. */
  async batch<T>(calls: { method: string; params: unknown[] }[]): Promise<T[]> {
    const results = new Array<T>(calls.length);
    const chunks: number[] = [];
    for (let i = 0; i < calls.length; i += this.batchSize) chunks.push(i);
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const start = chunks[next++];
        const part = calls.slice(start, start + this.batchSize);
        const base = this.nextId;
        this.nextId += part.length;
        const body = part.map((c, k) => ({ jsonrpc: "2.0", id: base + k, method: c.method, params: c.params }));
        const out = (await this.post(body)) as RpcResponse[] | RpcResponse;
        if (!Array.isArray(out)) throw new RpcError(part[0].method, out.error?.code, out.error?.message ?? "the node does not accept JSON-RPC batches");
        for (const r of out) {
          const k = r.id - base;
          if (k < 0 || k >= part.length) continue;
          if (r.error) throw new RpcError(part[k].method, r.error.code, r.error.message);
          results[start + k] = r.result as T;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, chunks.length) }, worker));
    return results;
  }
}

const hexQ = (n: number) => "0x" + n.toString(16);

export async function fetchHeaders(rpc: RpcClient, from: number, to: number): Promise<RpcBlock[]> {
  if (to < from) return [];
  const calls = [];
  for (let n = from; n <= to; n++) calls.push({ method: "eth_getBlockByNumber", params: [hexQ(n), false] });
  const blocks = await rpc.batch<RpcBlock | null>(calls);
  return blocks.map((b, i) => {
    if (!b) throw new RpcError("eth_getBlockByNumber", undefined, `block ${from + i} is not available`);
    return b;
  });
}

const TOO_MANY = /too many|limit|exceed|range|larger than|response size|10000 results/i;

/** The ledger's logs in [from, to]; a range the node refuses as too large is split. */
export async function fetchLogs(rpc: RpcClient, address: string, from: number, to: number): Promise<RpcLog[]> {
  try {
    return await rpc.call<RpcLog[]>("eth_getLogs", [{ address, fromBlock: hexQ(from), toBlock: hexQ(to) }]);
  } catch (err) {
    if (err instanceof RpcError && TOO_MANY.test(err.message) && to > from) {
      const mid = Math.floor((from + to) / 2);
      const a = await fetchLogs(rpc, address, from, mid);
      const b = await fetchLogs(rpc, address, mid + 1, to);
      return a.concat(b);
    }
    throw err;
  }
}

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
  const lines: ExportLine[] = [];
  let after: string | undefined;
  const source = `${ep.baseUrl}/api/audit/export`;
  for (let page = 0; page < 1_000_000; page++) {
    const url = `${source}?limit=10000${after ? `&after=${after}` : ""}`;
    const body = ExportPage.safeParse(await getJson(url, ep.token));
    if (!body.success) throw new CannotRun(`${url}: not an audit export (${body.error.issues[0]?.message})`);
    lines.push(...parseLines(body.data.lines, ExportLine, url));
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

/** `[AGENCY=]file`: the agency named or taken from the lines' event ids. */
export function readExportFile(spec: string, agencyOf: (name: string) => number | undefined): AgencyExport {
  const { agency, file } = splitSpec(spec, agencyOf);
  const lines = parseLines(parseJsonOrLines(readText(file), file), ExportLine, file);
  let code = agency;
  if (code === undefined) {
    const counts = new Map<number, number>();
    for (const l of lines) {
      const a = Number(BigInt(l.ledgerEventId) >> 56n);
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    code = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (code === undefined) throw new CannotRun(`${file} has no lines: name its agency as BAMF=${file} or ZAB=${file}`);
  }
  return { agency: code, source: file, lines };
}

export function readCheckpointFile(spec: string, agencyOf: (name: string) => number | undefined): CheckpointSet {
  const { agency, file } = splitSpec(spec, agencyOf);
  return { agency, source: file, checkpoints: parseLines(parseJsonOrLines(readText(file), file), SignedCheckpoint, file) };
}

export function splitSpec(spec: string, agencyOf: (name: string) => number | undefined): { agency?: number; file: string } {
  const m = /^([A-Za-z]+)=(.+)$/.exec(spec);
  if (m && agencyOf(m[1]) !== undefined) return { agency: agencyOf(m[1]), file: resolve(m[2]) };
  return { file: resolve(spec) };
}

// ---- the agency database (internal mode) --------------------------------------------------------------
export interface AgencyDbContent {
  rows: StepRow[];
  checkpoints: CheckpointSetRow[];
}
type CheckpointSetRow = z.infer<typeof SignedCheckpoint>;

/** Read the Step rows and signed checkpoints of an agency database (read only). */
export async function readAgencyDb(file: string): Promise<AgencyDbContent> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CannotRun(`the database ${path} does not exist`);
  // Loaded here so that the external audit does not load Prisma.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openDb } = require("../agency/store/db") as typeof import("../agency/store/db");
  const db = openDb(`file:${path}`);
  try {
    const rows = await db.step.findMany({
      orderBy: { id: "asc" },
      select: { id: true, caseRef: true, stepCode: true, detail: true, businessDate: true, data: true, salt: true, commitment: true, state: true },
    });
    const cps = await db.signedCheckpoint.findMany({ orderBy: { blockNumber: "asc" } });
    return { rows, checkpoints: cps.map((c) => ({ blockNumber: c.blockNumber, blockHash: c.blockHash, caseCount: c.caseCount, signer: c.signer, signature: c.signature })) };
  } catch (err) {
    throw new CannotRun(`${path} cannot be read as an agency database: ${(err as Error).message.split("\n")[0]}`);
  } finally {
    await db.$disconnect();
  }
}

// ---- the compiled artifact --------------------------------------------------------------------------
export const DEFAULT_ARTIFACT = join(__dirname, "..", "..", "artifacts", "contracts", "ProcedureLedger.sol", "ProcedureLedger.json");

export interface Artifact {
  file: string;
  deployedBytecode: string;
  holes: CodeHole[];
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
  return { file, deployedBytecode: a.deployedBytecode, holes };
}
