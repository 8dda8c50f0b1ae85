// Bounds on a step's off-chain data. The data is committed to as canonical JSON (shared/commitment.ts),
// which cannot represent non-finite numbers (1e400 parses to Infinity) and recurses once per nesting
// level; the bounds keep both out and keep one step's data a small part of a request. A specialist
// application's record of a step (a few structured fields, lists of documents, free-text notes) fits
// well within them.
import { canonicalJson } from "../../shared/commitment";

export const STEP_DATA_LIMITS = {
  /** nesting levels; the data object itself is level 1 */
  maxDepth: 10,
  /** object keys and list entries, counted over the whole tree */
  maxEntries: 2000,
  /** characters of any one text or key */
  maxStringLength: 10_000,
  /** bytes of the canonical JSON (UTF-8) */
  maxBytes: 32 * 1024,
} as const;

/** The bounds in words, German and English (the API description says them). */
export const STEP_DATA_LIMITS_TEXT = {
  de:
    `höchstens ${STEP_DATA_LIMITS.maxDepth} Ebenen, ${STEP_DATA_LIMITS.maxEntries} Schlüssel und Listeneinträge, ` +
    `${STEP_DATA_LIMITS.maxStringLength} Zeichen je Text, ${STEP_DATA_LIMITS.maxBytes} Bytes insgesamt (kanonisches JSON); nur endliche Zahlen`,
  en:
    `at most ${STEP_DATA_LIMITS.maxDepth} levels, ${STEP_DATA_LIMITS.maxEntries} keys and list entries, ` +
    `${STEP_DATA_LIMITS.maxStringLength} characters per text, ${STEP_DATA_LIMITS.maxBytes} bytes in all (canonical JSON); finite numbers only`,
} as const;

export interface StepDataIssue {
  /** below `data` */
  path: (string | number)[];
  message: string;
}

/** At most this many issues are named: a hostile body could otherwise produce thousands. */
const MAX_ISSUES = 10;

/** Every way `data` breaks the bounds (at most MAX_ISSUES), or none. Iterative: no recursion on input depth. */
export function stepDataIssues(data: Record<string, unknown>): StepDataIssue[] {
  const L = STEP_DATA_LIMITS;
  const issues: StepDataIssue[] = [];
  const stack: { value: unknown; path: (string | number)[]; depth: number }[] = [{ value: data, path: [], depth: 1 }];
  let entries = 0;
  let tooMany = false;
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === "number" && !Number.isFinite(value)) {
      issues.push({ path, message: "Nur endliche Zahlen (z. B. nicht 1e400) / Finite numbers only (e.g. not 1e400)" });
    } else if (typeof value === "string" && value.length > L.maxStringLength) {
      issues.push({ path, message: `Text zu lang: höchstens ${L.maxStringLength} Zeichen / Text too long: at most ${L.maxStringLength} characters` });
    } else if (typeof value === "object" && value !== null) {
      if (depth > L.maxDepth) {
        issues.push({ path, message: `Zu tief verschachtelt: höchstens ${L.maxDepth} Ebenen / Nested too deeply: at most ${L.maxDepth} levels` });
        continue;
      }
      const children: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
      entries += children.length;
      if (entries > L.maxEntries) {
        if (!tooMany) issues.push({ path: [], message: `Zu viele Einträge: höchstens ${L.maxEntries} / Too many entries: at most ${L.maxEntries}` });
        tooMany = true;
        continue;
      }
      for (const [key, child] of children) {
        if (typeof key === "string" && key.length > L.maxStringLength) {
          issues.push({ path: [...path, key.slice(0, 40)], message: `Schlüssel zu lang / Key too long` });
          continue;
        }
        stack.push({ value: child, path: [...path, key], depth: depth + 1 });
      }
    }
  }
  if (issues.length > 0) return issues;
  const bytes = Buffer.byteLength(canonicalJson(data), "utf8");
  return bytes > L.maxBytes
    ? [{ path: [], message: `Zu groß: ${bytes} Bytes, höchstens ${L.maxBytes} / Too large: ${bytes} bytes, at most ${L.maxBytes}` }]
    : [];
}
