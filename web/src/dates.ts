// Calendar dates as clerks write and read them, independent of the browser's own locale (Chromium's
// <input type="date"> follows the browser's language, not the app's: an English browser showed mm/dd/yyyy in
// the German UI). German: 14.07.2026; English: 14 Jul 2026 (a month name cannot be read the wrong way
// round). ISO 2026-07-14 is understood in both. The API always gets YYYY-MM-DD; a date of birth may leave
// day or month unknown (YYYY-MM-00, YYYY-00-00), typed as "07.1990" / "Jul 1990" or "1990".
import type { Lang } from "./i18n";

const pad = (n: number) => String(n).padStart(2, "0");

function realDay(y: number, m: number, d: number): boolean {
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** A complete, existing calendar date as YYYY-MM-DD. */
export function isIsoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return !!m && realDay(+m[1], +m[2], +m[3]);
}

/** YYYY-MM-DD with day and/or month 00 where unknown (dates of birth). */
export function isPartialIsoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  if (mo === 0) return d === 0 && y >= 1000;
  if (d === 0) return mo <= 12 && y >= 1000;
  return realDay(y, mo, d);
}

const monthNames = new Map<string, number>();
for (const locale of ["en-GB", "de-DE"]) {
  for (const style of ["short", "long"] as const) {
    const f = new Intl.DateTimeFormat(locale, { month: style, timeZone: "UTC" });
    for (let m = 1; m <= 12; m++)
      monthNames.set(
        f
          .format(new Date(Date.UTC(2000, m - 1, 1)))
          .toLowerCase()
          .replace(/\.$/, ""),
        m,
      );
  }
}
monthNames.set("sept", 9);

/**
 * What the person typed, as YYYY-MM-DD, or undefined when it is no date. `partial`: day or month may be
 * left out (then 00). Day before month in every form; a year always has four digits.
 */
export function parseDate(text: string, partial = false): string | undefined {
  const s = text.trim().replace(/\s+/g, " ");
  if (!s) return undefined;
  let y: number, m: number, d: number;
  let r: RegExpExecArray | null;
  if ((r = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) [y, m, d] = [+r[1], +r[2], +r[3]];
  else if ((r = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s))) [d, m, y] = [+r[1], +r[2], +r[3]];
  else if ((r = /^(\d{1,2})\.? ?([A-Za-zäÄ]+)\.? (\d{4})$/.exec(s)) && monthNames.has(r[2].toLowerCase())) [d, m, y] = [+r[1], monthNames.get(r[2].toLowerCase())!, +r[3]];
  else if (partial && (r = /^(\d{1,2})[./](\d{4})$/.exec(s))) [d, m, y] = [0, +r[1], +r[2]];
  else if (partial && (r = /^([A-Za-zäÄ]+)\.? (\d{4})$/.exec(s)) && monthNames.has(r[1].toLowerCase())) [d, m, y] = [0, monthNames.get(r[1].toLowerCase())!, +r[2]];
  else if (partial && (r = /^(\d{4})$/.exec(s))) [d, m, y] = [0, 0, +r[1]];
  else return undefined;
  const iso = `${y}-${pad(m)}-${pad(d)}`;
  return (partial ? isPartialIsoDate(iso) : isIsoDate(iso)) ? iso : undefined;
}

/** How the date field writes a date back (the form a person would type): 14.07.2026 / 14 Jul 2026. */
export function formatDateInput(iso: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const [y, mo, d] = [m[1], +m[2], +m[3]];
  if (mo === 0) return y;
  const monthShort = new Intl.DateTimeFormat("en-GB", { month: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2000, mo - 1, 1)));
  if (d === 0) return lang === "de" ? `${pad(mo)}.${y}` : `${monthShort} ${y}`;
  return lang === "de" ? `${pad(d)}.${pad(mo)}.${y}` : `${d} ${monthShort} ${y}`;
}
