// Internal audit (the agency's data-protection officer, with database access): every off-chain Step row
// re-hashed from its stored data and salt and matched with its stored and its on-chain commitment.
// Tells apart: intact, changed (tampered), deleted (row gone), erased (data and salt removed with an
// on-chain erasure marker), pending (not yet on chain) and without data (recorded after the backup a
// restore brought the database back to: the commitment is on chain, its data and salt never came back).
// Pure, no I/O.
import { dataDigest } from "../shared/commitment";
import { eventKeyOf } from "./events";
import { fastCommitmentOf } from "../shared/keccak";
import { agencyName } from "./names";
import type { EventReplayer } from "./replay";
import type { FindingSink, StepRow } from "./types";
import type { StoreRestore } from "./agency-db/reader";

export interface InternalCounts {
  rows: number;
  intact: number;
  changed: number;
  deleted: number;
  erased: number;
  pending: number;
  notOnChain: number;
  /** on-chain steps whose rows a recorded restore could not bring back (commitment-without-data) */
  withoutData: number;
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * Which agency a database belongs to: the one whose on-chain events (agency << 56 | row id) carry the
 * rows' case references and step codes most often, among the member agencies the chain registered.
 * undefined when no row can be placed.
 */
export function inferDbAgency(replayer: EventReplayer, rows: StepRow[], agencies: number[] = [...replayer.agencies.keys()]): number | undefined {
  let best: number | undefined;
  let bestHits = 0;
  for (const agency of agencies) {
    let hits = 0;
    for (const r of rows) {
      const i = replayer.stepOfEventId((BigInt(agency) << 56n) | BigInt(r.id));
      const s = i === undefined ? undefined : replayer.steps.at(i);
      if (s && s.caseRef === r.caseRef.toLowerCase() && s.step === r.stepCode) hits++;
    }
    if (hits > bestHits) {
      bestHits = hits;
      best = agency;
    }
  }
  return best;
}

export function checkAgencyDb(replayer: EventReplayer, agency: number, rows: StepRow[], sink: FindingSink, source = "database", restores: StoreRestore[] = []): InternalCounts {
  const name = agencyName(agency);
  const counts: InternalCounts = { rows: rows.length, intact: 0, changed: 0, deleted: 0, erased: 0, pending: 0, notOnChain: 0, withoutData: 0 };
  const seen = new Set<string>();
  const base = BigInt(agency) << 56n;

  for (const r of rows) {
    const eventIdN = base | BigInt(r.id);
    const key = eventKeyOf(eventIdN);
    const eventId = eventIdN.toString();
    seen.add(key);
    const idx = replayer.stepOfEventId(eventIdN);
    const onChain = idx === undefined ? undefined : replayer.steps.at(idx);
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
  for (let i = 0; i < replayer.steps.length; i++) {
    if (replayer.steps.agency(i) !== agency) continue;
    const s = replayer.steps.at(i)!;
    if (seen.has(s.eventKey)) continue;
    // Not a deleted row: the database was restored from a backup taken before this step existed.
    const rowId = Number(s.eventId & ((1n << 56n) - 1n));
    const restore = restores.find((x) => rowId > x.keptThroughStepId && rowId <= x.lostThroughStepId);
    if (restore) {
      counts.withoutData++;
      sink.add({
        check: "internal",
        kind: "commitment-without-data",
        severity: "warning",
        agency: name,
        eventId: s.eventId.toString(),
        caseRef: s.caseRef,
        blockNumber: s.block,
        message: `${source}: event ${s.eventId} (block ${s.block}) is on chain, but was recorded after the backup this database was restored from on ${restore.restoredAt} (Step ids up to ${restore.keptThroughStepId}): its data and salt are gone, so its commitment can no longer be proven`,
        details: { rowId, restoredAt: restore.restoredAt },
      });
      continue;
    }
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
