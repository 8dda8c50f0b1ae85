// The commitments root of a checkpoint (the RFC 6962 log tree, services/shared/commitments-log-root.ts)
// from the agency's mirror of the chain's ledger events: every StepRecorded of both agencies up to and
// including the block, in chain order, its packed step rebuilt from the columns the listener decoded.
// Every agency gets the same root from its own mirror; the audit recomputes it from the chain's logs.
//
// The signer keeps a CheckpointTally: the log tree's frontier (at most one hash per bit of the event count)
// and the distinct case references of every StepRecorded up to the last checkpoint, so a checkpoint reads
// and hashes only the events since the last one, and the memory does not grow with the events. (Under the
// sorted tree signed before, the tally kept every leaf hash sorted and re-hashed the whole tree each time.)
import type { Db } from "../store/db";
import { LogTreeFrontier, logLeafHash } from "../../shared/commitments-log-root";
import { packStep } from "../../shared/ledger-codec";

/** Rows read per query: the whole history is never held as Prisma objects at once. */
const PAGE = 5000;

/** Read the StepRecorded events in blocks (from, through] in pages; `each` gets every one in chain order. */
async function eachStepRecorded(
  db: Db,
  from: number,
  through: number,
  each: (leafHash: Uint8Array, caseRef: string) => void,
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
      each(logLeafHash({ blockNumber: r.blockNumber, logIndex: r.logIndex, caseRef: r.caseRef, packedStep, commitment: r.commitment }), r.caseRef);
    }
    n += rows.length;
    if (rows.length < page) return n;
    after = rows[rows.length - 1];
  }
}

/** The log tree's root over the StepRecorded events up to and including `block`, from the whole mirror. */
export async function commitmentsLogRootAt(db: Db, block: number, page = PAGE): Promise<string> {
  const tree = new LogTreeFrontier();
  await eachStepRecorded(db, -1, block, (leaf) => tree.append(leaf), page);
  return tree.root();
}

/**
 * The commitments root, its tree's size and the case count at ascending checkpoint blocks, each from the last one's state plus the
 * events since. If the mirror below the last block no longer holds what was tallied (a restored store, a
 * reorganisation the listener rewrote), or a block below the last is asked for, it starts over from the
 * whole mirror, so the result is always what commitmentsLogRootAt and a COUNT(DISTINCT caseRef) would give.
 */
export class CheckpointTally {
  /** the log tree over every StepRecorded up to `through` */
  private tree = new LogTreeFrontier();
  private readonly cases = new Set<string>();
  private through = -1;

  async at(db: Db, block: number): Promise<{ commitmentsRoot: string; stepCount: number; caseCount: number }> {
    if (block < this.through || !(await this.stillHolds(db))) this.reset();
    await eachStepRecorded(db, this.through, block, (leaf, caseRef) => {
      this.tree.append(leaf);
      this.cases.add(caseRef);
    });
    this.through = block;
    return { commitmentsRoot: this.tree.root(), stepCount: this.tree.size, caseCount: this.cases.size };
  }

  /** Whether the mirror still holds as many StepRecorded events up to `through` as were tallied (one indexed count). */
  private async stillHolds(db: Db): Promise<boolean> {
    if (this.through < 0) return true;
    const n = await db.ledgerEvent.count({ where: { name: "StepRecorded", blockNumber: { lte: this.through } } });
    return n === this.tree.size;
  }

  private reset(): void {
    this.tree = new LogTreeFrontier();
    this.cases.clear();
    this.through = -1;
  }
}
