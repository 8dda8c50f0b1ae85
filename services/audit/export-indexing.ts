// The agencies' exports indexed (commitments.ts, ExportIndex) while the chain's answers are awaited: in
// slices, yielding to the event loop between them, with the event ids and commitments computed on a
// worker thread where one can be started (commitment-worker.ts), else here. The worker is handed a
// chunk of lines at a time, a few chunks ahead of the indexing, so that the commitments waiting to be
// indexed are a few chunks' worth, not an export's; the slices are large (adding a line the worker hashed
// is cheap), so that the indexing, and with it the worker thread and the memory it takes, ends early in
// the audit. Only speed: the index is the same either way, and the verdicts come from matchCommitments.
import { CommitmentWorker, type Precomputed } from "./commitment-worker";
import { ExportIndex } from "./commitments";
import { EXPORT_CHUNK, tableOf } from "./export-table";
import type { AgencyExport } from "./types";

/** Lines indexed between two turns of the event loop (a few milliseconds): more when the worker did the hashing. */
const SLICE_PRECOMPUTED = 4 * EXPORT_CHUNK;
const SLICE_HASHED_HERE = 1000;
/** chunks handed to the worker ahead of the one indexed */
const AHEAD = 8;

export async function indexExportsAlongside(exports: AgencyExport[]): Promise<Map<number, ExportIndex>> {
  const indexes = new Map<number, ExportIndex>();
  const tables = exports.map((x) => tableOf(x.lines));
  const worker = tables.some((t) => t.length > 0) ? await CommitmentWorker.start() : undefined;
  try {
    for (const [n, x] of exports.entries()) {
      const table = tables[n];
      let idx = indexes.get(x.agency);
      if (!idx) indexes.set(x.agency, (idx = new ExportIndex(x.agency)));
      const runs: Promise<Precomputed | undefined>[] = [];
      const ask = (from: number) => {
        // (a run the worker cannot give is hashed here, which reports what went wrong with its lines)
        if (worker && from < table.length) runs.push(worker.linesOf(table, from, Math.min(table.length, from + EXPORT_CHUNK)).catch(() => undefined));
      };
      for (let a = 0; a < AHEAD; a++) ask(a * EXPORT_CHUNK);
      let i = 0;
      let sinceTurn = 0;
      do {
        // the run of chunk i's lines (from the worker, undefined: hashed here)
        const pre = await runs.shift();
        ask(i + AHEAD * EXPORT_CHUNK);
        const end = Math.min(table.length, i + EXPORT_CHUNK);
        do {
          const from = i;
          i = idx.add(x, i, Math.min(end, i + (pre ? SLICE_PRECOMPUTED : SLICE_HASHED_HERE)), pre);
          sinceTurn += pre ? i - from : SLICE_PRECOMPUTED;
          if (sinceTurn >= SLICE_PRECOMPUTED) {
            sinceTurn = 0;
            await new Promise((res) => setImmediate(res));
          }
        } while (i < end);
        if (pre) worker?.recycle(pre);
      } while (i < table.length);
    }
  } finally {
    worker?.close();
  }
  return indexes;
}
