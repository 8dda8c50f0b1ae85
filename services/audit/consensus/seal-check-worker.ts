// The QBFT commit seals checked in a process beside the audit (seal-check-process.ts) while it reads on:
// QbftFinalityVerifier hands each block's seals over (add), they go in runs of blocks, and the checks
// come back in order (settle). Only speed: where the process cannot be started, or it fails, the same
// checks (checkRun, checkSeals) run here, in the audit's own thread, as the runs are made.
import { fork, type ChildProcess } from "node:child_process";
import { extname, join } from "node:path";
import type { Finding } from "../types";
import { EXEC_ARGV, whenReady } from "../threads";
import { HASH_BYTES, SEAL_BYTES, SEAL_CHECK_FLAG, checkRun, type SealCheckMessage, type SealCheckRequest, type SealRun } from "./seal-check-process";

/** blocks a run holds at most */
const RUN_BLOCKS = 2_000;
/**
 * Bytes of seals handed over and not yet checked, at most (about 100,000 blocks of three seals): beyond
 * this the reading waits for the process (room()), so that memory does not grow with the blocks.
 */
const MAX_IN_FLIGHT_BYTES = 24 * 2 ** 20;

/** Called with each block's check as it comes back, in the order added: the distinct validators of its set of `validators` that sealed it. */
export type OnSealCheck = (number: number, sealers: number, validators: number) => void;

/** Bytes a block takes in a run besides its seals: its committed-seal hash, number (8), set (4) and seal count (2). */
const BLOCK_BYTES = HASH_BYTES + 8 + 4 + 2;

class RunBuilder {
  count = 0;
  sealBytes = 0;
  readonly numbers: Float64Array<ArrayBuffer>;
  readonly setOf: Int32Array<ArrayBuffer>;
  readonly sealHashes: Uint8Array<ArrayBuffer>;
  readonly sealCounts: Uint16Array<ArrayBuffer>;
  seals: Uint8Array<ArrayBuffer>;
  readonly newSets: string[][] = [];
  readonly setSizes: number[] = [];

  constructor(blocks: number) {
    this.numbers = new Float64Array(blocks);
    this.setOf = new Int32Array(blocks);
    this.sealHashes = new Uint8Array(blocks * HASH_BYTES);
    this.sealCounts = new Uint16Array(blocks);
    this.seals = new Uint8Array(blocks * 4 * SEAL_BYTES);
  }

  add(number: number, sealHash: string, seals: readonly string[], setNo: number, setSize: number): void {
    const i = this.count++;
    this.numbers[i] = number;
    this.setOf[i] = setNo;
    this.setSizes.push(setSize);
    Buffer.from(this.sealHashes.buffer).write(sealHash.slice(2), i * HASH_BYTES, "hex");
    this.sealCounts[i] = seals.length;
    const need = this.sealBytes + seals.length * SEAL_BYTES;
    if (need > this.seals.length) {
      const grown = new Uint8Array(Math.max(need, this.seals.length * 2));
      grown.set(this.seals.subarray(0, this.sealBytes));
      this.seals = grown;
    }
    const out = Buffer.from(this.seals.buffer);
    for (const seal of seals) this.sealBytes += out.write(seal.slice(2), this.sealBytes, "hex");
  }

  build(id: number): SealRun {
    return {
      id,
      count: this.count,
      numbers: this.numbers,
      setOf: this.setOf,
      sealHashes: this.sealHashes,
      sealCounts: this.sealCounts,
      seals: this.seals.subarray(0, this.sealBytes),
      newSets: this.newSets,
    };
  }
}

interface Pending {
  /** the run as sent */
  run: SealRun;
  setSizes: number[];
  bytes: number;
}

export class SealCheckQueue {
  private worker: ChildProcess | undefined;
  private failed = false;
  private readonly starting: Promise<void>;
  private run: RunBuilder;
  private nextId = 0;
  private readonly runBlocks: number;
  private readonly maxInFlightBytes: number;
  /** runs handed over, oldest first, until their results are taken (kept: the fallback checks them if the process fails) */
  private readonly pending: Pending[] = [];
  private readonly answers = new Map<number, { sealers: Uint16Array; findings: Finding[] }>();
  private inFlightBytes = 0;
  private wake: (() => void) | undefined;
  /** validator sets by their comma-joined addresses: their numbers, as the process numbers them */
  private readonly setNumbers = new Map<string, number>();
  /** the sets as the process knows them, for the fallback (checkRun extends it as the process does) */
  private readonly sets: string[][] = [];
  readonly findings: Finding[] = [];

  /** the process's CPU seconds, once settled (it is not part of the audit process's own) */
  cpuSeconds = 0;
  private cpuReport: ((cpu: { user: number; system: number } | undefined) => void) | undefined;

