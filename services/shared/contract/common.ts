// Zod schemas shared by several endpoints: identifiers, dates, paging, labels, the problem document.
// The same schemas validate requests, generate the OpenAPI document (/api/openapi.json) and, through
// `import type` of their z.infer types, type the web app: browser-safe, so nothing here imports node:*.
import { z } from "zod";
import { AGENCY_KEY_PATTERN } from "../vocab/types";

/**
 * The file number (Aktenzeichen) in the BAMF's format: seven digits, a hyphen and the three-digit code of
 * the country of origin, e.g. `8123456-423`. It identifies the procedure in both agencies and is never sent
 * on chain: the ledger sees only the case reference (HMAC-SHA-256 of the file number under the consortium key).
 */
export const FILE_NUMBER_PATTERN = /^\d{7}-\d{3}$/;
export const FileNumber = z
  .string()
  .regex(FILE_NUMBER_PATTERN, {
    error: "Aktenzeichen im Format 1234567-123 erwartet (7 Ziffern, Bindestrich, 3 Ziffern) / File number expected as 1234567-123 (7 digits, hyphen, 3 digits)",
  })
  .describe("Aktenzeichen (BAMF-Format 1234567-123) / file number");

export const CaseRef = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, { error: "Fallreferenz: 0x und 64 Hexadezimalziffern erwartet / Case reference: 0x and 64 hex digits expected" })
  .transform((s) => s.toLowerCase())
  .describe("Pseudonyme Fallreferenz (HMAC-SHA-256 des Aktenzeichens) / pseudonymous case reference");

export const Uuid = z.uuid({ error: "Keine gültige UUID / Not a valid UUID" });

const UINT64_MAX = (1n << 64n) - 1n;
/** An on-chain event id (uint64, `agency << 56 | sequence`) as a decimal string: it exceeds 2^53. */
export const LedgerEventId = z
  .string()
  .regex(/^[1-9]\d{0,19}$/, { error: "Ledger-Ereignis-ID als Dezimalzahl in Anführungszeichen erwartet / Ledger event id expected as a decimal string" })
  .refine((s) => !/^\d+$/.test(s) || BigInt(s) <= UINT64_MAX, { error: "Ledger-Ereignis-ID zu groß (uint64) / Ledger event id too large (uint64)" })
  .describe("Ledger-Ereignis-ID (uint64 als Dezimaltext) / ledger event id (uint64 as decimal string)");

function isCalendarDate(s: string, allowUnknownParts: boolean): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (allowUnknownParts && mo === 0) return d === 0;
  if (mo < 1 || mo > 12) return false;
  if (allowUnknownParts && d === 0) return true;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d >= 1 && d <= days;
}

/** A calendar date YYYY-MM-DD between 2000-01-01 and 2999-12-31 (the range the ledger accepts). */
export const BusinessDate = z
  .string()
  .refine((s) => isCalendarDate(s, false) && s >= "2000-01-01" && s <= "2999-12-31", {
    error: "Datum im Format JJJJ-MM-TT zwischen 2000-01-01 und 2999-12-31 erwartet / Date expected as YYYY-MM-DD between 2000-01-01 and 2999-12-31",
  })
  .describe("Fachliches Datum JJJJ-MM-TT / business date YYYY-MM-DD");

/** Date of birth YYYY-MM-DD; as in German registers, an unknown day or month is written 00 (1990-00-00, 1990-07-00). */
export const DateOfBirth = z
  .string()
  .refine((s) => isCalendarDate(s, true) && s >= "1900-00-00" && s <= new Date().toISOString().slice(0, 10), {
    error:
      "Geburtsdatum JJJJ-MM-TT erwartet (unbekannter Tag/Monat als 00, nicht in der Zukunft) / Date of birth expected as YYYY-MM-DD (unknown day/month as 00, not in the future)",
  })
  .describe("Geburtsdatum JJJJ-MM-TT, unbekannte Teile 00 / date of birth, unknown parts 00");

/** ISO 3166-1 alpha-3 (ICAO codes XXA stateless, XXB refugee, XXX unknown included). */
export const Nationality = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: "Staatsangehörigkeit als ISO-3166-1-alpha-3-Code erwartet, z. B. SYR / Nationality expected as ISO 3166-1 alpha-3, e.g. SYR" })
  .describe("Staatsangehörigkeit ISO 3166-1 alpha-3 / nationality");

/** Boolean query parameter: only `true` or `false`. */
export const QueryBool = z.enum(["true", "false"]).transform((v) => v === "true");

/**
 * A whole number in a path or query: decimal digits only, so `0x10`, ` `, `1e2` or `+5` are refused rather
 * than read as 16, 0, 100 or 5 (what Number() would make of them). Numbers are taken too, for the web app's
 * typed calls; the server only ever sees text.
 */
export const decimalInteger = (min: number, max: number) =>
  z
    .union([z.string().regex(/^\d{1,15}$/, { error: "Nur Ziffern 0–9 erwartet / Decimal digits only" }), z.number().int()])
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const limitQuery = (def: number, max: number) => decimalInteger(1, max).default(def).describe(`Höchstzahl / maximum (${def}, ≤ ${max})`);
export const offsetQuery = decimalInteger(0, 1_000_000).default(0).describe("Überspringen / offset (≤ 1000000)");

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .describe("RFC 9457 problem details");

/** A code-list entry with its German and English name. */
export const CodeLabel = z.object({ code: z.number().int(), key: z.string(), de: z.string(), en: z.string() });
/** A named thing without a numeric code (a rule flag, a step named by its key). */
export const Label = z.object({ key: z.string(), de: z.string(), en: z.string() });
/** A step as code and key. */
export const StepRef = z.object({ code: z.number().int(), key: z.string() });
/** The open repatriation stops of a case: the reason bits and their labels. */
export const OpenStops = z.object({ bits: z.number().int(), reasons: z.array(CodeLabel) });
/** An agency of the network by its key ("BAMF", "ZAB", "ABH-14625", …): members come from the chain. */
export const AgencyKey = z.string().regex(AGENCY_KEY_PATTERN);
/** German and English text of the same sentence. */
export const Bilingual = z.object({ de: z.string(), en: z.string() });

export type CodeLabel = z.infer<typeof CodeLabel>;
export type Label = z.infer<typeof Label>;
export type StepRef = z.infer<typeof StepRef>;
export type OpenStops = z.infer<typeof OpenStops>;
export type Problem = z.infer<typeof Problem>;
export type AgencyKey = z.infer<typeof AgencyKey>;
