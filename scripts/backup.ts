// `npm run backup -- --agency BAMF --out FILE`: a consistent online backup of one agency's store while the
// service runs (SQLite: the online backup API; PostgreSQL: pg_dump from an exported snapshot), with the
// manifest FILE.manifest.json beside it (scripts/backup/manifest.ts). Exit 0 written, 1 failed, 2 bad
// arguments or settings.
import { statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Command } from "commander";
import { ConfigError } from "../services/agency/config";
import { locateStore, redacted } from "./backup/store";
import { MANIFEST_FORMAT, manifestFileOf, sha256OfFile, writeManifest } from "./backup/manifest";
import { backupSqlite } from "./backup/sqlite";
import { backupPostgres } from "./backup/postgres";

async function main(argv: string[]): Promise<number> {
  const o = new Command()
    .name("npm run backup --")
    .requiredOption("--agency <agency>", "the agency key: BAMF, ZAB, ABH-14625, …")
    .requiredOption("--out <file>", "the backup file to write (the manifest goes to FILE.manifest.json)")
    .exitOverride()
    .parse(argv, { from: "user" })
    .opts<{ agency: string; out: string }>();
  const out = resolve(o.out);
  const store = locateStore(o.agency.toUpperCase());
  const takenAt = new Date().toISOString();
  const facts = store.engine === "sqlite" ? await backupSqlite(store.location, out) : await backupPostgres(store.location, out);
  const sha256 = await sha256OfFile(out);
  writeManifest(out, {
    format: MANIFEST_FORMAT,
    agency: store.agency,
    engine: store.engine,
    takenAt,
    source: redacted(store.location),
    file: basename(out),
    bytes: statSync(out).size,
    sha256,
    ...facts,
  });
  const cp = facts.listenerCheckpoint;
  console.log(
    `backed up ${store.agency} (${store.engine}, ${redacted(store.location)}) to ${out}: ${facts.rowCounts.Step ?? 0} steps, ` +
      `listener checkpoint ${cp ? `block ${cp.blockNumber}` : "none"}, sha256 ${sha256}; manifest ${manifestFileOf(out)}`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const code = (err as { exitCode?: number }).exitCode;
    if (typeof code === "number") process.exit(code === 0 ? 0 : 2); // commander: --help or a bad argument
    console.error(err instanceof ConfigError ? err.message : `backup failed: ${(err as Error).message}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
