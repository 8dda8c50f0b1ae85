// `npm run restore -- --agency BAMF --from FILE [--force]`: restores a backup (scripts/backup.ts) into the
// agency's store while its service is stopped. Refuses while the service answers or anything holds the
// store (exit 3), and a store newer than the backup unless --force (exit 4); checks the SHA-256 first.
// Moves the store's Step ids past every id the chain holds of this agency and records the restore
// (scripts/backup/restore-record.ts). The service then catches up from the backup's listener checkpoint when
// it starts. Exit 0 restored, 1 failed, 2 bad arguments, settings or backup.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import { ConfigError } from "../services/agency/config";
import { deploymentOf, locateStore, redacted, type AgencyStore } from "./backup/store";
import { readManifest, sha256OfFile, type Manifest } from "./backup/manifest";
import { chainFence } from "./backup/chain-fence";
import { restoreSqlite, sqliteFacts, sqliteHeldBy } from "./backup/sqlite";
import { postgresFacts, postgresHeldBy, restorePostgres } from "./backup/postgres";

class Refused extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The service's own health endpoint on its configured port: answering means it runs. */
async function serviceAnswers(store: AgencyStore): Promise<string | undefined> {
  const host = ["0.0.0.0", "::", ""].includes(store.config.host) ? "127.0.0.1" : store.config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${store.config.port}/healthz`;
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return url;
  } catch {
    return undefined;
  }
}

const position = (c: Manifest["listenerCheckpoint"]): [number, number] => (c ? [c.blockNumber, c.logIndex] : [-1, -1]);
const later = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

async function main(argv: string[]): Promise<number> {
  const o = new Command()
    .name("npm run restore --")
    .requiredOption("--agency <agency>", "the agency key: BAMF, ZAB, ABH-14625, …")
    .requiredOption("--from <file>", "the backup file (its manifest is FILE.manifest.json)")
    .option("--force", "overwrite a store that is newer than the backup")
    .exitOverride()
    .parse(argv, { from: "user" })
    .opts<{ agency: string; from: string; force?: boolean }>();
  const from = resolve(o.from);
  const store = locateStore(o.agency.toUpperCase());
  let m: Manifest;
  try {
    m = readManifest(from);
  } catch (err) {
    throw new Refused((err as Error).message, 2);
  }
  if (m.agency !== store.agency) throw new Refused(`${from} is a backup of ${m.agency}, not of ${store.agency}`, 2);
  if (m.engine !== store.engine) throw new Refused(`${from} is a ${m.engine} backup, but the ${store.agency} store is ${store.engine} (${redacted(store.location)})`, 2);
  const bytes = statSync(from).size;
  const sha256 = await sha256OfFile(from);
  if (bytes !== m.bytes || sha256 !== m.sha256) throw new Refused(`${from} does not match its manifest (sha256 ${sha256}, ${bytes} bytes; the manifest says ${m.sha256}, ${m.bytes} bytes): not restored`, 2);

  const answering = await serviceAnswers(store);
  if (answering) throw new Refused(`the ${store.agency} service is running (${answering} answers): stop it before restoring`, 3);
  const held = store.engine === "sqlite" ? sqliteHeldBy(store.location) : await postgresHeldBy(store.location);
  if (held) throw new Refused(`the ${store.agency} store is in use: ${held}; stop the service (and any tool using the store) before restoring`, 3);

  const current = store.engine === "sqlite" ? await sqliteFacts(store.location) : await postgresFacts(store.location);
  if (current && (later(position(current.checkpoint), position(m.listenerCheckpoint)) || current.maxStepId > m.maxStepId)) {
    const what = `the store's listener is at block ${current.checkpoint?.blockNumber ?? "-"} with Step ids up to ${current.maxStepId}; the backup at block ${m.listenerCheckpoint?.blockNumber ?? "-"} with ids up to ${m.maxStepId}`;
    if (!o.force) throw new Refused(`the ${store.agency} store is newer than the backup (${what}): not overwritten; --force restores anyway, and loses the off-chain data recorded since the backup`, 4);
    console.warn(`overwriting a newer store (--force): ${what}`);
  }

  // Step ids above the backup's that the chain already holds: their data is lost, and new steps must not reuse them.
  const deployment = deploymentOf(store);
  const fromBlock = m.listenerCheckpoint?.blockNumber ?? deployment.block;
  const fence = await chainFence({
    rpcUrl: store.config.rpcUrl ?? deployment.rpcUrl,
    ledger: deployment.contracts.ProcedureLedger.address,
    agencyCode: store.agencyCode,
    fromBlock,
    above: m.maxStepId,
    maxBlockRange: store.config.logsMaxBlockRange,
  }).catch((err: Error) => {
    throw new Refused(`the chain cannot be read (${err.message.split("\n")[0]}): the restore needs it to keep new steps clear of the ids recorded since the backup`, 1);
  });
  const record = {
    restoredAt: new Date().toISOString(),
    backupTakenAt: m.takenAt,
    backupSha256: m.sha256,
    backupBlock: m.listenerCheckpoint?.blockNumber ?? null,
    keptThroughStepId: m.maxStepId,
    lostThroughStepId: Math.max(m.maxStepId, fence.maxSequence),
  };
  if (store.engine === "sqlite") await restoreSqlite(from, store.location, record);
  else await restorePostgres(from, store.location, Object.keys(m.rowCounts), record);

  console.log(`restored ${store.agency} (${store.engine}, ${redacted(store.location)}) from ${from}, taken ${m.takenAt}: ${m.rowCounts.Step ?? 0} steps, listener checkpoint ${m.listenerCheckpoint ? `block ${m.listenerCheckpoint.blockNumber}` : "none"}.`);
  if (fence.countAbove > 0) {
    console.log(
      `The chain holds ${fence.countAbove} step(s) of ${store.agency} recorded after the backup (Step ids ${m.maxStepId + 1}..${record.lostThroughStepId}): ` +
        `their commitments stay on chain, but their off-chain data (salts, person data) is not in this backup, so they can no longer be proven; ` +
        `the internal audit reports them as commitments without data. New steps continue at id ${record.lostThroughStepId + 1}.`,
    );
  }
  console.log(`Start the service: it catches up with the chain from block ${fromBlock} (head now ${fence.head}).`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof Refused) {
      console.error(`restore refused: ${err.message}`);
      process.exit(err.exitCode);
    }
    const code = (err as { exitCode?: number }).exitCode;
    if (typeof code === "number") process.exit(code === 0 ? 0 : 2); // commander: --help or a bad argument
    console.error(err instanceof ConfigError ? err.message : `restore failed: ${(err as Error).message}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