  /**
   * @param onCheck called with each block's result, in the order the blocks were added
   * @param opts blocks a run holds and bytes of seals waiting at most (RUN_BLOCKS, MAX_IN_FLIGHT_BYTES; smaller in tests)
   */
  constructor(
    private readonly onCheck: OnSealCheck,
    opts: { runBlocks?: number; maxInFlightBytes?: number } = {},
  ) {
    this.runBlocks = opts.runBlocks ?? RUN_BLOCKS;
    this.maxInFlightBytes = opts.maxInFlightBytes ?? MAX_IN_FLIGHT_BYTES;
    this.run = new RunBuilder(this.runBlocks);
    this.starting = startSealProcess().then((w) => this.attach(w));
  }

  /** The seal-check process's id while it runs (undefined where none started). */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  private attach(worker: ChildProcess | undefined): void {
    if (!worker) {
      this.failed = true;
      this.takeAnswered();
      return;
    }
    this.worker = worker;
    const fail = () => {
      this.failed = true;
      this.cpuReport?.(undefined);
      this.notify();
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    worker.on("message", (m: SealCheckMessage) => {
      if ("failed" in m) return fail();
      if ("id" in m) {
        this.answers.set(m.id, { sealers: m.sealers, findings: m.findings });
        this.notify();
      } else if ("cpu" in m) this.cpuReport?.(m.cpu);
    });
    // runs made before the process was ready
    for (const p of this.pending) this.send(p.run);
  }

  private send(m: SealCheckRequest): void {
    this.worker?.send(m, (err) => {
      if (err) {
        this.failed = true;
        this.notify();
      }
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The seals of block `number` over `sealHash`, to be checked against its validator set (ascending). */
  add(number: number, sealHash: string, seals: readonly string[], validators: readonly string[]): void {
    const key = validators.join(",");
    let setNo = this.setNumbers.get(key);
    if (setNo === undefined) {
      setNo = this.setNumbers.size;
      this.setNumbers.set(key, setNo);
      this.run.newSets.push([...validators]);
    }
    this.run.add(number, sealHash, seals, setNo, validators.length);
    if (this.run.count === this.runBlocks) this.flush();
  }

  private flush(): void {
    const b = this.run;
    if (b.count === 0) return;
    this.run = new RunBuilder(this.runBlocks);
    const p: Pending = { run: b.build(this.nextId++), setSizes: b.setSizes, bytes: b.sealBytes + b.count * BLOCK_BYTES };
    this.pending.push(p);
    this.inFlightBytes += p.bytes;
    // the run stays here until its answer, for the fallback
    if (this.worker && !this.failed) this.send(p.run);
    else if (this.failed) this.takeAnswered();
  }

  /** Moves the answered runs at the head of the queue to the results; with no process, checks them here. */
  private takeAnswered(): void {
    while (this.pending.length > 0) {
      const p = this.pending[0];
      let a = this.answers.get(p.run.id);
      if (a) this.sets.push(...p.run.newSets);
      else if (this.failed) a = checkRun(p.run, this.sets);
      else return;
      this.answers.delete(p.run.id);
      this.pending.shift();
      this.inFlightBytes -= p.bytes;
      for (let i = 0; i < p.run.count; i++) this.onCheck(p.run.numbers[i], a.sealers[i], p.setSizes[i]);
      this.findings.push(...a.findings);
    }
  }

  private async answered(): Promise<void> {
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.takeAnswered();
  }

  /** Waits while more than the bound (MAX_IN_FLIGHT_BYTES) of seals are handed over and not checked. */
  async room(): Promise<void> {
    await this.starting;
    this.takeAnswered();
    while (this.inFlightBytes > this.maxInFlightBytes && this.pending.length > 0) await this.answered();
  }

  /** Every block added checked (onCheck called for each, findings complete); ends the process. */
  async settle(): Promise<void> {
    await this.starting;
    this.flush();
    this.takeAnswered();
    while (this.pending.length > 0) await this.answered();
    if (this.worker && !this.failed) {
      const cpu = await new Promise<{ user: number; system: number } | undefined>((resolve) => {
        this.cpuReport = resolve;
        this.send({ finish: true });
      });
      if (cpu) this.cpuSeconds = (cpu.user + cpu.system) / 1e6;
    }
    this.close();
  }

  close(): void {
    this.failed = true;
    this.worker?.removeAllListeners();
    this.worker?.kill();
  }
}

/** The seal-check process, once it said it is ready; undefined where none could be started. */
function startSealProcess(): Promise<ChildProcess | undefined> {
  let child: ChildProcess;
  try {
    child = fork(join(__dirname, `seal-check-process${extname(__filename)}`), [SEAL_CHECK_FLAG], { execArgv: EXEC_ARGV ?? [], serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
  } catch {
    return Promise.resolve(undefined);
  }
  return whenReady(child, () => void child.kill());
}
