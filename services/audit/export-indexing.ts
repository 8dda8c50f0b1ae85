// The agencies' exports indexed (commitments.ts, ExportIndex) while the chain's answers are awaited: in
// slices, yielding to the event loop between them, with the event ids and commitments computed on a
// worker thread where one can be started (commitment-worker.ts), else here. Only speed: the index is the
// same either way, and the verdicts come from matchCommitments.
import { commitmentsInWorker } from "./commitment-worker";
import { ExportIndex } from "./commitments";
import type { AgencyExport } from "./types";

/** Lines indexed between two turns of the event loop: more when the worker did the hashing. */
const SLICE_PRECOMPUTED = 5000;
const SLICE_HASHED_HERE = 1000;

export async function indexExportsAlongside(exports: AgencyExport[]): Promise<Map<number, ExportIndex>> {
  const indexes = new Map<number, ExportIndex>();
  const precomputed = await commitmentsInWorker(exports);
  const total = new Map<number, number>();
  const count = new Map<number, number>();
  for (const x of exports) {
    total.set(x.agency, (total.get(x.agency) ?? 0) + x.lines.length);
    count.set(x.agency, (count.get(x.agency) ?? 0) + 1);
  }
  for (const x of exports) {
    const pre = precomputed?.get(x);
    let idx = indexes.get(x.agency);
    if (!idx) {
      indexes.set(x.agency, (idx = new ExportIndex(x.agency)));
      // An agency's one export: the index keeps the worker's commitments instead of a copy of them.
      if (pre && count.get(x.agency) === 1) idx.adoptCommitments(pre);
      idx.reserve(total.get(x.agency)!, true);
    }
    let i = 0;
    do {
      i = idx.add(x, i, i + (pre ? SLICE_PRECOMPUTED : SLICE_HASHED_HERE), pre);
      await new Promise((res) => setImmediate(res));
    } while (i < x.lines.length);
    // indexed: the worker's results for this export are not needed any more
    precomputed?.delete(x);
  }
  return indexes;
}
