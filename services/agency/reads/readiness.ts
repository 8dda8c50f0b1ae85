// Readiness (GET /readyz): database reachable, chain reachable, the on-chain code-list hash equal to the
// local one; each check bounded in time, and the reasons in words when the service is not ready.
import { Prisma } from "../generated/prisma/client";
import type { Check, Readiness } from "../../shared/contract";
import type { ServiceContext } from "../context";
import { withTimeout } from "../util/timeout";

const CHECK_TIMEOUT_MS = 2000;

export async function readiness(ctx: ServiceContext): Promise<Readiness> {
  const reasons: string[] = [];
  const local = ctx.localCodeListHash.toLowerCase();
  const database: Check = { ok: true };
  try {
    await withTimeout(ctx.db.$queryRaw(Prisma.sql`SELECT 1`), CHECK_TIMEOUT_MS, "database");
  } catch (err) {
    database.ok = false;
    database.detail = (err as Error).message.split("\n")[0];
    reasons.push(`Datenbank nicht erreichbar / database unreachable: ${database.detail}`);
  }
  const chain: Check & { blockNumber?: number } = { ok: true };
  const codeLists: Check & { local: string; onChain?: string } = { ok: false, local };
  try {
    chain.blockNumber = await withTimeout(ctx.chain.blockNumber(), CHECK_TIMEOUT_MS, "chain");
    const onChain = (await withTimeout(ctx.chain.codeListHash(), CHECK_TIMEOUT_MS, "chain")).toLowerCase();
    codeLists.onChain = onChain;
    codeLists.ok = onChain === local;
    if (!codeLists.ok) {
      codeLists.detail = "Code-Listen weichen ab / code lists differ";
      reasons.push(
        `Code-Listen weichen von der Kette ab (lokal ${local}, Kette ${onChain}); es wird nicht geschrieben / code lists differ from the chain; nothing is written`,
      );
    }
  } catch (err) {
    chain.ok = false;
    chain.detail = (err as Error).message.split("\n")[0];
    codeLists.detail = "nicht prüfbar / not checkable";
    reasons.push(`Kette nicht erreichbar / chain unreachable: ${chain.detail}`);
  }
  const ready = database.ok && chain.ok && codeLists.ok;
  return {
    status: ready ? "ready" : "not ready",
    agency: ctx.config.agency,
    checks: { database, chain, codeLists },
    listenerLagBlocks: ctx.listener.lagBlocks() ?? null,
    reasons,
  };
}
