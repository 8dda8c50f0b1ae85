// The manifest written beside every backup (FILE.manifest.json): what the dump holds and how to check it.
// A separate JSON file rather than an archive around the dump: the dump stays a plain SQLite database or
// pg_dump archive that the usual tools open, `sha256sum` can check it by hand, and no archive library is
// needed.
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { AGENCY_KEY_PATTERN } from "../../services/shared/vocab/types";

export const MANIFEST_FORMAT = "anker-backup/1";

export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  agency: z.string().regex(AGENCY_KEY_PATTERN),
  engine: z.enum(["sqlite", "postgres"]),
  /** when the consistent snapshot was taken (ISO 8601) */
  takenAt: z.string(),
  /** the store it was taken from (a PostgreSQL URL without its password) */
  source: z.string(),
  /** the dump file's name, size and SHA-256 (hex) */
  file: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** the listener's checkpoint in the snapshot: every ledger event up to here is in the dump (null: none stored yet) */
  listenerCheckpoint: z.object({ blockNumber: z.number().int(), logIndex: z.number().int(), blockHash: z.string() }).nullable(),
  /** the highest Step id in the snapshot (0: none); steps above it exist only on chain after a restore */
  maxStepId: z.number().int().nonnegative(),
  /** rows per table in the snapshot */
  rowCounts: z.record(z.string(), z.number().int().nonnegative()),
  /** migrations applied in the snapshot */
  migrations: z.array(z.string()),
});
export type Manifest = z.infer<typeof Manifest>;

export const manifestFileOf = (dumpFile: string): string => `${dumpFile}.manifest.json`;

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(file)
      .on("data", (d) => h.update(d))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

export function writeManifest(dumpFile: string, m: Manifest): void {
  writeFileSync(manifestFileOf(dumpFile), JSON.stringify(Manifest.parse(m), null, 2) + "\n");
}

export function readManifest(dumpFile: string): Manifest {
  const file = manifestFileOf(dumpFile);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file} cannot be read: ${(err as Error).message}`);
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is not a backup manifest: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
