// The commitments roots the checkpoints sign (services/shared/commitments-root.ts), recomputed from the
// chain's StepRecorded events as the replay holds them (in log order). Leaf hashes are made once, up to
// the highest block asked for, into one buffer (32 bytes a step, no object each); each root then sorts
// and hashes the prefix up to its block. Pure, no I/O.
import { commitmentLeafHashOfData, commitmentsRootOf, type Keccak } from "../shared/commitments-root";
import type { StepRecorded } from "./events";
import { StepLog } from "./step-log";

export class CommitmentRoots {
  private leafHashes = Buffer.alloc(0);
  private leaves = 0;
  private readonly roots = new Map<number, string>();

  constructor(
    /** every StepRecorded of the audited range, in log order */
    private readonly steps: StepLog | readonly StepRecorded[],
    private readonly keccak: Keccak,
  ) {}

  /** The root over every StepRecorded up to and including `block`. */
  at(block: number): string {
    const known = this.roots.get(block);
    if (known !== undefined) return known;
    const n = this.countUpTo(block);
    if (n > this.leaves) {
      if (n * 32 > this.leafHashes.length) {
        const grown = Buffer.alloc(Math.max(n * 32, Math.min(this.steps.length, this.leaves * 2) * 32));
        this.leafHashes.copy(grown, 0, 0, this.leaves * 32);
        this.leafHashes = grown;
      }
      for (let i = this.leaves; i < n; i++) this.leafHashes.set(this.leafHashOf(i), i * 32);
      this.leaves = n;
    }
    const views: Uint8Array[] = new Array<Uint8Array>(n);
    for (let i = 0; i < n; i++) views[i] = this.leafHashes.subarray(i * 32, i * 32 + 32);
    const root = commitmentsRootOf(views, this.keccak);
    this.roots.set(block, root);
    return root;
  }

  private leafHashOf(i: number): Uint8Array {
    const s = this.steps;
    if (s instanceof StepLog) return commitmentLeafHashOfData(s.block(i), s.logIndex(i), s.recordOf(i), s.recordAt(i), this.keccak);
    const e = s[i];
    return commitmentLeafHashOfData(e.block, e.logIndex, e.words, e.at, this.keccak);
  }

  private blockOf(i: number): number {
    const s = this.steps;
    return s instanceof StepLog ? s.block(i) : s[i].block;
  }

  /** How many steps lie at or below `block` (steps are in log order, so ascending by block). */
  private countUpTo(block: number): number {
    let lo = 0;
    let hi = this.steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.blockOf(mid) <= block) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
