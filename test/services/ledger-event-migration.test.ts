// The migration that moves the rule events' arguments from LedgerEvent.args (JSON text) into typed columns
// fills them for the rows a database already holds: applied here to a database at the first migration
// with rows as the listener wrote them before.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

const MIGRATIONS = join(__dirname, "..", "..", "services", "agency", "prisma", "migrations");
const sqlOf = (name: string) => readFileSync(join(MIGRATIONS, name, "migration.sql"), "utf8");

describe("migration: typed columns for the rule events' arguments", () => {
  it("fills missingFlags, stopReasons, previousStopReasons and originalEventId from the stored args and drops args", () => {
    const names = readdirSync(MIGRATIONS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const target = names.find((n) => n.endsWith("_ledger_event_columns"));
    expect(target, "the migration exists").to.be.a("string");
    const db = new Database(":memory:");
    try {
      for (const n of names.slice(0, names.indexOf(target!))) db.exec(sqlOf(n));
      const insert = db.prepare(
        `INSERT INTO "LedgerEvent" ("txHash", "logIndex", "blockNumber", "blockHash", "name", "caseRef", "eventId", "agency", "stepCode", "args", "blockTime") VALUES (?, ?, 7, '0xbb', ?, '0xcc', '72057594037927937', 1, ?, ?, 1700000000)`,
      );
      const rows: [string, number | null, Record<string, string> | string][] = [
        ["StepRecorded", 4, { caseRef: "0xcc", packedStep: "123", commitment: "0xdd" }],
        ["OutOfOrder", 4, { caseRef: "0xcc", eventId: "72057594037927937", step: "4", missing: "6" }],
        ["StopChanged", null, { caseRef: "0xcc", eventId: "72057594037927937", previousReasons: "1", reasons: "5" }],
        ["StopIgnored", null, { caseRef: "0xcc", eventId: "72057594037927937", reasons: "4" }],
        ["StepCorrected", null, { caseRef: "0xcc", eventId: "72057594037927937", originalEventId: "18446744073709551615" }],
        ["AllocationDue", null, { caseRef: "0xcc", eventId: "72057594037927937" }],
        ["StopChanged", null, "not json"],
      ];
      rows.forEach(([name, stepCode, args], i) => insert.run("0xaa", i, name, stepCode, typeof args === "string" ? args : JSON.stringify(args)));

      db.exec(sqlOf(target!));

      const stored = db.prepare(`SELECT "name", "stepCode", "missingFlags", "stopReasons", "previousStopReasons", "originalEventId" FROM "LedgerEvent" ORDER BY "logIndex"`).all();
      const none = { missingFlags: null, stopReasons: null, previousStopReasons: null, originalEventId: null };
      expect(stored).to.deep.equal([
        { name: "StepRecorded", stepCode: 4, ...none },
        { name: "OutOfOrder", stepCode: 4, ...none, missingFlags: 6 },
        { name: "StopChanged", stepCode: null, ...none, stopReasons: 5, previousStopReasons: 1 },
        { name: "StopIgnored", stepCode: null, ...none, stopReasons: 4 },
        { name: "StepCorrected", stepCode: null, ...none, originalEventId: "18446744073709551615" },
        { name: "AllocationDue", stepCode: null, ...none },
        { name: "StopChanged", stepCode: null, ...none },
      ]);
      const columns = (db.prepare(`PRAGMA table_info("LedgerEvent")`).all() as { name: string }[]).map((c) => c.name);
      expect(columns).to.not.include("args");
    } finally {
      db.close();
    }
  });
});
