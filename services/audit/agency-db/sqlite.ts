// An agency's SQLite database (services/agency/prisma/schema.prisma), opened read only with
// better-sqlite3: the audit reads the file as it is, never writes it and never migrates it.
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { CannotRun } from "../rpc";
import type { AgencyDbReader, AgencyDbSnapshot } from "./reader";

const STEPS = `SELECT id, caseRef, stepCode, detail, businessDate, data, salt, commitment, state FROM "Step" ORDER BY id`;
const CHECKPOINTS = `SELECT blockNumber, blockHash, caseCount, commitmentsRoot, commitmentsTree, stepCount, signer, signature FROM "SignedCheckpoint" ORDER BY blockNumber`;
// A store not migrated since the log tree has neither commitmentsTree nor stepCount: all its rows are the sorted tree's.
const CHECKPOINTS_BEFORE_TREE = `SELECT blockNumber, blockHash, caseCount, commitmentsRoot, 'sorted' AS commitmentsTree, NULL AS stepCount, signer, signature FROM "SignedCheckpoint" ORDER BY blockNumber`;
const HAS_TREE = `SELECT 1 FROM pragma_table_info('SignedCheckpoint') WHERE name = 'commitmentsTree'`;
const HAS_RESTORES = `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'StoreRestore'`;
const RESTORES = `SELECT restoredAt, keptThroughStepId, lostThroughStepId FROM "StoreRestore" ORDER BY id`;

export class SqliteAgencyDb implements AgencyDbReader {
  private constructor(
    readonly source: string,
    private readonly db: Database.Database,
  ) {}

  /** Opens `file` read only; CannotRun when it does not exist or is not an SQLite database. */
  static open(file: string): SqliteAgencyDb {
    if (!existsSync(file)) throw new CannotRun(`the database ${file} does not exist`);
    try {
      return new SqliteAgencyDb(file, new Database(file, { readonly: true, fileMustExist: true }));
    } catch (err) {
      throw new CannotRun(`${file} cannot be opened as an SQLite database: ${(err as Error).message}`);
    }
  }

  async read(): Promise<AgencyDbSnapshot> {
    // One read transaction: the agency service may be writing while the audit reads.
    const both = this.db.transaction(() => ({
      steps: this.db.prepare(STEPS).all(),
      checkpoints: this.db.prepare(this.db.prepare(HAS_TREE).get() ? CHECKPOINTS : CHECKPOINTS_BEFORE_TREE).all(),
      restores: this.db.prepare(HAS_RESTORES).get() ? this.db.prepare(RESTORES).all() : [],
    }));
    return both();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
