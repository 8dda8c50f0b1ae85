// The commitments roots the checkpoints sign, recomputed from the chain's StepRecorded events as the replay
// holds them (in log order), in the tree each checkpoint names (services/shared/vocab/commitments-tree.ts).
// Pure, no I/O.
//
// The log tree (RFC 6962, services/shared/commitments-log-root.ts), signed from now on: logRootsAt() walks
// the steps once in log order, appends each leaf to a frontier of O(log n) hashes and records the root at
// each block asked for; nothing per step is kept. All checkpoints' roots cost one leaf hash per step up to
// the highest block plus a few node hashes per checkpoint.
//
// The sorted tree (StandardMerkleTree, commitments-sorted-root.ts), of checkpoints signed before: a root
// needs the leaf hash of every step up to its block, sorted. They are made once, up to the highest block
// asked for, into one buffer (32 bytes a step, no object each), and live as long as this object (the verify
// phase drops it after the last checkpoint). Each root sorts the prefix up to its block (by index, in a
// typed array) and hashes the tree into one buffer of 32 bytes per inner node. This stays as slow as it was
// (seconds per root at a million steps, growing with checkpoints × steps) and is only taken for old rows.
import { commitmentLeafHashOfData, EMPTY_COMMITMENTS_ROOT, type Keccak } from "../shared/commitments-sorted-root";
import { LogTreeFrontier } from "../shared/commitments-log-root";
import { logLeafHashOf } from "./commitment-log-leaf";
import type { StepRecorded } from "./events";
import { StepLog } from "./step-log";

export class CommitmentRoots {
  private leafHashes = Buffer.alloc(0);
  private leaves = 0;
  private readonly roots = new Map<number, string>();
  private readonly logRoots = new Map<number, string>();
  private readonly record = Buffer.alloc(96);

  constructor(
    /** every StepRecorded of the audited range, in log order */
    private readonly steps: StepLog | readonly StepRecorded[],
    private readonly keccak: Keccak,
    /** log-tree roots by block computed elsewhere from the same steps (step-hash-worker.ts) */
    known?: ReadonlyMap<number, string>,
  ) {
    for (const [block, root] of known ?? []) this.logRoots.set(block, root);
  }

  /** The log tree's root over every StepRecorded up to and including `block`. */
  logRootAt(block: number): string {
    return this.logRootsAt([block]).get(block)!;
  }

  /**
   * The log tree's roots at each of `blocks`, from one pass over the steps up to the highest block not
   * computed before (ask for all checkpoint blocks at once: each call walks the steps from the start).
   */
  logRootsAt(blocks: readonly number[]): Map<number, string> {
    const wanted = [...new Set(blocks)].filter((b) => !this.logRoots.has(b)).sort((a, b) => a - b);
    if (wanted.length > 0) {
      const tree = new LogTreeFrontier();
      const n = this.steps.length;
      let i = 0;
      for (const block of wanted) {
        for (; i < n && this.blockOf(i) <= block; i++) tree.append(logLeafHashOf(this.steps, i));
        this.logRoots.set(block, tree.root());
      }
    }
    const out = new Map<number, string>();
    for (const b of blocks) out.set(b, this.logRoots.get(b)!);
    return out;
  }

  /** How many StepRecorded lie at or below `block`: the log tree's size there. */
  stepsUpTo(block: number): number {
    return this.countUpTo(block);
  }

  /** The sorted tree's root over every StepRecorded up to and including `block`. */
  sortedRootAt(block: number): string {
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
    const root = rootOfLeafHashes(this.leafHashes, n, this.keccak);
    this.roots.set(block, root);
    return root;
  }

  private leafHashOf(i: number): Uint8Array {
    const s = this.steps;
    if (s instanceof StepLog) {
      s.copyRecord(i, this.record, 0);
      return commitmentLeafHashOfData(s.block(i), s.logIndex(i), this.record, 0, this.keccak);
    }
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

/** Compare the 32 bytes at a[ao..] with those at b[bo..]. */
function compare32(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  for (let i = 0; i < 32; i++) if (a[ao + i] !== b[bo + i]) return a[ao + i] - b[bo + i];
  return 0;
}

/**
 * commitmentsRootOf (services/shared/commitments-sorted-root.ts) over the first n leaf hashes of `hashes` (32
 * bytes each): the leaves sorted, OpenZeppelin's makeMerkleTree heap layout (2n-1 nodes, leaf i of the
 * sorted order at node 2n-2-i, node i = hash of its children 2i+1 and 2i+2, the smaller first). The inner
 * nodes 0..n-2 go into one buffer; a leaf node is read where its hash is.
 */
export function rootOfLeafHashes(hashes: Uint8Array, n: number, keccak: Keccak): string {
  if (n === 0) return EMPTY_COMMITMENTS_ROOT;
  // Sorted by index: by the first four bytes as a number, then by all 32.
  const order = new Uint32Array(n);
  const prefix = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    const p = i * 32;
    prefix[i] = ((hashes[p] << 24) | (hashes[p + 1] << 16) | (hashes[p + 2] << 8) | hashes[p + 3]) >>> 0;
  }
  order.sort((a, b) => (prefix[a] !== prefix[b] ? (prefix[a] < prefix[b] ? -1 : 1) : compare32(hashes, a * 32, hashes, b * 32)));
  const inner = n - 1;
  const nodes = new Uint8Array(inner * 32);
  // Node j as (buffer, offset): an inner node in `nodes`, a leaf where its hash is.
  const bufOf = (j: number): Uint8Array => (j < inner ? nodes : hashes);
  const atOf = (j: number): number => (j < inner ? j * 32 : order[2 * n - 2 - j] * 32);
  const pair = new Uint8Array(64);
  for (let i = n - 2; i >= 0; i--) {
    const a = 2 * i + 1;
    const b = 2 * i + 2;
    const [ab, ao, bb, bo] = [bufOf(a), atOf(a), bufOf(b), atOf(b)];
    const aFirst = compare32(ab, ao, bb, bo) <= 0;
    pair.set(ab.subarray(ao, ao + 32), aFirst ? 0 : 32);
    pair.set(bb.subarray(bo, bo + 32), aFirst ? 32 : 0);
    nodes.set(keccak(pair), i * 32);
  }
  const root = n === 1 ? hashes.subarray(order[0] * 32, order[0] * 32 + 32) : nodes.subarray(0, 32);
  return "0x" + Buffer.from(root.buffer, root.byteOffset, 32).toString("hex");
}
