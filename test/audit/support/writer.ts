// Records steps on a throwaway ledger the way the agency services do (event id = agency << 56 | row id,
// commitment = keccak256(salt ‖ keccak256(canonical JSON))), and keeps what the agencies keep off chain:
// salt and data per step. From that it writes the audit exports and agency databases the tests audit.
// Used by the audit tests and bench/audit.ts.
import { Wallet, type JsonRpcProvider } from "ethers";
import { ProcedureLedger__factory, type IProcedureLedger, type ProcedureLedger } from "../../../typechain-types";
import { canonicalJson, commitmentOf, dataDigest, newSalt } from "../../../services/shared/commitment";
import { eventIdOf, packStep } from "../../../services/shared/ledger-codec";
import { stepByKey } from "../../../services/shared/codelists";
import type { ExportLine } from "../../../services/audit/types";
import { mined } from "../../../services/shared/mined";

export interface Kept {
  agency: number;
  sequence: number;
  eventId: bigint;
  caseRef: string;
  step: number;
  detail: bigint;
  businessDate: number;
  /** canonical JSON, null once erased */
  data: string | null;
  salt: string | null;
  digest: string;
  commitment: string;
  onChain: boolean;
  /** the block that recorded it (record() only) */
  block?: number;
}

export interface PlannedStep {
  agency: number;
  caseRef: string;
  step: string | number;
  detail?: bigint | number;
  businessDate?: number;
  data?: Record<string, unknown>;
  /** use this sequence number instead of the next one */
  sequence?: number;
}

const DATED = new Set([3, 13]);

export class LedgerWriter {
  readonly kept: Kept[] = [];
  private readonly nextSeq = new Map<number, number>();
  private readonly nonces = new Map<number, number>();
  readonly ledger: ProcedureLedger;

  constructor(
    readonly provider: JsonRpcProvider,
    readonly address: string,
    readonly wallets: Record<number, Wallet>,
    /** cheap deterministic salts for big benchmarks (still 32 bytes) */
    private readonly fastSalts = false,
  ) {
    this.ledger = ProcedureLedger__factory.connect(address, provider);
  }

  /** Turn a planned step into what goes on chain, and keep its off-chain part. */
  prepare(p: PlannedStep): { struct: IProcedureLedger.StepStruct; kept: Kept } {
    const step = typeof p.step === "number" ? p.step : stepByKey(p.step).code;
    const sequence = p.sequence ?? (this.nextSeq.get(p.agency) ?? 1);
    if (p.sequence === undefined) this.nextSeq.set(p.agency, sequence + 1);
    else this.nextSeq.set(p.agency, Math.max(this.nextSeq.get(p.agency) ?? 1, sequence + 1));
    const eventId = eventIdOf(p.agency, sequence);
    const detail = BigInt(p.detail ?? 0);
    const businessDate = p.businessDate ?? (DATED.has(step) ? 20270115 : 0);
    const data = canonicalJson({ caseRef: p.caseRef, step, detail: detail.toString(), businessDate, data: p.data ?? { note: `step ${sequence}` } });
    const salt = this.fastSalts ? "0x" + (BigInt(sequence) * 0x9e3779b97f4a7c15n + BigInt(p.agency)).toString(16).padStart(64, "0") : newSalt();
    const digest = dataDigest(data);
    const commitment = commitmentOf(salt, digest);
    const kept: Kept = { agency: p.agency, sequence, eventId, caseRef: p.caseRef, step, detail, businessDate, data, salt, digest, commitment, onChain: false };
    return { struct: { caseRef: p.caseRef, packedStep: packStep({ eventId, step, detail, businessDate }), commitment }, kept };
  }

  private async nonce(agency: number): Promise<number> {
    let n = this.nonces.get(agency);
    if (n === undefined) n = await this.provider.getTransactionCount(this.wallets[agency].address, "pending");
    this.nonces.set(agency, n + 1);
    return n;
  }

