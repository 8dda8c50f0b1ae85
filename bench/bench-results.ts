import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const RESULTS_FILE = join(__dirname, "results.json");

/** Merge one benchmark's figures into bench/results.json under `key`, keeping the others. */
export function writeBenchResult(key: string, figures: Record<string, number>): void {
  const all = existsSync(RESULTS_FILE) ? JSON.parse(readFileSync(RESULTS_FILE, "utf8")) : {};
  all[key] = figures;
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, JSON.stringify(all, null, 2) + "\n");
}
