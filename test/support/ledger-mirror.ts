// Writes LedgerEvent rows in the form the listener stores them (services/agency/listener/event-row.ts:
// the rule events' ABI arguments in typed columns, decoded by the listener's own ruleColumns), for API tests that need a chain history without running
// the chain side. The end-to-end test checks the same reads against the real listener.
import { randomBytes } from "node:crypto";
import type { Db } from "../../services/agency/store/db";
import { agencyByKey, stepByKey, type AgencyKey } from "../../services/shared/codelists";
import { eventIdOf } from "../../services/shared/ledger-codec";
import { ruleColumns } from "../../services/agency/listener/event-row";

export interface MirroredStep {
  caseRef: string;
  agency: AgencyKey;
  seq: number;
  step: string;
  detail?: bigint | number;
  businessDate?: number;
  commitment?: string;
  /** rule events raised by the step in the same transaction */
  notices?: { name: string; args?: Record<string, string | number> }[];
}

export class LedgerMirror {
  private block = 1000;
  constructor(private readonly db: Db) {}

  /** One transaction in a new block: the StepRecorded event and its notices. Returns the ledger event id. */
  async record(s: MirroredStep): Promise<string> {
    const eventId = eventIdOf(agencyByKey(s.agency)!.code, s.seq);
    const def = stepByKey(s.step);
    const detail = BigInt(s.detail ?? 0);
    const businessDate = s.businessDate ?? 0;
    const commitment = s.commitment ?? "0x" + randomBytes(32).toString("hex");
    const txHash = "0x" + randomBytes(32).toString("hex");
    const blockNumber = ++this.block;
    const base = {
      txHash,
      blockNumber,
      blockHash: "0x" + randomBytes(32).toString("hex"),
      caseRef: s.caseRef,
      eventId: eventId.toString(),
      agency: agencyByKey(s.agency)!.code,
      blockTime: 1_790_000_000 + blockNumber,
    };
    await this.db.ledgerEvent.create({
      data: {
        ...base,
        logIndex: 0,
        name: "StepRecorded",
        stepCode: def.code,
        detail: detail.toString(),
        businessDate,
        commitment,
      },
    });
    let logIndex = 1;
    for (const n of s.notices ?? []) {
      const args = Object.fromEntries(Object.entries({ caseRef: s.caseRef, eventId: eventId.toString(), ...(n.args ?? {}) }).map(([k, v]) => [k, String(v)]));
      // as the decoder does: OutOfOrder names its step (stepCode), the other rule events none
      const stepCode = n.name === "OutOfOrder" ? Number(args.step ?? def.code) : null;
      await this.db.ledgerEvent.create({
        data: { ...base, logIndex: logIndex++, name: n.name, stepCode, ...ruleColumns(n.name, args) },
      });
    }
    return eventId.toString();
  }
}
