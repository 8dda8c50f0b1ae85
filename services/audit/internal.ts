// Internal audit (the agency's data-protection officer, with database access): every off-chain Step row
// re-hashed from its stored data and salt and matched with its stored and its on-chain commitment.
// Tells apart: intact, changed (tampered), deleted (row gone), erased (data and salt removed with an
// on-chain erasure marker) and pending (not yet on chain). Pure, no I/O.
import { dataDigest } from "../shared/commitment";
import { eventKeyOf } from "./events";
import { fastCommitmentOf } from "./keccak";
import { agencyName } from "./names";
import type { EventReplayer } from "./replay";
import type { FindingSink, StepRow } from "./types";

export interface InternalCounts {
  rows: number;
  intact: number;
  changed: number;
  deleted: number;
  erased: number;
  pending: number;
  notOnChain: number;
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * Which agency a database belongs to: the one whose on-chain events (agency << 56 | row id) carry the
 * rows' case references and step codes most often. undefined when no row can be placed.
 */
export function inferDbAgency(replayer: EventReplayer, rows: StepRow[], agencies: number[] = [1, 2]): number | undefined {
  let best: number | undefined;
  let bestHits = 0;
  for (const agency of agencies) {
    let hits = 0;
    for (const r of rows) {
      const i = replayer.byEventKey.get(eventKeyOf((BigInt(agency) << 56n) | BigInt(r.id)));
      const s = i === undefined ? undefined : replayer.steps[i];
      if (s && s.caseRef === r.caseRef.toLowerCase() && s.step === r.stepCode) hits++;
    }
    if (hits > bestHits) {
      bestHits = hits;
      best = agency;
    }
  }
  return best;
}

export function checkAgencyDb(replayer: EventReplayer, agency: number, rows: StepRow[], sink: FindingSink, source = "database"): InternalCounts {
  const name = agencyName(agency);
  const counts: InternalCounts = { rows: rows.length, intact: 0, changed: 0, deleted: 0, erased: 0, pending: 0, notOnChain: 0 };
  const seen = new Set<string>();
  const base = BigInt(agency) << 56n;

  for (const r of rows) {
    const eventIdN = base | BigInt(r.id);
    const key = eventKeyOf(eventIdN);
    const eventId = eventIdN.toString();
    seen.add(key);
    const idx = replayer.byEventKey.get(key);
    const onChain = idx === undefined ? undefined : replayer.steps[idx];
    const caseRef = r.caseRef.toLowerCase();
    let changed = false;
    const change = (kind: string, message: string) => {
      changed = true;
      sink.add({ check: "internal", kind, severity: "error", agency: name, eventId, caseRef, blockNumber: onChain?.block, message: `${source}, Step row ${r.id} (event ${eventId}): ${message}`, details: { rowId: r.id } });
    };

    // 1. The stored data and salt against the stored commitment.
    const erasedRow = r.data === null && r.salt === null;
    if (erasedRow) {
      if (replayer.erasedBy(caseRef, agency) === undefined) {
        change("data-deleted-without-erasure", `data and salt were removed, but ${name} recorded no ERASED step for case ${caseRef}`);
      }
    } else if (r.data === null || r.salt === null) {
      change("row-half-erased", `only the ${r.data === null ? "data" : "salt"} was removed`);
    } else if (!HEX32.test(r.salt)) {
      change("row-changed", "the salt is not 32 bytes of hex");
    } else {
      const recomputed = fastCommitmentOf(r.salt, dataDigest(r.data));
      if (recomputed !== r.commitment.toLowerCase()) {
        change("row-changed", `stored data and salt hash to ${recomputed}, not to the stored commitment ${r.commitment}: the row was changed`);
      }
    }

    // 2. The row against the chain.
    if (!onChain) {
      if (r.state === "confirmed") {
        counts.notOnChain++;
        change("confirmed-row-not-on-chain", "the row is marked confirmed, but the event is not on chain up to the audited block");
      } else {
        counts.pending++;
      }
      if (changed) counts.changed++;
      continue;
    }
    if (r.commitment.toLowerCase() !== onChain.commitment) {
      change("row-commitment-differs", `the stored commitment ${r.commitment} differs from the on-chain commitment ${onChain.commitment}`);
    }
    if (caseRef !== onChain.caseRef || r.stepCode !== onChain.step || r.detail !== onChain.detail.toString() || r.businessDate !== onChain.businessDate) {
      change(
        "row-fields-differ",
        `the row says case ${caseRef}, step ${r.stepCode}, detail ${r.detail}, date ${r.businessDate}; the chain says case ${onChain.caseRef}, step ${onChain.step}, detail ${onChain.detail}, date ${onChain.businessDate}`,
      );
    }
    if (changed) counts.changed++;
    else if (erasedRow) counts.erased++;
    else counts.intact++;
  }

  // 3. Every on-chain event of this agency must still have its row.
  for (const s of replayer.steps) {
    if (s.agency !== agency || seen.has(s.eventKey)) continue;
    counts.deleted++;
    const erased = replayer.erasedBy(s.caseRef, agency) !== undefined;
    sink.add({
      check: "internal",
      kind: "row-deleted",
      severity: erased ? "warning" : "error",
      agency: name,
      eventId: s.eventId.toString(),
      caseRef: s.caseRef,
      blockNumber: s.block,
      message: `${source}: event ${s.eventId} (block ${s.block}) is on chain, but its Step row ${s.eventId & ((1n << 56n) - 1n)} is gone${erased ? " (the case was erased, but erasure removes data and salt, not the row)" : ""}`,
    });
  }
  return counts;
}
