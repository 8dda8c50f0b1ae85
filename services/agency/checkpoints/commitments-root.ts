// The commitments root of a checkpoint (services/shared/commitments-root.ts) from the agency's mirror of
// the chain's ledger events: every StepRecorded of both agencies up to and including the block, its
// packed step rebuilt from the columns the listener decoded. Every agency gets the same root from its
// own mirror; the audit recomputes it from the chain's logs.
//
// The signer keeps a CheckpointTally: the leaf hashes (sorted) and the distinct case references of every
// StepRecorded up to the last checkpoint, so a checkpoint reads and hashes only the events since the last
// one. Recomputing over the whole mirror at every checkpoint cost the event loop more as the ledger grew
// (a throughput bench's worth of steps: tenths of a second per checkpoint, every few seconds).
import { createKeccak } from "hash-wasm";
import type { Db } from "../store/db";
import { commitmentLeafHash, commitmentsRootOf, ethersKeccak, type Keccak } from "../../shared/commitments-root";
import { packStep } from "../../shared/ledger-codec";

/** Rows read per query: the whole history is not held as Prisma objects at once, only its leaf hashes. */
const PAGE = 5000;

/** Read the StepRecorded events in blocks (from, through] in pages; `each` gets every one in chain order. */
async function eachStepRecorded(
  db: Db,
  from: number,
  through: number,
  each: (leafHash: Uint8Array, caseRef: string) => void,
  keccak: Keccak,
  page = PAGE,
): Promise<number> {
  let after = { blockNumber: from + 1, logIndex: -1 }; // i.e. every block after `from`
  let n = 0;
  for (;;) {
    const rows = await db.ledgerEvent.findMany({
      where: {
        name: "StepRecorded",
        blockNumber: { lte: through },
        OR: [{ blockNumber: { gt: after.blockNumber } }, { blockNumber: after.blockNumber, logIndex: { gt: after.logIndex } }],
      },
      orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }],
      take: page,
      select: { blockNumber: true, logIndex: true, caseRef: true, eventId: true, stepCode: true, detail: true, businessDate: true, commitment: true },
    });
    for (const r of rows) {
      if (r.caseRef === null || r.eventId === null || r.stepCode === null || r.detail === null || r.businessDate === null || r.commitment === null) {
        throw new Error(`StepRecorded at block ${r.blockNumber} log ${r.logIndex} lacks a decoded column`);
      }
      const packedStep = packStep({ eventId: BigInt(r.eventId), step: r.stepCode, detail: BigInt(r.detail), businessDate: r.businessDate });
      each(commitmentLeafHash({ blockNumber: r.blockNumber, logIndex: r.logIndex, caseRef: r.caseRef, packedStep, commitment: r.commitment }, keccak), r.caseRef);
    }
    n += rows.length;
    if (rows.length < page) return n;
    after = rows[rows.length - 1];
  }
}

/** The commitments root over the StepRecorded events up to and including `block`, from the whole mirror. */
export async function commitmentsRootAt(db: Db, block: number, page = PAGE): Promise<string> {
  const keccak = await wasmKeccak();
  const leaves: Uint8Array[] = [];
  await eachStepRecorded(db, -1, block, (leaf) => leaves.push(leaf), keccak, page);
  return commitmentsRootOf(leaves, keccak);
}

function compareLeaves(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * The commitments root and case count at ascending checkpoint blocks, each from the last one's state plus the
 * events since. If the mirror below the last block no longer holds what was tallied (a restored store, a
 * reorganisation the listener rewrote), or a block below the last is asked for, it starts over from the
 * whole mirror, so the result is always what commitmentsRootAt and a COUNT(DISTINCT caseRef) would give.
 */
export class CheckpointTally {
  /** leaf hashes of every StepRecorded up to `through`, sorted as the tree sorts them */
  private leaves: Uint8Array[] = [];
  private readonly cases = new Set<string>();
  private through = -1;
  private keccak?: Keccak;

  async at(db: Db, block: number): Promise<{ commitmentsRoot: string; caseCount: number }> {
    const keccak = (this.keccak ??= await wasmKeccak());
    if (block < this.through || !(await this.stillHolds(db))) this.reset();
    const fresh: Uint8Array[] = [];
    await eachStepRecorded(db, this.through, block, (leaf, caseRef) => {
      fresh.push(leaf);
      this.cases.add(caseRef);
    }, keccak);
    if (fresh.length) this.leaves = mergeSorted(this.leaves, fresh.sort(compareLeaves));
    this.through = block;
    return { commitmentsRoot: commitmentsRootOf(this.leaves, keccak), caseCount: this.cases.size };
  }

  /** Whether the mirror still holds as many StepRecorded events up to `through` as were tallied (one indexed count). */
  private async stillHolds(db: Db): Promise<boolean> {
    if (this.through < 0) return true;
    const n = await db.ledgerEvent.count({ where: { name: "StepRecorded", blockNumber: { lte: this.through } } });
    return n === this.leaves.length;
  }

  private reset(): void {
    this.leaves = [];
    this.cases.clear();
    this.through = -1;
  }
}

function mergeSorted(a: Uint8Array[], b: Uint8Array[]): Uint8Array[] {
  const out = new Array<Uint8Array>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareLeaves(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** hash-wasm's keccak (about ten times ethers' pure-JS one: the root hashes the whole history), else ethers'. */
async function wasmKeccak(): Promise<Keccak> {
  try {
    const h = await createKeccak(256);
    return (bytes) => {
      h.init();
      h.update(bytes);
      return h.digest("binary");
    };
  } catch {
    return ethersKeccak;
  }
}