  /** Send one recordBatch per agency group, in order, and wait until mined. */
  async record(steps: PlannedStep[]): Promise<Kept[]> {
    const out: Kept[] = [];
    let i = 0;
    while (i < steps.length) {
      const agency = steps[i].agency;
      const group: PlannedStep[] = [];
      while (i < steps.length && steps[i].agency === agency) group.push(steps[i++]);
      const prepared = group.map((p) => this.prepare(p));
      const tx = await this.ledger.connect(this.wallets[agency]).recordBatch(
        prepared.map((x) => x.struct),
        { nonce: await this.nonce(agency), gasLimit: 29_000_000 },
      );
      const receipt = await mined(tx);
      for (const x of prepared) {
        x.kept.onChain = true;
        x.kept.block = receipt.blockNumber;
        this.kept.push(x.kept);
        out.push(x.kept);
      }
    }
    return out;
  }

  /**
   * Send many batches without waiting for each receipt (anvil mines each on arrival); waits for all at
   * the end. For the benchmark.
   */
  async recordMany(batches: PlannedStep[][]): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const group of batches) {
      const agency = group[0].agency;
      const prepared = group.map((p) => this.prepare(p));
      const tx = await this.ledger.connect(this.wallets[agency]).recordBatch(prepared.map((x) => x.struct), { nonce: await this.nonce(agency), gasLimit: 29_000_000 });
      pending.push(
        mined(tx),
      );
      for (const x of prepared) {
        x.kept.onChain = true;
        this.kept.push(x.kept);
      }
      if (pending.length >= 64) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  }

  /** Distinct cases with a recorded step up to and including `block` (what a checkpoint signs). */
  caseCountAt(block: number): number {
    return new Set(this.kept.filter((k) => k.onChain && k.block !== undefined && k.block <= block).map((k) => k.caseRef)).size;
  }

  /**
   * Send many batches and let the node put many of them in one block, as a busy consortium chain does:
   * automine off, `txsPerBlock` transactions, evm_mine, and so on (anvil's development methods; for the
   * benchmark). Gas limits are set from the step count so that a block holds many batches.
   */
  async recordManyInBlocks(batches: PlannedStep[][], txsPerBlock: number, gasPerStep = 60_000): Promise<number> {
    await this.provider.send("evm_setAutomine", [false]);
    let blocks = 0;
    try {
      for (let i = 0; i < batches.length; i += txsPerBlock) {
        const sent = [];
        for (const group of batches.slice(i, i + txsPerBlock)) {
          const agency = group[0].agency;
          const prepared = group.map((p) => this.prepare(p));
          const tx = await this.ledger.connect(this.wallets[agency]).recordBatch(prepared.map((x) => x.struct), { nonce: await this.nonce(agency), gasLimit: 200_000 + gasPerStep * group.length });
          sent.push(tx);
          for (const x of prepared) {
            x.kept.onChain = true;
            this.kept.push(x.kept);
          }
        }
        await this.provider.send("evm_mine", []);
        blocks++;
        for (const tx of sent) {
          await mined(tx);
        }
      }
    } finally {
      await this.provider.send("evm_setAutomine", [true]);
    }
    return blocks;
  }

  /** Erase the off-chain data of an agency's steps of a case (as the agency does before ERASED). */
  eraseOffChain(agency: number, caseRef: string): void {
    for (const k of this.kept) {
      if (k.agency === agency && k.caseRef === caseRef) {
        k.data = null;
        k.salt = null;
      }
    }
  }

  /** The agency's audit export as GET /api/audit/export serves its lines. */
  exportLines(agency: number): ExportLine[] {
    return this.kept
      .filter((k) => k.agency === agency && k.onChain)
      .map((k) => {
        const erased = k.data === null || k.salt === null;
        return { ledgerEventId: k.eventId.toString(), caseRef: k.caseRef, salt: erased ? null : k.salt, dataDigest: erased ? null : k.digest, erased };
      });
  }
}

/** A wallet from a private key, connected. */
export function walletOf(key: string, provider: JsonRpcProvider): Wallet {
  return new Wallet(key, provider);
}
