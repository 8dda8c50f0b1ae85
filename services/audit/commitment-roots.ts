// The commitments roots the checkpoints sign (services/shared/commitments-root.ts), recomputed from the
// chain's StepRecorded events as the replay holds them (in log order). Leaf hashes are made once, up to
// the highest block asked for; each root then sorts and hashes the prefix up to its block. Pure, no I/O.
import { commitmentLeafHashOfData, commitmentsRootOf, type Keccak } from "../shared/commitments-root";
import type { StepRecorded } from "./events";

export class CommitmentRoots {
  private readonly leafHashes: Uint8Array[] = [];
  private readonly roots = new Map<number, string>();

  constructor(
    /** every StepRecorded of the audited range, in log order */
    private readonly steps: readonly StepRecorded[],
    private readonly keccak: Keccak,
  ) {}

  /** The root over every StepRecorded up to and including `block`. */
  at(block: number): string {
    const known = this.roots.get(block);
    if (known !== undefined) return known;
    const n = this.countUpTo(block);
    for (let i = this.leafHashes.length; i < n; i++) {
      const s = this.steps[i];
      this.leafHashes.push(commitmentLeafHashOfData(s.block, s.logIndex, s.words, s.at, this.keccak));
    }
    const root = commitmentsRootOf(this.leafHashes.slice(0, n), this.keccak);
    this.roots.set(block, root);
    return root;
  }

  /** How many steps lie at or below `block` (steps are in log order, so ascending by block). */
  private countUpTo(block: number): number {
    let lo = 0;
    let hi = this.steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.steps[mid].block <= block) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
