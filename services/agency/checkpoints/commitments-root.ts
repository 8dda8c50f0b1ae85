// The commitments root of a checkpoint (services/shared/commitments-root.ts) from the agency's mirror of
// the chain's ledger events: every StepRecorded of both agencies up to and including the block, its
// packed step rebuilt from the columns the listener decoded. Every agency gets the same root from its
// own mirror; the audit recomputes it from the chain's logs.
import { createKeccak } from "hash-wasm";
import type { Db } from "../store/db";
import { commitmentLeafHash, commitmentsRootOf, ethersKeccak, type Keccak } from "../../shared/commitments-root";
import { packStep } from "../../shared/ledger-codec";

/** Rows read per query: the whole history is not held as Prisma objects at once, only its leaf hashes. */
const PAGE = 5000;

/** The commitments root over the StepRecorded events up to and including `block`. */
export async function commitmentsRootAt(db: Db, block: number, page = PAGE): Promise<string> {
  const keccak = await wasmKeccak();
  const leaves: Uint8Array[] = [];
  let after = { blockNumber: -1, logIndex: -1 };
  for (;;) {
    const rows = await db.ledgerEvent.findMany({
      where: {
        name: "StepRecorded",
        blockNumber: { lte: block },
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
      leaves.push(commitmentLeafHash({ blockNumber: r.blockNumber, logIndex: r.logIndex, caseRef: r.caseRef, packedStep, commitment: r.commitment }, keccak));
    }
    if (rows.length < page) break;
    after = rows[rows.length - 1];
  }
  return commitmentsRootOf(leaves, keccak);
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
