// Input validation at the edge: zod schemas, field errors in plain words (German / English).
import { z } from "zod";
import { invalidInput, type FieldError } from "./problem";

const TYPE_DE: Record<string, string> = {
  string: "Text",
  number: "Zahl",
  int: "ganze Zahl",
  boolean: "Wahrheitswert",
  object: "Objekt",
  array: "Liste",
};

/** Bilingual messages for zod's issue codes; schema-level messages (set where a format needs explaining) win. */
export const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return "Pflichtangabe fehlt / Required field missing";
      return `Falscher Typ: erwartet ${TYPE_DE[iss.expected] ?? iss.expected} / Wrong type: expected ${iss.expected}`;
    case "too_small":
      if (iss.origin === "string") return `Zu kurz: mindestens ${iss.minimum} Zeichen / Too short: at least ${iss.minimum} characters`;
      if (iss.origin === "array") return `Zu wenige Einträge: mindestens ${iss.minimum} / Too few entries: at least ${iss.minimum}`;
      return `Zu klein: mindestens ${iss.minimum} / Too small: at least ${iss.minimum}`;
    case "too_big":
      if (iss.origin === "string") return `Zu lang: höchstens ${iss.maximum} Zeichen / Too long: at most ${iss.maximum} characters`;
      if (iss.origin === "array") return `Zu viele Einträge: höchstens ${iss.maximum} / Too many entries: at most ${iss.maximum}`;
      return `Zu groß: höchstens ${iss.maximum} / Too large: at most ${iss.maximum}`;
    case "invalid_format":
      if (iss.format === "uuid") return "Keine gültige UUID / Not a valid UUID";
      return "Ungültiges Format / Invalid format";
    case "invalid_value":
      return `Unzulässiger Wert; erlaubt: ${iss.values.map(String).join(", ")} / Value not allowed; allowed: ${iss.values.map(String).join(", ")}`;
    case "invalid_union":
      return "Ungültiger Wert / Invalid value";
    default:
      return "Ungültiger Wert / Invalid value";
  }
};

function fieldName(path: readonly PropertyKey[], prefix?: string): string {
  const parts = path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)));
  const name = parts.reduce((acc, p) => (p.startsWith("[") || acc === "" ? acc + p : `${acc}.${p}`), "");
  return name === "" ? (prefix ?? "body") : name;
}

/** zod issues as field errors; every unknown field is named on its own. */
export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  const out: FieldError[] = [];
  for (const iss of error.issues) {
    if (iss.code === "unrecognized_keys") {
      for (const key of iss.keys) out.push({ field: fieldName([...iss.path, key], prefix), message: "Unbekanntes Feld / Unknown field" });
    } else {
      out.push({ field: fieldName(iss.path, prefix), message: iss.message });
    }
  }
  return out;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): ParseResult<z.output<S>> {
  const r = schema.safeParse(input, { error: errorMap });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: fieldErrors(r.error, prefix) };
}

/** Parse or throw the 400 problem naming every invalid field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const r = parseWith(schema, input, prefix);
  if (!r.ok) throw invalidInput(r.errors);
  return r.value;
}
